/**
 * `pnpm bench:sim`: sustained events/s at full speed (concurrency 1 is the
 * baseline of the same run) and the pacing error at 50/s (inter-commit
 * intervals over 10 s). Uses the PG* settings when exported, otherwise starts
 * the native stack's PostgreSQL (`pnpm stack:up postgres`).
 */
import { execFileSync } from 'node:child_process';
import { createSimStore } from '../src/sim/pg-store.js';
import { runSimulation, type SimulationOptions } from '../src/sim/simulator.js';
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
      '\nfull speed (--rate max), one transaction per event; baseline = concurrency 1, --sync-commit off:',
    );
    let baseline = 0;
    for (const [concurrency, sync] of [
      [1, false],
      [4, false],
      [8, false],
      [16, false],
      [8, true],
    ] as const) {
      const s = await run({ rate: 'max', concurrency, durationMs: SECONDS * 1000 }, sync);
      baseline ||= s.ratePerSec;
      console.log(
        `  concurrency ${String(concurrency).padStart(2)}, sync-commit ${sync ? 'on ' : 'off'}: ${f(s.ratePerSec, 0).padStart(6)} events/s  (${s.applied} events, ${f(s.ratePerSec / baseline)}× baseline)`,
      );
    }

    console.log('\npacing at 50/s (target interval 20 ms):');
    const commits: number[] = [];
    const s = await run({
      rate: 50,
      concurrency: 8,
      durationMs: SECONDS * 1000,
      onApplied: (_e, at) => commits.push(at),
    });
    const intervals = commits.slice(1).map((t, i) => t - commits[i]!);
    const lateness = commits.map((t, k) => t - (commits[0]! + k * 20));
    const iv = stats(intervals);
    const late = stats(lateness);
    console.log(
      `  events ${s.applied} (expected ${50 * SECONDS}), achieved ${f(s.ratePerSec)} events/s`,
    );
    console.log(
      `  inter-commit interval ms: mean ${f(iv.mean, 3)}  sd ${f(iv.sd)}  p50 ${f(iv.p50)}  p99 ${f(iv.p99)}  min ${f(iv.min)}  max ${f(iv.max)}`,
    );
    console.log(
      `  commit vs schedule ms:    mean ${f(late.mean)}  p99 ${f(late.p99)}  max ${f(late.max)}  drift at end ${f(lateness.at(-1)!)}`,
    );
  } finally {
    await db.drop();
  }
}

await main();
