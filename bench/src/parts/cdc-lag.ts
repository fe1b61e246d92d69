/**
 * CDC lag: PostgreSQL commit → the change decoded in Node. `pnpm consume --topic
 * mdp.public.orders` (kafkajs + the registry) runs while `sim:run --rate 50/s`
 * does; for each JSON line, receive time (when the line reached the bench) −
 * commitTime (Debezium's source.ts_ms, the commit in PostgreSQL). The simulator
 * runs until the consumer has been receiving for `seconds`, and only changes
 * committed after its first line count: earlier ones may have waited for the
 * consumer group to join.
 */
import { startScript } from '../adapters/commands.js';
import { MeasureError } from '../errors.js';
import { summarize } from '../stats.js';
import { overRun } from '../charts.js';
import { fmt } from '../table.js';
import { childOptions, type PartRunner } from './context.js';
import { ORDERS_TOPIC, ensureTables, startSim } from './workload.js';

const RATE = 50;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const cdcLagPart: PartRunner = async (ctx) => {
  await ensureTables(ctx);
  const seconds = ctx.quick ? 10 : 30;
  const received: { commitMs: number; atMs: number }[] = [];
  let firstAt = Infinity;
  let unreadable = 0;
  const consumer = startScript(['consume', '--topic', ORDERS_TOPIC], {
    ...childOptions(ctx, 'consume'),
    onStdoutLine: (line, at) => {
      try {
        const change = JSON.parse(line) as { commitTime?: string | null };
        if (!change.commitTime) return;
        firstAt = Math.min(firstAt, at);
        received.push({ commitMs: Date.parse(change.commitTime), atMs: at });
      } catch {
        unreadable += 1;
      }
    },
  });
  ctx.log.info({ rate: RATE, seconds }, 'cdc-lag: consuming the orders topic while sim:run writes');
  const sim = startSim(ctx, RATE);
  let simEnded = false;
  const simDone = sim.done.finally(() => (simEnded = true));
  try {
    const giveUp = Date.now() + 180_000;
    while (!simEnded && Date.now() < Math.min(giveUp, firstAt + seconds * 1000)) await wait(250);
    if (simEnded) await simDone; // it ended on its own: its error says why
    if (firstAt === Infinity)
      throw new MeasureError(
        'BENCH_NO_SAMPLES',
        'pnpm consume received nothing within 180 s of sim:run starting',
      );
    const stoppedAt = Date.now();
    sim.stop();
    await simDone;
    // the last changes are a few hundred ms behind: wait until none came for 2 s (at most 30 s)
    while (Date.now() < stoppedAt + 30_000 && Date.now() - (received.at(-1)?.atMs ?? 0) < 2000)
      await wait(250);
    const measured = received.filter((r) => r.commitMs >= firstAt);
    const lags = measured.map((r) => r.atMs - r.commitMs);
    if (lags.length === 0)
      throw new MeasureError(
        'BENCH_NO_SAMPLES',
        `pnpm consume printed ${received.length} changes (${unreadable} unreadable lines), none committed after it started receiving`,
      );
    const s = summarize(lags);
    return [
      {
        name: `CDC lag, commit → decoded in Node (sim:run ${RATE}/s, ~${seconds} s)`,
        value: `p50 ${fmt.ms(s.p50)}, p95 ${fmt.ms(s.p95)}, max ${fmt.ms(s.max)}`,
        note: `${s.n} orders changes committed after pnpm consume's first line; receive time of each line − its commitTime (source.ts_ms, ms resolution)`,
        data: { ...s, unit: 'ms', rate: RATE, seconds },
        charts: [
          overRun(
            {
              id: 'cdc-lag',
              title: 'CDC lag: commit → decoded in Node, per change',
              unit: 'ms',
              labels: ['lag'],
              points: true,
            },
            firstAt,
            measured.map((r) => ({ atMs: r.commitMs, values: [r.atMs - r.commitMs] })),
          ),
        ],
      },
    ];
  } finally {
    sim.stop();
    await simDone.catch(() => undefined);
    consumer.stop();
    await consumer.done.catch(() => undefined);
  }
};
