/**
 * Highest sustained rate: sim:run at increasing rates, one step each, while the
 * silver poller runs; after each step, wait until silver holds the step's last
 * order event, then judge the step (src/sustain.ts). Stops at the first rate
 * that is not sustained. The last step holds the top rate for minutes (Issue 15's
 * "1,000 events/s held 3 minutes"), and its freshness is a figure of its own.
 */
import { overRun } from '../charts.js';
import { judgeStep, SUSTAIN_RULE, type StepVerdict } from '../sustain.js';
import { summarize } from '../stats.js';
import { fmt, type Figure } from '../table.js';
import type { PartRunner } from './context.js';
import { catchUp, startPoller } from './freshness.js';
import { ensureTables, lastOrderEventMs, runSim } from './workload.js';

export const sustainedPart: PartRunner = async (ctx) => {
  await ensureTables(ctx);
  const rates = ctx.quick ? [50, 200] : [50, 100, 200, 400, 800];
  const seconds = ctx.quick ? 15 : 45;
  const held = ctx.quick ? { rate: 400, seconds: 30 } : { rate: 1000, seconds: 180 };
  const plan = [...rates.map((rate) => ({ rate, seconds })), held];
  const poller = startPoller(ctx);
  const steps: (StepVerdict & {
    rate: number;
    seconds: number;
    achieved: number;
    catchUpMs: number;
    latenciesMs: number[];
  })[] = [];
  let firstStartMs = Date.now();
  try {
    await poller.ready;
    for (const { rate, seconds } of plan) {
      ctx.log.info({ rate, seconds }, 'sustained: next step');
      const sim = await runSim(ctx, rate, seconds);
      if (steps.length === 0) firstStartMs = sim.startMs;
      const target = await lastOrderEventMs(ctx);
      const catchUpMs = await catchUp(poller, target, Date.now() + (ctx.quick ? 90_000 : 240_000));
      const rows = poller.visible
        .filter((r) => r.commitMs >= sim.startMs && r.commitMs <= sim.endMs)
        .map((r) => ({ commitMs: r.commitMs, latencyMs: r.visibleMs - r.commitMs }));
      const verdict = judgeStep({ rate, achievedPerSec: sim.eventsPerSec, rows, catchUpMs });
      const latenciesMs = rows.map((r) => r.latencyMs);
      steps.push({ ...verdict, rate, seconds, achieved: sim.eventsPerSec, catchUpMs, latenciesMs });
      ctx.log.info({ rate, ...verdict, catchUpMs }, 'sustained: step judged');
      if (!verdict.sustained) break;
    }
  } finally {
    await poller.stop();
  }
  const best = steps.filter((s) => s.sustained).at(-1);
  const stopped = steps.find((s) => !s.sustained);
  const stepText = steps
    .map(
      (s) =>
        `${s.rate}/s${s.seconds === seconds ? '' : ` for ${s.seconds} s`}: ${s.sustained ? 'ok' : 'NO'} (reached ${s.achieved.toFixed(0)}/s, lag ${fmt.s(s.startLagMs / 1000)} → ${fmt.s(s.endLagMs / 1000)}, caught up ${fmt.s(s.catchUpMs / 1000)} after)`,
    )
    .join('; ');
  const figures: Figure[] = [
    {
      name: `highest sustained rate (steps of ${seconds} s: ${rates.join(', ')}/s, then ${held.rate}/s for ${held.seconds} s)`,
      value: best ? `${best.rate} events/s` : `below ${rates[0]} events/s`,
      note: `${stopped ? `${stopped.rate}/s not sustained: ${stopped.reason}. ` : `every step passed (the top step is a lower bound). `}${SUSTAIN_RULE}. Steps: ${stepText}`,
      data: {
        highest: best?.rate ?? null,
        seconds,
        rates,
        held,
        steps: steps.map(({ latenciesMs: _, ...step }) => step),
        rule: SUSTAIN_RULE,
      },
      charts: [
        overRun(
          {
            id: 'sustained',
            title: `commit → visible in silver/orders per change, steps of ${seconds} s at ${steps.map((s) => s.rate).join(' → ')}/s`,
            unit: 's',
            labels: ['silver'],
            points: true,
          },
          firstStartMs,
          poller.visible
            .filter((v) => v.commitMs >= firstStartMs)
            .map((v) => ({ atMs: v.commitMs, values: [(v.visibleMs - v.commitMs) / 1000] })),
        ),
      ],
    },
  ];
  const heldStep = steps.find((s) => s.seconds === held.seconds && s.rate === held.rate);
  const heldLag = heldStep && summarize(heldStep.latenciesMs);
  figures.push({
    name: `freshness at ${held.rate} events/s held ${held.seconds} s, commit → visible in silver/orders`,
    value: heldLag
      ? `p50 ${fmt.s(heldLag.p50 / 1000)}, p95 ${fmt.s(heldLag.p95 / 1000)}, max ${fmt.s(heldLag.max / 1000)}`
      : 'not run',
    note: heldStep
      ? `${heldLag!.n} rows of the step; reached ${heldStep.achieved.toFixed(0)}/s; lag ${fmt.s(heldStep.startLagMs / 1000)} in its first third → ${fmt.s(heldStep.endLagMs / 1000)} in its last (${heldStep.sustained ? 'not growing' : heldStep.reason})`
      : 'a lower step was not sustained',
    data: heldStep ? { ...held, ...heldLag, sustained: heldStep.sustained } : { ...held },
  });
  return figures;
};
