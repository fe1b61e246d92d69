/**
 * The silver poller: `spark/bin/python.sh bench/scripts/poll-silver.py` (Python
 * deltalake, read-only key), one JSON line per poll. Keeps every row that became
 * visible as (commit time, first poll that saw it), and with `bronze` every change
 * that reached the bronze table as (commit time, Kafka record time, first poll).
 */
import { join } from 'node:path';
import { BenchError, MeasureError } from '../errors.js';
import { start, type Running } from './commands.js';

export interface Visible {
  /** _commit_ts: the PostgreSQL commit, epoch ms. */
  readonly commitMs: number;
  /** Wall clock right after the version check that first saw the row, epoch ms. */
  readonly visibleMs: number;
}

interface BronzeArrival {
  /** _commit_ts: the PostgreSQL commit, epoch ms. */
  readonly commitMs: number;
  /** _kafka_timestamp: the Kafka record's timestamp (Connect produced it), epoch ms. */
  readonly kafkaMs: number;
  /** Wall clock right after the version check that first saw it in bronze, epoch ms. */
  readonly visibleMs: number;
}

interface PollLine {
  readonly ready?: boolean;
  readonly t: number;
  readonly v: number;
  readonly ms?: number;
  readonly new?: number[];
  readonly max?: number;
  readonly bt?: number;
  readonly bronze?: [number, number][];
}

export interface SilverPoller {
  /** The first read is done (rows already there are not counted). */
  readonly ready: Promise<void>;
  readonly intervalMs: number;
  /** Rows that became visible after the first read, in the order seen. */
  readonly visible: readonly Visible[];
  /** Changes that reached bronze after the first read (only when started with `bronze`). */
  readonly bronze: readonly BronzeArrival[];
  /** Polls done, with how long each took (ms). */
  readonly pollMs: readonly number[];
  /** The newest _commit_ts visible so far (epoch ms). */
  newestCommitMs(): number;
  /** Resolves true once `condition` holds after a poll, false at the deadline. */
  waitFor(condition: () => boolean, deadlineMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export function startSilverPoller(options: {
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  table: string;
  /** Also poll the table's bronze change log. */
  bronze?: boolean;
  intervalMs: number;
  /** Fail `ready` when the table has not been read within this long. */
  readyTimeoutMs: number;
  onError?: (line: string) => void;
}): SilverPoller {
  const visible: Visible[] = [];
  const bronze: BronzeArrival[] = [];
  const pollMs: number[] = [];
  let newest = 0;
  const waiters = new Set<() => void>();
  let markReady: () => void = () => undefined;
  let failReady: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const child: Running = start(
    join(options.repoRoot, 'spark', 'bin', 'python.sh'),
    [
      join(options.repoRoot, 'bench', 'scripts', 'poll-silver.py'),
      `s3://lakehouse/silver/${options.table}`,
      String(options.intervalMs / 1000),
      ...(options.bronze ? [`s3://lakehouse/bronze/${options.table}_changes`] : []),
    ],
    {
      cwd: options.repoRoot,
      env: options.env,
      onStderrLine: (line) => options.onError?.(line),
      onStdoutLine: (text) => {
        let line: PollLine;
        try {
          line = JSON.parse(text) as PollLine;
        } catch {
          return;
        }
        if (line.ready) {
          newest = line.max ?? 0;
          markReady();
        } else {
          if (line.ms !== undefined) pollMs.push(line.ms);
          for (const commitMs of line.new ?? []) visible.push({ commitMs, visibleMs: line.t });
          for (const [commitMs, kafkaMs] of line.bronze ?? [])
            bronze.push({ commitMs, kafkaMs, visibleMs: line.bt ?? line.t });
          if (line.max !== undefined) newest = Math.max(newest, line.max);
        }
        for (const wake of waiters) wake();
      },
    },
  );
  const readyTimer = setTimeout(
    () =>
      failReady(
        new BenchError(
          'BENCH_POLLER_NOT_READY',
          `silver/${options.table} could not be read within ${options.readyTimeoutMs / 1000} s (the Spark job creates it with its first batch of that table: pnpm stack:logs spark)`,
        ),
      ),
    options.readyTimeoutMs,
  );
  void ready.then(
    () => clearTimeout(readyTimer),
    () => clearTimeout(readyTimer),
  );
  child.done.then(
    (f) =>
      failReady(
        new BenchError(
          'BENCH_POLLER_EXITED',
          `the silver poller exited (${f.code ?? f.signal}) before its first read: ${f.stderrTail.slice(-2).join(' / ')}`,
        ),
      ),
    (e: Error) => failReady(e),
  );
  return {
    ready,
    intervalMs: options.intervalMs,
    visible,
    bronze,
    pollMs,
    newestCommitMs: () => newest,
    waitFor: (condition, deadlineMs) =>
      new Promise<boolean>((resolve) => {
        const check = () => {
          if (condition()) finish(true);
          else if (Date.now() > deadlineMs) finish(false);
        };
        const timer = setInterval(check, 1000);
        const finish = (ok: boolean) => {
          clearInterval(timer);
          waiters.delete(check);
          resolve(ok);
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      child.stop();
      await child.done.catch(() => undefined);
    },
  };
}

/** The rows committed in [fromMs, toMs) that became visible, as latencies (ms). */
export function latencies(rows: readonly Visible[], fromMs: number, toMs = Infinity): number[] {
  return rows
    .filter((r) => r.commitMs >= fromMs && r.commitMs < toMs)
    .map((r) => r.visibleMs - r.commitMs);
}

export function requireSamples(samples: readonly number[], what: string): void {
  if (samples.length === 0) throw new MeasureError('BENCH_NO_SAMPLES', `${what}: no samples`);
}
