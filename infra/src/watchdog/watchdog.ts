/**
 * The native stack's watchdog. process-compose restarts a crashed service after
 * 2 s, for ever: this loop stops one that keeps crashing (RESTART_LIMIT restarts
 * within RESTART_WINDOW_MS) and records why, so `stack:status` shows it failed
 * with its log instead of a service that loops unseen. Started again by hand
 * (`stack start`, `stack restart`, `stack:up`), it is watched afresh. It also
 * restarts the connector's FAILED task (connector-health.ts).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ACTIVE_STATES, type ProcessComposeClient } from '../adapters/process-compose.js';
import type { ServiceSpec } from '../stack/services.js';
import type { ConnectorHealth } from './connector-health.js';
import { createCrashLoopGuard } from './crash-loop.js';

export const RESTART_LIMIT = 10;
export const RESTART_WINDOW_MS = 10 * 60_000;
const WATCHDOG = 'watchdog';
const CONNECTOR_CHECK_MS = 5_000;

/** What the watchdog found that a person must fix: why, and since when. */
interface Failure {
  readonly reason: string;
  readonly at: string;
}

/** The watchdog's findings, for `stack:status`. */
export interface WatchdogReport {
  /** Services it stopped after a crash loop, not started again since. */
  readonly services: Record<string, Failure>;
  /** The connector's task FAILED and not restarted (or failing again). */
  readonly connector?: Failure;
}

const reportFile = (state: string): string => join(state, WATCHDOG, 'report.json');
export const readyFile = (state: string): string => join(state, WATCHDOG, 'ready');

export async function readWatchdogReport(state: string): Promise<WatchdogReport> {
  try {
    return JSON.parse(await readFile(reportFile(state), 'utf8')) as WatchdogReport;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { services: {} };
    throw err;
  }
}

async function writeReport(state: string, report: WatchdogReport): Promise<void> {
  const file = reportFile(state);
  await writeFile(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  await rename(`${file}.tmp`, file); // status never reads half a file
}

export interface WatchOptions {
  readonly client: ProcessComposeClient;
  readonly services: readonly ServiceSpec[];
  readonly connector?: ConnectorHealth;
  readonly state: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
}

/** Watches until `signal` aborts; writes readyFile(state) after its first look at the services. */
export async function watchServices(options: WatchOptions): Promise<void> {
  const { client, connector, state, log, signal } = options;
  const guard = createCrashLoopGuard(RESTART_LIMIT, RESTART_WINDOW_MS);
  const watched = options.services.filter((spec) => !spec.oneShot && spec.name !== WATCHDOG);
  await mkdir(join(state, WATCHDOG), { recursive: true });
  const previous = await readWatchdogReport(state);
  const failures = { ...previous.services };
  let connectorFailure = previous.connector;
  let connectorCheckedAt = 0;
  let ready = false;
  while (!signal.aborted) {
    let changed = false;
    try {
      const procs = new Map((await client.processes()).map((proc) => [proc.name, proc]));
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
      if (connector && Date.now() - connectorCheckedAt >= CONNECTOR_CHECK_MS) {
        connectorCheckedAt = Date.now();
        const reason = await connector.check(Date.now()).catch(() => connectorFailure?.reason); // Connect down: its own business
        if (reason !== connectorFailure?.reason) {
          connectorFailure = reason ? { reason, at: new Date().toISOString() } : undefined;
          changed = true;
          if (reason) log.error(reason);
        }
      }
      if (changed) await writeReport(state, { services: failures, connector: connectorFailure });
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
