/**
 * Freshness: PostgreSQL commit → visible in silver/orders. The poller reads the
 * Delta table every 0.5 s; a row (id, _lsn) not in an earlier version became
 * visible at the poll that saw the new version: latency = that poll's time −
 * _commit_ts. Resolution: the poll interval (plus a poll's own duration).
 *
 * The same run is broken down by hop: commit → the Kafka record's timestamp
 * (bronze's _kafka_timestamp), commit → visible in bronze/orders_changes, the
 * Spark job's micro-batches that ended meanwhile (its log), and the Spark jobs
 * they ran by kind (the Spark UI), to tell where a batch's time goes.
 */
import {
  fetchJobs,
  groupJobs,
  readBatches,
  sparkService,
  type JobKind,
  type SparkBatch,
} from '../adapters/spark-job.js';
import {
  latencies,
  requireSamples,
  startSilverPoller,
  type SilverPoller,
} from '../adapters/silver-poller.js';
import { MeasureError } from '../errors.js';
import { summarize, type Summary } from '../stats.js';
import { overRun } from '../charts.js';
import { fmt, type Figure } from '../table.js';
import type { Context, PartRunner } from './context.js';
import { ensureTables, lastOrderEventMs, runSim } from './workload.js';

const POLL_MS = 500;
const RATE = 50;

export function startPoller(ctx: Context, bronze = false) {
  const log = ctx.log.child({ component: 'poll-silver' });
  return startSilverPoller({
    repoRoot: ctx.repoRoot,
    env: ctx.env,
    table: 'orders',
    bronze,
    intervalMs: POLL_MS,
    readyTimeoutMs: ctx.quick ? 300_000 : 600_000,
    onError: (line) => log.debug(line),
  });
}

/**
 * Waits until silver holds the run's newest order event (its _commit_ts ≥ that
 * event's time); how long after the event that happened, or NaN at the deadline.
 */
export async function catchUp(
  poller: SilverPoller,
  targetMs: number,
  deadlineMs: number,
): Promise<number> {
  if (!Number.isFinite(targetMs)) return NaN;
  const ok = await poller.waitFor(() => poller.newestCommitMs() >= targetMs, deadlineMs);
  if (!ok) return NaN;
  const row = poller.visible.find((r) => r.commitMs >= targetMs);
  return row ? row.visibleMs - targetMs : 0;
}

export const freshnessPart: PartRunner = async (ctx) => {
  await ensureTables(ctx);
  const seconds = ctx.quick ? 20 : 60;
  const poller = startPoller(ctx, true);
  const spark = await sparkService(ctx);
  try {
    await poller.ready;
    ctx.log.info({ rate: RATE, seconds }, 'freshness: polling silver/orders while sim:run writes');
    const sim = await runSim(ctx, RATE, seconds);
    const deadlineS = ctx.quick ? 90 : 180;
    const caughtUp = await catchUp(
      poller,
      await lastOrderEventMs(ctx),
      Date.now() + deadlineS * 1000,
    );
    if (Number.isNaN(caughtUp)) {
      const sofar = summarize(latencies(poller.visible, sim.startMs));
      throw new MeasureError(
        'BENCH_NOT_CAUGHT_UP',
        `silver/orders did not reach the run's last order event within ${deadlineS} s of the run's end; ` +
          `${sofar.n} of its rows became visible by then (p50 ${fmt.s(sofar.p50 / 1000)}, max ${fmt.s(sofar.max / 1000)}): is the Spark job behind? pnpm stack:logs spark`,
      );
    }
    const samples = latencies(poller.visible, sim.startMs);
    requireSamples(samples, 'freshness');
    const s = summarize(samples);
    const polls = summarize(poller.pollMs);
    const until = Date.now();
    const batches = readBatches(spark.logFile, sim.startMs, until);
    const jobs = spark.uiPort === undefined ? undefined : await fetchJobs(spark.uiPort);
    return [
      ...hopFigures(poller, sim.startMs, batches),
      ...(jobs ? [jobFigure(groupJobs(jobs, sim.startMs, until), batches.length)] : []),
      {
        name: `freshness, commit → visible in silver/orders (sim:run ${RATE}/s, ${seconds} s)`,
        value: `p50 ${fmt.s(s.p50 / 1000)}, p95 ${fmt.s(s.p95 / 1000)}, max ${fmt.s(s.max / 1000)}`,
        note: `${s.n} rows (id, _lsn); poll every ${POLL_MS} ms (resolution; a poll took p50 ${fmt.ms(polls.p50)}); Python deltalake, read-only key`,
        data: { ...s, unit: 'ms', rate: RATE, seconds, pollMs: POLL_MS, pollDurationMs: polls },
        charts: [
          overRun(
            {
              id: 'freshness',
              title: 'commit → visible in silver/orders, per change',
              unit: 's',
              labels: ['silver'],
              points: true,
            },
            sim.startMs,
            poller.visible
              .filter((v) => v.commitMs >= sim.startMs)
              .map((v) => ({ atMs: v.commitMs, values: [(v.visibleMs - v.commitMs) / 1000] })),
          ),
        ],
      },
    ];
  } finally {
    await poller.stop();
  }
};

