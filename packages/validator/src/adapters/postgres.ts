/** Reads the source side at one consistent point: rows, snapshot, WAL position, event log. */
import pg from 'pg';
import type { LoggedEvent, Row } from '@mdp/schemas';
import { EVENT_LOG_SCHEMA, EVENT_LOG_TABLE, recordVerdict, type Verdict } from '@mdp/schemas';
import { parseSnapshot } from '../checks/completeness.js';
import { keyString } from '../checks/canonical.js';
import type { PgConfig } from '../config.js';
import type { SourceState } from '../validate/topology.js';

export function lsnToBigInt(text: string): bigint {
  const [hi = '0', lo = '0'] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * One REPEATABLE READ transaction: `pg_current_snapshot()` and `pg_current_wal_insert_lsn()`
 * (the watermark W), then every row of `tables` as text (TimeZone UTC) and the event log.
 * Every transaction this snapshot sees committed before W. Not `pg_current_wal_lsn()`: that is
 * where WAL has been written to, and an asynchronous commit (`synchronous_commit=off`, as the
 * simulator runs) is visible before its commit record is written.
 */
export async function readSourceState(
  config: PgConfig,
  tables: readonly string[],
  schema = 'public',
): Promise<SourceState> {
  const client = new pg.Client({ ...config, application_name: 'mdp-validator' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    const head = await client.query<{ snap: string; lsn: string }>(
      'SELECT pg_current_snapshot()::text AS snap, pg_current_wal_insert_lsn()::text AS lsn',
    );
    const out = new Map<string, Map<string, Row>>();
    for (const table of tables) {
      const cols = await client.query<{ name: string; pk: boolean }>(
        `SELECT a.attname AS name, coalesce(a.attnum = ANY(i.indkey), false) AS pk
           FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [`${ident(schema)}.${ident(table)}`],
      );
      if (!cols.rows.length) continue;
      const pk = cols.rows.filter((c) => c.pk).map((c) => c.name);
      const select = cols.rows.map((c) => `${ident(c.name)}::text AS ${ident(c.name)}`).join(', ');
      // In key order, so a report names its first problems the same way every time.
      const order = pk.length ? ` ORDER BY ${pk.map(ident).join(', ')}` : '';
      const rows = await client.query<Row>(
        `SELECT ${select} FROM ${ident(schema)}.${ident(table)}${order}`,
      );
      const byKey = new Map<string, Row>();
      for (const row of rows.rows)
        byKey.set(keyString(row, pk.length ? pk : Object.keys(row)), row);
      out.set(table, byKey);
    }
    let events: LoggedEvent[] | undefined;
    const log = `${ident(EVENT_LOG_SCHEMA)}.${ident(EVENT_LOG_TABLE)}`;
    const exists = await client.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [
      log,
    ]);
    if (exists.rows[0]?.r) {
      // seq stays bigint here: ORDER BY names the output column, and as text "10000"
      // sorts before "9999" (node-postgres hands a bigint over as a string anyway).
      const res = await client.query<{ seq: string; at: string; event: LoggedEvent['event'] }>(
        `SELECT seq, at::text AS at, payload AS event FROM ${log} ORDER BY seq`,
      );
      events = res.rows.map((r) => ({ seq: Number(r.seq), at: r.at, event: r.event }));
    }
    await client.query('COMMIT');
    return {
      snapshot: parseSnapshot(head.rows[0]!.snap),
      walLsn: lsnToBigInt(head.rows[0]!.lsn),
      tables: out,
      ...{ events },
    };
  } finally {
    await client.end();
  }
}

/** Keeps a verdict as validate's last (cdc.verdicts), for pipeline:status and the console. */
export async function keepVerdict(config: PgConfig, verdict: Verdict): Promise<void> {
  const client = new pg.Client({
    ...config,
    application_name: 'mdp-validator',
    connectionTimeoutMillis: 10_000,
    statement_timeout: 10_000,
  });
  await client.connect();
  try {
    await recordVerdict(client, verdict);
  } finally {
    await client.end();
  }
}
