/**
 * The native stack's watchdog: process-compose restarts a crashed service
 * after 2 s, for ever. This loop stops one that keeps crashing (RESTART_LIMIT
 * restarts within RESTART_WINDOW_MS) and records why, so `stack:status` shows
 * it failed with its log instead of a service that loops unseen. Started again
 * by hand (`stack start`, `stack restart`, `stack:up`), it is watched afresh.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ACTIVE_STATES, type ProcessComposeClient } from '../adapters/process-compose.js';
import type { ServiceSpec } from '../stack/services.js';
import { createCrashLoopGuard } from './crash-loop.js';

export const RESTART_LIMIT = 10;
export const RESTART_WINDOW_MS = 10 * 60_000;
export const WATCHDOG = 'watchdog';

/** A service the watchdog stopped: why, and when. */
export interface Failure {
  readonly reason: string;
  readonly at: string;
}

const failuresFile = (state: string): string => join(state, WATCHDOG, 'failed.json');
export const readyFile = (state: string): string => join(state, WATCHDOG, 'ready');

/** The services the watchdog stopped and that were not started again since. */
export async function readFailures(state: string): Promise<Record<string, Failure>> {
  try {
    return JSON.parse(await readFile(failuresFile(state), 'utf8')) as Record<string, Failure>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

async function writeFailures(state: string, failures: Record<string, Failure>): Promise<void> {
  const file = failuresFile(state);
  await writeFile(`${file}.tmp`, `${JSON.stringify(failures, null, 2)}\n`);
  await rename(`${file}.tmp`, file); // status never reads half a file
}

export interface WatchOptions {
  readonly client: ProcessComposeClient;
  readonly services: readonly ServiceSpec[];
  readonly state: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
}

/** Watches until `signal` aborts; writes readyFile(state) after its first look at the services. */
export async function watchServices(options: WatchOptions): Promise<void> {
  const { client, state, log, signal } = options;
  const guard = createCrashLoopGuard(RESTART_LIMIT, RESTART_WINDOW_MS);
  const watched = options.services.filter((spec) => !spec.oneShot && spec.name !== WATCHDOG);
  await mkdir(join(state, WATCHDOG), { recursive: true });
  const failures = await readFailures(state);
  let ready = false;
  while (!signal.aborted) {
    try {
      const procs = new Map((await client.processes()).map((proc) => [proc.name, proc]));
      let changed = false;
      for (const { name } of watched) {
        const proc = procs.get(name);
        if (!proc) continue;
        const active = ACTIVE_STATES.includes(proc.status);
        if (failures[name]) {
          if (!active) continue;
          delete failures[name];
          guard.forget(name);
          changed = true;
          log.info({ service: name }, 'started again: watched afresh');
        }
        if (!guard.observe(name, proc.restarts, Date.now()) || !active) continue;
        await client.stop(name);
        const exit = proc.exit_code >= 0 ? `exit code ${proc.exit_code}` : 'killed by a signal';
        failures[name] = {
          reason: `crashed and was restarted ${guard.recent(name, Date.now())} times within ${RESTART_WINDOW_MS / 60_000} minutes (last: ${exit}), then stopped`,
          at: new Date().toISOString(),
        };
        changed = true;
        log.error(
          { service: name, restarts: proc.restarts },
          `crash loop: ${failures[name].reason}`,
        );
      }
      if (changed) await writeFailures(state, failures);
      if (!ready) {
        await writeFile(readyFile(state), '');
        ready = true;
      }
    } catch (err) {
      log.warn({ err }, 'process-compose did not answer; trying again');
    }
    await delay(options.pollMs ?? 1000, undefined, { signal }).catch(() => undefined);
  }
}
