/**
 * When a rate counts as sustained: the rule of the `sustained` part, kept pure
 * so it is tested and stated once.
 */
import { percentile } from './stats.js';

/** The simulator must reach this share of the target rate (else PostgreSQL/the simulator is the limit). */
const MIN_ACHIEVED = 0.95;
/** The lag of the last third may exceed the first third's by this factor plus one trigger of slack. */
const GROWTH_FACTOR = 1.5;
const SLACK_MS = 2000;

export const SUSTAIN_RULE =
  `sustained when sim:run reached ≥ ${MIN_ACHIEVED * 100} % of the rate, silver caught up with the step's last order event, ` +
  `and the p50 freshness of rows committed in the step's last third ≤ ${GROWTH_FACTOR} × that of its first third + ${SLACK_MS / 1000} s`;

export interface StepInput {
  readonly rate: number;
  readonly achievedPerSec: number;
  /** Rows of the step: commit time and freshness (ms). */
  readonly rows: readonly { commitMs: number; latencyMs: number }[];
  /** From the step's last order event to silver holding it, ms; NaN when it never did. */
  readonly catchUpMs: number;
}

export interface StepVerdict {
  readonly sustained: boolean;
  readonly startLagMs: number;
  readonly endLagMs: number;
  readonly reason: string;
}

export function judgeStep(step: StepInput): StepVerdict {
  const commits = step.rows.map((r) => r.commitMs);
  const first = Math.min(...commits);
  const last = Math.max(...commits);
  const third = (last - first) / 3;
  const lagsIn = (from: number, to: number) =>
    step.rows.filter((r) => r.commitMs >= from && r.commitMs <= to).map((r) => r.latencyMs);
  const startLagMs = step.rows.length ? percentile(lagsIn(first, first + third), 50) : NaN;
  const endLagMs = step.rows.length ? percentile(lagsIn(last - third, last), 50) : NaN;
  const verdict = (sustained: boolean, reason: string): StepVerdict => ({
    sustained,
    startLagMs,
    endLagMs,
    reason,
  });
  if (step.achievedPerSec < MIN_ACHIEVED * step.rate)
    return verdict(false, `the simulator reached only ${step.achievedPerSec.toFixed(1)} events/s`);
  if (step.rows.length < 3) return verdict(false, 'too few rows became visible in silver to judge');
  if (Number.isNaN(step.catchUpMs))
    return verdict(false, "silver did not catch up with the step's last order event");
  if (endLagMs > GROWTH_FACTOR * startLagMs + SLACK_MS)
    return verdict(
      false,
      `the lag grew from ${(startLagMs / 1000).toFixed(1)} s to ${(endLagMs / 1000).toFixed(1)} s`,
    );
  return verdict(true, 'the lag did not grow');
}
