/**
 * `pnpm bench:sim [--seconds N] [--part all|speed|pacing]`: sustained events/s
 * at full speed (the baseline of the same run is concurrency 1 with one event a
 * round trip) and the pacing at 50/s: how far each commit lands from its
 * scheduled time, how many events each round trip carried, and where a late
 * commit lost its time (the event loop woke late, or PostgreSQL took long).
 * Uses the PG* settings when exported, otherwise starts the native stack's
 * PostgreSQL (`pnpm stack:up postgres`).
 */
import { execFileSync } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ENV, humanLines, parseStackEnv, writeResult } from '@mdp/schemas';
import { retail } from '../src/domains/retail/domain.js';
import { createSimStore, type SimStore } from '../src/sim/pg-store.js';
import {
  DEFAULT_BATCH_SIZE,
  runSimulation,
  type SimulationOptions,
  type SimulationSummary,
} from '../src/sim/simulator.js';
import { connectionFromEnv, createTestSchemas } from '../test/sim-fixture.js';
import { BENCH_SIM_USAGE, benchArgs, parseBenchSimArgs, type BenchSimArgs } from './bench-args.js';

function ensurePostgres(): void {
  if (process.env.PGHOST) return;
  const run = (args: string[]) =>
    execFileSync('pnpm', ['--silent', '--workspace-root', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  run(['stack:up', 'postgres']);
  const env = parseStackEnv(run(['stack:env']));
  for (const name of ENV.postgres) if (env[name] !== undefined) process.env[name] = env[name];
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, sd, p50: q(0.5), p99: q(0.99), max: sorted.at(-1)!, min: sorted[0]! };
};
const f = (x: number, digits = 2) => x.toFixed(digits);

async function main(argv: string[]): Promise<number> {
  const args = benchArgs('bench:sim', BENCH_SIM_USAGE, () => parseBenchSimArgs(argv, process.env));
  if (typeof args === 'number') return args;
  ensurePostgres();
  const db = await createTestSchemas('benchsim', {
    customers: 5000,
    products: 500,
    orders: 20_000,
  });
  const storeFor = (concurrency: number, synchronousCommit = false) =>
    createSimStore({
      domain: retail,
      connection: connectionFromEnv(),
      schema: db.schema,
      simSchema: db.simSchema,
      concurrency,
      synchronousCommit,
    });
  const run = (
    options: Partial<SimulationOptions> & Pick<SimulationOptions, 'rate' | 'concurrency'>,
    synchronousCommit = false,
  ) =>
    runSimulation({
      domain: retail,
      store: storeFor(options.concurrency, synchronousCommit),
      reset: true,
      ...options,
    });
  const say = humanLines(args.json);
  try {
    say(
      `bench:sim — ${args.seconds} s per run, 5000 customers / 500 products / 20000 orders, PostgreSQL ${process.env.PGHOST}:${process.env.PGPORT}`,
    );
    const figures = {
      seconds: args.seconds,
      speed: args.part === 'pacing' ? undefined : await speed(args, run, say),
      pacing: args.part === 'speed' ? undefined : await pacing(args, storeFor, say),
    };
    await writeResult(args.json, figures, '');
    return 0;
  } finally {
    await db.drop();
  }
}

type Run = (
  options: Partial<SimulationOptions> & Pick<SimulationOptions, 'rate' | 'concurrency'>,
  synchronousCommit?: boolean,
) => Promise<SimulationSummary>;

type Say = (line: string) => void;

/** One full-speed run; the first of `speed`'s is the baseline. */
interface SpeedRun {
  concurrency: number;
  batchSize: number;
  syncCommit: boolean;
  events: number;
  eventsPerSec: number;
}

async function speed({ seconds }: BenchSimArgs, run: Run, say: Say): Promise<SpeedRun[]> {
  const runs: SpeedRun[] = [];
  say(
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
    const s = await run({ rate: 'max', concurrency, batchSize, durationMs: seconds * 1000 }, sync);
    baseline ||= s.ratePerSec;
    runs.push({
      concurrency,
      batchSize,
      syncCommit: sync,
      events: s.applied,
      eventsPerSec: s.ratePerSec,
    });
    say(
      `  concurrency ${String(concurrency).padStart(2)}, ${String(batchSize).padStart(3)} event(s) a round trip, sync-commit ${sync ? 'on ' : 'off'}: ` +
        `${f(s.ratePerSec, 0).padStart(6)} events/s  (${s.applied} events, ${f(s.ratePerSec / baseline, 1)}× baseline)`,
    );
  }
  return runs;
}

/**
 * 50/s for `seconds`, concurrency 8. Besides the error against the schedule it
 * shows how many events each round trip carried (1 unless the run fell behind)
 * and splits a commit's lateness into the two places it can come from: the
 * round trip starting late (the event loop woke late: see its delay) and
 * PostgreSQL taking long to answer.
 */
async function pacing(
  { seconds }: BenchSimArgs,
  storeFor: (concurrency: number) => SimStore,
  say: Say,
) {
  say('\npacing at 50/s (event i due at t0 + i × 20 ms), concurrency 8:');
  const store = storeFor(8);
  const sent = new Map<number, number>(); // seq of a batch's first event → performance.now() at send
  const roundTrips: number[] = [];
  const batchSizes = new Map<number, number>();
  const apply = store.apply.bind(store);
  store.apply = async (events) => {
    const start = performance.now();
    sent.set(events[0]!.seq, start);
    batchSizes.set(events.length, (batchSizes.get(events.length) ?? 0) + 1);
    await apply(events);
    roundTrips.push(performance.now() - start);
  };
  const commits: number[] = [];
  const errors: number[] = [];
  const lateStarts: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const s = await runSimulation({
    domain: retail,
    store,
    reset: true,
    rate: 50,
    concurrency: 8,
    durationMs: seconds * 1000,
    onApplied: (e, at, due) => {
      commits.push(at);
      errors.push(Math.abs(at - due!));
      const start = sent.get(e.seq);
      if (start !== undefined) lateStarts.push(start - due!);
    },
  });
  loop.disable();
  const intervals = commits.slice(1).map((t, i) => t - commits[i]!);
  const iv = stats(intervals);
  const err = stats(errors);
  const late = stats(lateStarts);
  const rt = stats(roundTrips);
  const ms = (ns: number) => f(ns / 1e6);
  say(`  events ${s.applied} (expected ${50 * seconds}), achieved ${f(s.ratePerSec)} events/s`);
  say(
    `  |commit − scheduled| ms:   p50 ${f(err.p50)}  p99 ${f(err.p99)}  max ${f(err.max)}  mean ${f(err.mean)}`,
  );
  say(
    `  inter-commit interval ms: p50 ${f(iv.p50)}  p99 ${f(iv.p99)}  min ${f(iv.min)}  max ${f(iv.max)}  sd ${f(iv.sd)}`,
  );
  say(
    `  events a round trip:      ${[...batchSizes]
      .sort(([a], [b]) => a - b)
      .map(([size, n]) => `${n} × ${size}`)
      .join(', ')}`,
  );
  say(
    `  round trip sent − due ms: p50 ${f(late.p50)}  p99 ${f(late.p99)}  max ${f(late.max)};  ` +
      `event-loop delay ms: p50 ${ms(loop.percentile(50))}  p99 ${ms(loop.percentile(99))}  max ${ms(loop.max)}`,
  );
  say(`  PostgreSQL round trip ms: p50 ${f(rt.p50)}  p99 ${f(rt.p99)}  max ${f(rt.max)}`);
}

process.exitCode = await main(process.argv.slice(2));
