/**
 * `pnpm bench:sim`: sustained events/s at full speed (the baseline of the same
 * run is concurrency 1 with one event a round trip) and the pacing error at
 * 50/s: how far each commit lands from its scheduled time, over 10 s.
 * Uses the PG* settings when exported, otherwise starts the native stack's
 * PostgreSQL (`pnpm stack:up postgres`).
 */
import { execFileSync } from 'node:child_process';
import { createSimStore } from '../src/sim/pg-store.js';
import { DEFAULT_BATCH_SIZE, runSimulation, type SimulationOptions } from '../src/sim/simulator.js';
import { connectionFromEnv, createTestSchemas } from '../test/sim-fixture.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function ensurePostgres(): void {
  if (process.env.PGHOST) return;
  const run = (args: string[]) =>
    execFileSync('pnpm', ['--silent', '--workspace-root', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  run(['stack:up', 'postgres']);
  for (const line of run(['stack:env']).split('\n')) {
    const m = /^export (PG[A-Z]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1');
  }
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, sd, p50: q(0.5), p99: q(0.99), max: sorted.at(-1)!, min: sorted[0]! };
};
const f = (x: number, digits = 2) => x.toFixed(digits);

async function main(): Promise<void> {
  ensurePostgres();
  const db = await createTestSchemas('benchsim', {
    customers: 5000,
    products: 500,
    orders: 20_000,
  });
  const run = (
    options: Partial<SimulationOptions> & Pick<SimulationOptions, 'rate' | 'concurrency'>,
    synchronousCommit = false,
  ) =>
    runSimulation({
      store: createSimStore({
        connection: connectionFromEnv(),
        schema: db.schema,
        simSchema: db.simSchema,
        concurrency: options.concurrency,
        synchronousCommit,
      }),
      reset: true,
      ...options,
    });
  try {
    console.log(
      `bench:sim — ${SECONDS} s per run, 5000 customers / 500 products / 20000 orders, PostgreSQL ${process.env.PGHOST}:${process.env.PGPORT}`,
    );
    console.log(
      '\nfull speed (--rate max), one transaction per event; baseline = concurrency 1, one event per round trip, --sync-commit off:',
    );
    let baseline = 0;
    for (const [concurrency, batchSize, sync] of [
      [1, 1, false],
      [8, 1, false],
      [1, DEFAULT_BATCH_SIZE, false],
      [2, DEFAULT_BATCH_SIZE, false],
      [4, DEFAULT_BATCH_SIZE, false],
      [8, DEFAULT_BATCH_SIZE, false],
      [8, DEFAULT_BATCH_SIZE, true],
    ] as const) {
      const s = await run(
        { rate: 'max', concurrency, batchSize, durationMs: SECONDS * 1000 },
        sync,
      );
      baseline ||= s.ratePerSec;
      console.log(
        `  concurrency ${String(concurrency).padStart(2)}, ${String(batchSize).padStart(3)} event(s) a round trip, sync-commit ${sync ? 'on ' : 'off'}: ` +
          `${f(s.ratePerSec, 0).padStart(6)} events/s  (${s.applied} events, ${f(s.ratePerSec / baseline, 1)}× baseline)`,
      );
    }

    console.log('\npacing at 50/s (event i due at t0 + i × 20 ms), concurrency 8:');
    const commits: number[] = [];
    const errors: number[] = [];
    const s = await run({
      rate: 50,
      concurrency: 8,
      durationMs: SECONDS * 1000,
      onApplied: (_e, at, due) => {
        commits.push(at);
        errors.push(Math.abs(at - due!));
      },
    });
    const intervals = commits.slice(1).map((t, i) => t - commits[i]!);
    const iv = stats(intervals);
    const err = stats(errors);
    console.log(
      `  events ${s.applied} (expected ${50 * SECONDS}), achieved ${f(s.ratePerSec)} events/s`,
    );
    console.log(
      `  |commit − scheduled| ms:   p50 ${f(err.p50)}  p99 ${f(err.p99)}  max ${f(err.max)}  mean ${f(err.mean)}`,
    );
    console.log(
      `  inter-commit interval ms: p50 ${f(iv.p50)}  p99 ${f(iv.p99)}  min ${f(iv.min)}  max ${f(iv.max)}  sd ${f(iv.sd)}`,
    );
  } finally {
    await db.drop();
  }
}

await main();
