/**
 * Restarts the Debezium connector's FAILED task, as a person would with
 * `pnpm connect:register`: after 10 s, then 20, 40, 80 and 160 s while it keeps
 * failing; then it gives up and says so. A task RUNNING for 5 minutes has its
 * budget back. A schema the registry refused is not restarted: it would fail
 * again at once, and the fix is a person's (README, "Registry incompatibility"),
 * except one refused only because Debezium registered it without reading the table's
 * columns (registeredWithoutColumns).
 */
import type { Logger } from 'pino';
import type { ConnectClient } from '../connect/connect-client.js';
import { latestSchema, setCompatibility } from '../connect/registry-config.js';
import type { SlotHolderWatch } from './slot-holder.js';

export const CONNECTOR_RESTARTS = 5;
const FIRST_DELAY_MS = 10_000;
const HEALTHY_RESET_MS = 5 * 60_000;

export interface ConnectorHealth {
  /** Looks at the connector once at `now`; returns what a person must fix, if anything. */
  check(now: number): Promise<string | undefined>;
}

/** The subject (`…-key` or `…-value`) a FAILED task's trace says the registry refused. */
export function refusedSubject(trace: string): string | undefined {
  return /Incompatible artifact: (\S+-(?:key|value)) \[AVRO\]/.exec(trace)?.[1];
}

interface AvroField {
  readonly name: string;
  readonly type: unknown;
  readonly default?: unknown;
}

/** A Debezium schema's row fields: the key record's own, or the value's `before` record's. */
function rowFields(schema: unknown): readonly AvroField[] {
  const fields = (schema as { fields?: AvroField[] } | null)?.fields ?? [];
  const before = fields.find((f) => f.name === 'before');
  if (!before) return fields;
  const record = (Array.isArray(before.type) ? before.type : []).find(
    (t): t is { fields: AvroField[] } => typeof t === 'object' && t !== null && 'fields' in t,
  );
  return record?.fields ?? [];
}

const isOptional = (field: AvroField) =>
  Array.isArray(field.type) && field.type.includes('null') && field.default === null;

/**
 * Whether a registered version holds its table's key column(s) optional, and every other
 * column too: Debezium's default when it could not read the table's columns, which it reads
 * out of band when a transaction that created the table reaches it (sometimes before
 * PostgreSQL shows that transaction to other sessions; or after the table was dropped, as
 * `sim:load --replace` does). A key column is never null, so such a version says nothing of
 * the table: the next one, its columns required as they are, is refused by BACKWARD only for
 * that, and both describe the same rows. `keySchema`: the table's key subject's latest version.
 */
export function registeredWithoutColumns(registered: unknown, keySchema: unknown): boolean {
  const row = rowFields(registered);
  const keys = rowFields(keySchema).map((f) => f.name);
  return (
    keys.length > 0 && keys.every((key) => row.some((f) => f.name === key)) && row.every(isOptional)
  );
}

export function createConnectorHealth(
  connect: ConnectClient,
  name: string,
  log: Logger,
  slotHolder?: SlotHolderWatch,
  /** SCHEMA_REGISTRY_URL: lets it lift the rule of a subject registered without the table's columns. */
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
      const subject = refusedSubject(trace);
      if (
        subject &&
        schemaRegistryUrl &&
        restarts < CONNECTOR_RESTARTS &&
        (await subjectRegisteredWithoutColumns(schemaRegistryUrl, subject))
      ) {
        await setCompatibility(schemaRegistryUrl, 'NONE', subject);
        restarts += 1;
        log.warn(
          { connector: name, subject, restart: restarts },
          `the registry refused ${subject} only because Debezium registered it once with every column optional (it could not read the table's columns then): that subject's compatibility is now NONE; restarting the task`,
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

/** `registeredWithoutColumns` for a subject's latest version, its table's key read alongside. */
async function subjectRegisteredWithoutColumns(
  schemaRegistryUrl: string,
  subject: string,
): Promise<boolean> {
  const registered = await latestSchema(schemaRegistryUrl, subject);
  const keySubject = subject.replace(/-value$/, '-key');
  const keySchema =
    keySubject === subject ? registered : await latestSchema(schemaRegistryUrl, keySubject);
  return registeredWithoutColumns(registered, keySchema);
}
