/**
 * Restarts the Debezium connector's FAILED task, as a person would with
 * `pnpm connect:register`: after 10 s, then 20, 40, 80 and 160 s while it keeps
 * failing; then it gives up and says so. A task RUNNING for 5 minutes has its
 * budget back. A schema the registry refused is not restarted: it would fail
 * again at once, and the fix is a person's (README, "Registry incompatibility"),
 * except a key refused only for its columns' optionality (keyOptionalityRefusal).
 */
import type { Logger } from 'pino';
import type { ConnectClient } from '../connect/connect-client.js';
import { setCompatibility } from '../connect/registry-config.js';
import type { SlotHolderWatch } from './slot-holder.js';

export const CONNECTOR_RESTARTS = 5;
const FIRST_DELAY_MS = 10_000;
const HEALTHY_RESET_MS = 5 * 60_000;

export interface ConnectorHealth {
  /** Looks at the connector once at `now`; returns what a person must fix, if anything. */
  check(now: number): Promise<string | undefined>;
}

/**
 * The key subject a FAILED task's trace says the registry refused only because the
 * new key's columns are required where the registered key's were optional: Debezium
 * registers a key with optional columns when it could not read a table's columns
 * (the table dropped before it got there, as `sim:load --replace` does), and the next
 * key of the same table, the same columns required, breaks BACKWARD. Both keys name
 * the same rows, so that subject's rule can be lifted. Undefined for any other refusal.
 */
export function keyOptionalityRefusal(trace: string): string | undefined {
  const refused =
    /Incompatible artifact: (\S+-key) \[AVRO\].*?list of diff types: \[([^\]]*)\]/.exec(trace);
  if (!refused) return undefined;
  const diffs = refused[2]!.split(/,\s*(?=reader type)/);
  return diffs.every((d) => /not compatible with writer type: NULL\b/.test(d))
    ? refused[1]
    : undefined;
}

export function createConnectorHealth(
  connect: ConnectClient,
  name: string,
  log: Logger,
  slotHolder?: SlotHolderWatch,
  /** SCHEMA_REGISTRY_URL: lets it lift a key subject's rule refused for optionality alone. */
  schemaRegistryUrl?: string,
): ConnectorHealth {
  let restarts = 0;
  let restartAt: number | undefined;
  let healthySince: number | undefined;
  return {
    async check(now) {
      const status = await connect.status(name);
      if (!status) return undefined; // not registered (yet)
      const failed = [status.connector, ...status.tasks].find((part) => part.state === 'FAILED');
      if (!failed) {
        const running =
          status.tasks.length > 0 &&
          [status.connector, ...status.tasks].every((part) => part.state === 'RUNNING');
        // PostgreSQL down is its own service's business, not the connector's
        await slotHolder
          ?.check(now, running)
          .catch((err: unknown) => log.debug({ err }, 'the replication slot could not be read'));
        healthySince ??= now;
        if (restarts > 0 && now - healthySince >= HEALTHY_RESET_MS) {
          log.info(
            { connector: name, restarts },
            'connector RUNNING for 5 minutes: restart budget back',
          );
          restarts = 0;
        }
        return undefined;
      }
      healthySince = undefined;
      const trace = failed.trace ?? '';
      const cause = rootCause(trace);
      const keySubject = keyOptionalityRefusal(trace);
      if (keySubject && schemaRegistryUrl && restarts < CONNECTOR_RESTARTS) {
        await setCompatibility(schemaRegistryUrl, 'NONE', keySubject);
        restarts += 1;
        log.warn(
          { connector: name, subject: keySubject, restart: restarts },
          `the registry refused ${keySubject} only because the key's columns are now required (Debezium registered them optional once): that subject's compatibility is now NONE; restarting the task`,
        );
        await connect.restartFailed(name);
        return undefined;
      }
      if (/compatib/i.test(trace))
        return `connector ${name} FAILED: the schema registry refused a schema change (${cause}); see README, "Registry incompatibility", then pnpm connect:register`;
      if (restarts >= CONNECTOR_RESTARTS)
        return `connector ${name} FAILED again after ${restarts} restarts by the watchdog (${cause}); fix the cause, then pnpm connect:register`;
      restartAt ??= now + FIRST_DELAY_MS * 2 ** restarts;
      if (now < restartAt) return undefined;
      restarts += 1;
      restartAt = undefined;
      log.warn(
        { connector: name, restart: restarts, cause },
        'connector task FAILED: restarting it',
      );
      await connect.restartFailed(name);
      return undefined;
    },
  };
}

/** A Java stack trace's root cause: its last "Caused by:" line, else its first line. */
function rootCause(trace: string): string {
  const lines = trace.split('\n');
  const causes = lines.filter((line) => line.startsWith('Caused by: '));
  const cause = causes.length > 0 ? causes.at(-1)!.slice('Caused by: '.length) : lines[0]!;
  return cause.trim().slice(0, 300) || 'no trace';
}