const span = (s: Summary) => `p50 ${fmt.s(s.p50 / 1000)}, p95 ${fmt.s(s.p95 / 1000)}`;

/** Where the freshness run's time went: Kafka, bronze, and the Spark batches. */
function hopFigures(
  poller: SilverPoller,
  fromMs: number,
  batches: readonly SparkBatch[],
): Figure[] {
  const arrivals = poller.bronze.filter((b) => b.commitMs >= fromMs);
  const toKafka = summarize(arrivals.map((b) => b.kafkaMs - b.commitMs));
  const toBronze = summarize(arrivals.map((b) => b.visibleMs - b.commitMs));
  const toSilver = summarize(latencies(poller.visible, fromMs));
  const seconds = summarize(batches.map((b) => b.seconds * 1000));
  const records = summarize(batches.map((b) => b.records));
  const gaps = summarize(batches.slice(1).map((b, i) => b.endMs - batches[i]!.endMs));
  return [
    {
      name: 'freshness by hop, commit → Kafka record → visible in bronze → in silver (same run)',
      value: `Kafka ${span(toKafka)}; bronze ${span(toBronze)}; silver ${span(toSilver)}`,
      note: `${arrivals.length} changes of bronze/orders_changes; Kafka: the record's timestamp (Connect produced it); bronze and silver: the first poll that saw the change`,
      data: { unit: 'ms', toKafka, toBronze, toSilver },
      charts: [
        overRun(
          {
            id: 'freshness-hops',
            title: 'commit → Kafka record, → visible in bronze/orders_changes, per change',
            unit: 's',
            labels: ['Kafka', 'bronze'],
            points: true,
          },
          fromMs,
          arrivals.map((b) => ({
            atMs: b.commitMs,
            values: [(b.kafkaMs - b.commitMs) / 1000, (b.visibleMs - b.commitMs) / 1000],
          })),
        ),
      ],
    },
    {
      name: 'Spark micro-batches during the freshness run',
      value: `${batches.length} batches: ${span(seconds)}, max ${fmt.s(seconds.max / 1000)} each`,
      note: `records per batch (every topic) p50 ${records.p50}, max ${records.max}; one batch ended every ${fmt.s(gaps.p50 / 1000)} (p50); from the job's log ("batch written")`,
      data: { unit: 'ms', seconds, records, gaps },
      charts: [
        overRun(
          {
            id: 'batches',
            title: 'Spark micro-batches: duration, at the time each ended',
            unit: 's',
            labels: ['duration'],
            points: true,
          },
          fromMs,
          batches.map((b) => ({ atMs: b.endMs, values: [b.seconds] })),
        ),
      ],
    },
  ];
}

/** The Spark jobs the run's micro-batches ran, by kind: where a batch's time goes. */
function jobFigure(kinds: readonly JobKind[], batches: number): Figure {
  const jobs = kinds.reduce((n, k) => n + k.jobs, 0);
  const seconds = kinds.reduce((n, k) => n + k.seconds, 0);
  const per = (x: number) => (batches ? x / batches : NaN);
  const top = kinds
    .slice(0, 6)
    .map(
      (k) =>
        `${k.kind}: ${k.jobs} jobs, ${fmt.s(k.seconds)} (${Math.round((100 * k.seconds) / seconds)} %)`,
    )
    .join('; ');
  return {
    name: "Spark jobs the freshness run's micro-batches ran",
    value: `${jobs} jobs, ${fmt.s(seconds)} of job time: ${per(jobs).toFixed(0)} jobs, ${fmt.s(per(seconds))} a batch`,
    note: `the costliest kinds (Spark UI, jobs submitted during the run; tables are written in parallel, so job time exceeds wall time): ${top}`,
    data: { jobs, seconds, batches, kinds },
  };
}
