/**
 * The main job end to end on the running stack: the CSV files loaded, one minute
 * of business at 50 events/s (customer erasures included, so deletes and
 * tombstones flow), then both verdicts: the stream equals PostgreSQL
 * (`pnpm validate`) and the lake does too (`pnpm delta:check --bronze`), with
 * every Kafka record in bronze exactly once; `pnpm lake:sql` reads the same lake.
 * Then a second domain, the clinic, from its generated CSVs through the same pipeline.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUSINESS_TABLES,
  createPool,
  deltaCheckUntilEqual,
  ensureLoaded,
  eventCount,
  pipelineCaughtUp,
  pnpm,
  pnpmOk,
  repo,
  validate,
} from './support/platform.js';

/** The arguments of every `pnpm lake:sql …` example of the README (quoted words kept whole). */
function readmeLakeSqlExamples(): string[][] {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  return [...readme.matchAll(/^pnpm lake:sql (.+)$/gm)].map((m) =>
    [...m[1]!.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((t) => t[1] ?? t[2] ?? t[3]!),
  );
}

const pool = createPool();
beforeAll(() => ensureLoaded(pool));
afterAll(() => pool.end());

describe('CSV → PostgreSQL → Debezium → Kafka → Spark → Delta on MinIO', () => {
  it('one minute at 50/s with deletes: the stream and the lake both equal PostgreSQL, bronze holds each change once', async () => {
    const first = await eventCount(pool);
    await pnpmOk(['sim:run', '--rate', '50/s', '--duration', '60s']);
    const { rows } = await pool.query<{ type: string; n: string }>(
      'SELECT type, count(*) AS n FROM sim.event_log WHERE seq > $1 GROUP BY type',
      [first],
    );
    const events = Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    expect(Object.values(events).reduce((a, b) => a + b, 0)).toBe(3000);
    expect(events['customer_erased']).toBeGreaterThan(0); // deletes (and tombstones) flow too

    const checkedFrom = new Date().toISOString();
    const validated = await validate();
    expect(validated.code, validated.stdout).toBe(0);
    const lake = await deltaCheckUntilEqual();
    expect(lake.equal).toBe(true);

    for (const table of lake.tables.filter((t) => t.lakePath.startsWith('bronze/'))) {
      const stream = validated.report!.tables.find((t) => t.table === table.table)!;
      // every Kafka record that is a change (not a tombstone) is in bronze, once
      expect(table.bronze!.duplicateRecords).toBe(0);
      expect(table.bronze!.events).toBe(stream.records - stream.tombstones);
    }
    const silver = lake.tables.filter((t) => t.lakePath.startsWith('silver/'));
    expect(silver.map((t) => t.duplicateKeys)).toEqual([0, 0, 0]);

    // pnpm lake:sql (no JVM) reads the same lake: each silver table has PostgreSQL's rows,
    // and every example query of the README answers.
    for (const table of BUSINESS_TABLES) {
      const sql = `SELECT count(*) AS n FROM silver.${table}`;
      const [answer] = JSON.parse(await pnpmOk(['lake:sql', '--json', '-', sql])) as {
        n: number;
      }[];
      const source = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(answer?.n, table).toBe(source.rows[0]!.n);
    }
    // pipeline:status sees every stage up to the job OK once it has caught up (the lake
    // stage may say lagging: other suites quarantine garbage on purpose), each table
    // counted the same in PostgreSQL and silver, and the job's recent batches
    const status = await pipelineCaughtUp();
    expect(status.stage('lake').health).not.toBe('stopped');
    for (const table of BUSINESS_TABLES) {
      const flow = status.tables.find((t) => t.table === table)!;
      expect(flow.silver?.rows, table).toBe(flow.postgresRows);
      expect(flow.kafkaRecords, table).toBeGreaterThan(flow.postgresRows!);
      expect(flow.sparkBehind, table).toBe(0);
    }
    expect(status.batches.some((b) => (b.records ?? 0) > 0 && (b.durationMs ?? 0) > 0)).toBe(true);
    // and the checkers' verdicts of this test, as they kept them
    const kept = new Map(status.verdicts.map((v) => [v.checker, v]));
    expect(kept.get('validate')?.ok).toBe(true);
    expect(kept.get('validate')?.summary).toMatch(/^consistent \(/);
    expect(kept.get('delta:check')?.ok).toBe(true);
    expect(kept.get('delta:check')?.summary).toMatch(/^equal \(6 lake tables/);
    for (const verdict of kept.values()) expect(verdict.finishedAt > checkedFrom).toBe(true);

    const examples = readmeLakeSqlExamples();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const args of examples) {
      const run = await pnpm(['lake:sql', ...args]);
      expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
    }
    process.stdout.write(
      `pipeline: ${JSON.stringify(events)}; bronze events ${lake.tables
        .filter((t) => t.bronze)
        .map((t) => `${t.table} ${t.bronze!.events}`)
        .join(', ')}\n`,
    );
  });

  it('a second domain, the clinic: its generated CSVs loaded, 30 s at 50/s; its stream and its lake equal PostgreSQL, its business rules hold', async () => {
    const clinicTables = ['patients', 'appointments', 'lab_results'];
    const dir = mkdtempSync(join(tmpdir(), 'mdp-e2e-clinic-'));
    try {
      await pnpmOk(['sim:gen', '--domain', 'clinic', '--out', dir, '--scale', '0.4']);
      await pnpmOk(['sim:load', '--dir', dir, '--replace']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Its own event log, beside retail's (--replace above starts it anew on a rerun).
    await pnpmOk(
      ['sim:run', '--domain', 'clinic', '--sim-schema', 'sim_clinic'].concat([
        '--rate',
        '50/s',
        '--duration',
        '30s',
      ]),
    );
    const { rows } = await pool.query<{ type: string; n: string }>(
      'SELECT type, count(*) AS n FROM sim_clinic.event_log GROUP BY type',
    );
    const events = Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    expect(Object.values(events).reduce((a, b) => a + b, 0)).toBe(1500);
    expect(events['lab_result_retracted']).toBeGreaterThan(0); // deletes too

    const validated = await validate(clinicTables);
    expect(validated.code, validated.stdout).toBe(0);
    const lake = await deltaCheckUntilEqual(clinicTables);
    expect(lake.equal).toBe(true);
    expect(lake.tables.filter((t) => t.lakePath.startsWith('silver/')).map((t) => t.table)).toEqual(
      clinicTables,
    );
    process.stdout.write(`clinic: ${JSON.stringify(events)}\n`);
  });
});
