/**
 * A walsender left holding the connector's replication slot. When the Kafka broker
 * dies under it (kill -9), Connect may give up on stopping the task and start a new
 * one while the old one still holds its replication connection, kept alive by
 * Debezium's status-update thread. The new task then retries "replication slot is
 * active for PID N" for ever, its state RUNNING, and nothing moves. PostgreSQL sees
 * it as a slot that is active, has WAL waiting and confirms nothing for minutes,
 * although a running task confirms every few seconds (Connect flushes offsets every
 * 5 s; Debezium writes a heartbeat every 5 s). Ending that walsender is what a
 * person would do (README, Troubleshooting): the task takes the slot and resumes
 * from its committed offset, so nothing is skipped; at worst a healthy but stuck
 * task reconnects.
 */
import type { Logger } from 'pino';

/** Nothing confirmed for this long while the task says RUNNING: the slot's holder is stuck. */
export const SLOT_STALL_MS = 180_000;

export interface SlotObservation {
  /** The walsender holding the slot; null when the slot is not active. */
  readonly activePid: number | null;
  readonly confirmedLsn: string | null;
  /** WAL written after the confirmed position. */
  readonly pending: boolean;
}

export interface SlotClock {
  readonly confirmedLsn: string | null;
  /** Since when `confirmedLsn` has stood still with WAL waiting and the task RUNNING. */
  readonly since: number;
}

/** Pure: the clock after this look, and the walsender to end, if any. */
export function judgeSlot(
  clock: SlotClock | undefined,
  seen: SlotObservation,
  taskRunning: boolean,
  now: number,
): { clock: SlotClock; end?: number } {
  const restart = { clock: { confirmedLsn: seen.confirmedLsn, since: now } };
  if (seen.activePid === null || !seen.pending || !taskRunning) return restart;
  if (!clock || clock.confirmedLsn !== seen.confirmedLsn) return restart;
  if (now - clock.since < SLOT_STALL_MS) return { clock };
  return { ...restart, end: seen.activePid };
}

/** What the watch needs of PostgreSQL (a pg Pool as the admin role, which may end debezium's sessions). */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface SlotHolderWatch {
  check(now: number, taskRunning: boolean): Promise<void>;
}

export function createSlotHolderWatch(db: Queryable, slot: string, log: Logger): SlotHolderWatch {
  let clock: SlotClock | undefined;
  return {
    async check(now, taskRunning) {
      const { rows } = await db.query(
        `SELECT active_pid AS "activePid", confirmed_flush_lsn::text AS "confirmedLsn",
                coalesce(pg_current_wal_lsn() > confirmed_flush_lsn, false) AS pending
           FROM pg_replication_slots WHERE slot_name = $1`,
        [slot],
      );
      const seen = rows[0] as SlotObservation | undefined;
      if (!seen) return; // no slot (yet): nothing holds it
      const judged = judgeSlot(clock, seen, taskRunning, now);
      clock = judged.clock;
      if (judged.end === undefined) return;
      // only while that walsender still holds the slot: never a newer connection
      const { rows: ended } = await db.query(
        `SELECT pg_terminate_backend(active_pid) AS ended FROM pg_replication_slots
          WHERE slot_name = $1 AND active_pid = $2`,
        [slot, judged.end],
      );
      log.warn(
        { slot, pid: judged.end, ended: (ended[0] as { ended?: boolean } | undefined)?.ended },
        `replication slot ${slot}: its walsender (PID ${judged.end}) confirmed nothing for ${SLOT_STALL_MS / 60_000} minutes while the task was RUNNING; ended it, so the task takes the slot and resumes from its committed offset`,
      );
    },
  };
}
