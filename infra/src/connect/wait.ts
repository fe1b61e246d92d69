import { setTimeout as delay } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.js';

export interface WaitOptions {
  /** What is awaited, for the timeout message. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly onRetry?: (err: unknown) => void;
}

/**
 * Polls `probe` until it returns a value other than undefined, with a deadline.
 * A thrown error counts as "not yet" when it is retriable; otherwise it ends the wait.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let interval = o.intervalMs ?? 200;
  let last: unknown = 'no answer yet';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'condition not met';
    } catch (err) {
      if (!isRetriable(err)) throw err;
      last = err;
      o.onRetry?.(err);
    }
    if (Date.now() >= deadline)
      throw new WaitTimeoutError(o.what, Math.round(o.timeoutMs / 1000), last);
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())));
    interval = Math.min(interval * 1.5, 2000);
  }
}

function isRetriable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if ('retriable' in err) return err.retriable === true;
  // node-postgres: connection refused / server starting up (57P03) / its socket file
  // not there yet (ENOENT on the stack's unix socket while PostgreSQL restarts)
  const code = (err as { code?: unknown }).code;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOENT', '57P03'].includes(String(code));
}
