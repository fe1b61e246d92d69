import { describe, expect, it } from 'vitest';
import {
  judgeSlot,
  SLOT_STALL_MS,
  type SlotClock,
  type SlotObservation,
} from '../../src/watchdog/slot-holder.js';

const held = (confirmedLsn: string): SlotObservation => ({
  activePid: 4242,
  confirmedLsn,
  pending: true,
});

/** Feeds observations a second apart from t = 0; returns the pids it would end, with when. */
function run(observations: readonly (readonly [SlotObservation, boolean])[], stepMs = 1000) {
  let clock: SlotClock | undefined;
  const ended: [number, number][] = [];
  observations.forEach(([seen, running], i) => {
    const judged = judgeSlot(clock, seen, running, i * stepMs);
    clock = judged.clock;
    if (judged.end !== undefined) ended.push([judged.end, i * stepMs]);
  });
  return ended;
}

const minutes = (n: number) => Math.round((n * 60_000) / 1000);

describe("the watchdog's look at the replication slot", () => {
  it('ends the walsender that confirmed nothing for 3 minutes while the task says RUNNING', () => {
    const stuck = Array.from({ length: minutes(4) }, () => [held('0/100'), true] as const);
    expect(run(stuck)).toEqual([[4242, SLOT_STALL_MS]]);
  });

  it('leaves a slot alone while it confirms, has nothing waiting, is not active, or the task is not RUNNING', () => {
    const confirming = Array.from(
      { length: minutes(6) },
      (_, i) => [held(`0/${100 + Math.floor(i / 10)}`), true] as const,
    );
    expect(run(confirming)).toEqual([]);
    const idle = Array.from(
      { length: minutes(6) },
      () => [{ activePid: 4242, confirmedLsn: '0/100', pending: false }, true] as const,
    );
    expect(run(idle)).toEqual([]);
    const inactive = Array.from(
      { length: minutes(6) },
      () => [{ activePid: null, confirmedLsn: '0/100', pending: true }, true] as const,
    );
    expect(run(inactive)).toEqual([]);
    // the task restarting (not RUNNING) starts the clock again
    const restarting = Array.from(
      { length: minutes(6) },
      (_, i) => [held('0/100'), i % minutes(2) !== 0] as const,
    );
    expect(run(restarting)).toEqual([]);
  });

  it('once ended, waits another 3 minutes before ending the next holder', () => {
    const stuck = Array.from({ length: minutes(7) }, () => [held('0/100'), true] as const);
    expect(run(stuck).map(([, at]) => at)).toEqual([SLOT_STALL_MS, 2 * SLOT_STALL_MS]);
  });
});
