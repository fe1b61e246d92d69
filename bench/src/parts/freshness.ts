/**
 * Freshness: PostgreSQL commit → visible in silver/orders. The poller reads the
 * Delta table every 0.5 s; a row (id, _lsn) not in an earlier version became
 * visible at the poll that saw the new version: latency = that poll's time −
 * _commit_ts. Resolution: the poll interval (plus a poll's own duration).
 */
import { latencies, requireSamples, startSilverPoller } from '../adapters/silver-poller.js';
import { MeasureError } from '../errors.js';
import { summarize } from '../stats.js';
import { fmt } from '../table.js';
import type { Context, PartRunner } from './context.js';
import { ensureTables, lastOrderEventMs, runSim } from './workload.js';

export const POLL_MS = 500;
const RATE = 50;

export function startPoller(ctx: Context) {
  const log = ctx.log.child({ component: 'poll-silver' });
  return startSilverPoller({
    repoRoot: ctx.repoRoot,
    env: ctx.env,
    table: 'orders',
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
  poller: ReturnType<typeof startSilverPoller>,
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
  const poller = startPoller(ctx);
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
    return [
      {
        name: `freshness, commit → visible in silver/orders (sim:run ${RATE}/s, ${seconds} s)`,
        value: `p50 ${fmt.s(s.p50 / 1000)}, p95 ${fmt.s(s.p95 / 1000)}, max ${fmt.s(s.max / 1000)}`,
        note: `${s.n} rows (id, _lsn); poll every ${POLL_MS} ms (resolution; a poll took p50 ${fmt.ms(polls.p50)}); Python deltalake, read-only key`,
        data: { ...s, unit: 'ms', rate: RATE, seconds, pollMs: POLL_MS, pollDurationMs: polls },
      },
    ];
  } finally {
    await poller.stop();
  }
};
