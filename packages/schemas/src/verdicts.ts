/**
 * The last verdict of each checker (`pnpm validate`, `pnpm delta:check`), kept
 * in PostgreSQL beside the heartbeat (`cdc.verdicts`, made by infra/postgres/init.sql,
 * never captured; the checkers' role may write it) so that `pnpm pipeline:status`
 * and the console can show it with its time. One row per checker: a new verdict
 * replaces the last.
 */

export const VERDICTS_TABLE = 'cdc.verdicts';

export type Checker = 'validate' | 'delta:check';

export interface Verdict {
  readonly checker: Checker;
  /** The check passed (consistent / equal). */
  readonly ok: boolean;
  /** One line, as the checker's report would put it. */
  readonly summary: string;
  /** ISO-8601 UTC. */
  readonly finishedAt: string;
}

/** What recording and reading need of a PostgreSQL client or pool (pg's `query`). */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export async function recordVerdict(db: Queryable, verdict: Verdict): Promise<void> {
  await db.query(
    `INSERT INTO ${VERDICTS_TABLE} (checker, ok, summary, finished_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (checker) DO UPDATE
       SET ok = EXCLUDED.ok, summary = EXCLUDED.summary, finished_at = EXCLUDED.finished_at`,
    [verdict.checker, verdict.ok, verdict.summary, verdict.finishedAt],
  );
}

/** Every checker's last verdict; none when the table does not exist (a stack set up before it). */
export async function readVerdicts(db: Queryable): Promise<Verdict[]> {
  const exists = await db.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [VERDICTS_TABLE]);
  if (!(exists.rows[0] as { exists: boolean }).exists) return [];
  const { rows } = await db.query(
    `SELECT checker, ok, summary,
            to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "finishedAt"
       FROM ${VERDICTS_TABLE} ORDER BY checker`,
  );
  return rows as Verdict[];
}
