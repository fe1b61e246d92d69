/**
 * What the simulator retries, and how long it waits between tries. Pure, so the
 * classification and the backoff are tested without a database or a clock.
 *
 * Only a lost or refused connection is retried: the server going away (57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, class 08),
 * the socket failing (refused, reset, timed out) or node-postgres reporting a
 * dead connection. A refusal of the event itself (a business rule, a bad
 * state, a missing table, a bad password) is never retried.
 */
import { SimulatorError } from '../errors.js';

export interface ReconnectPolicy {
  /** First wait after a lost connection (ms). */
  initialMs: number;
  /** Longest wait between two tries (ms); each wait doubles up to it. */
  maxMs: number;
  /** Give up when this long has passed without a working connection (ms). */
  giveUpAfterMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = Object.freeze({
  initialMs: 100,
  maxMs: 5_000,
  giveUpAfterMs: 120_000,
});

/** SQLSTATEs of a server that went away or does not take connections yet. */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03']);

/** Socket errors of a connection that could not be made or was cut. */
const SOCKET_GONE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/**
 * node-postgres and pg-pool report a dead or timed-out connection with a plain
 * Error and no code (pg lib/client.js, pg-pool index.js): these are the only
 * messages looked at, and only for errors without a code.
 */
const DRIVER_CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/** Whether `err` means the connection to PostgreSQL was lost or could not be made. */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_GONE.has(code)) return true; // before SQLSTATEs: EPIPE has five letters too
    return code.startsWith('08') || SERVER_GONE.has(code);
  }
  if (err.constructor === Error && DRIVER_CONNECTION_LOST.test(err.message)) return true;
  // A connection timeout wraps the socket error as its cause.
  return err.cause !== undefined && err.cause !== err && isConnectionFailure(err.cause);
}

/** Whether the simulator may try again: an error of ours says so; a raw one if its connection failed. */
export function isRetriable(err: unknown): boolean {
  return err instanceof SimulatorError ? err.retriable : isConnectionFailure(err);
}

/**
 * Wait before try `attempt` (0-based): capped exponential backoff with jitter,
 * a random point in the upper half of min(maxMs, initialMs × 2^attempt), so
 * many clients cut at once do not all come back at the same instant.
 */
export function backoffMs(
  attempt: number,
  policy: Pick<ReconnectPolicy, 'initialMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (ceiling / 2) * random();
}
