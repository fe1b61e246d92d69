/** `pnpm consume` flags. */
import { DURATION_FORMS, durationMs, parseFlags } from '@mdp/schemas';
import { UsageError } from '../errors.js';

export const CONSUME_HELP = `Usage: pnpm consume [--topic T …] [--from-beginning] [--max N] [--group G] [--timeout D]

Prints every change of the CDC topics, decoded from Avro through the schema registry,
as one JSON line on stdout:
  {"topic","partition","offset","op","key","before","after","lsn","txId","commitTime"}
op is Debezium's c|u|d|r|t, or "tombstone" for the null record after a delete.
BigInt values (longs, lsn, txId) are strings; decimals are exact strings; dates
YYYY-MM-DD; timestamps ISO-8601 (timestamptz keeps Debezium's zoned string).
A record that cannot be decoded is reported on stderr with topic/partition/offset
and counted; consumption goes on.

Options:
  --topic T          a topic to read (repeatable; waits until it exists;
                     default: every mdp.public.* topic that exists)
  --from-beginning   start from the earliest offset (default: only new records)
  --max N            exit 0 after N records (changes and tombstones; not undecodable ones)
  --group G          consumer group (commits offsets; default: a fresh random group)
  --timeout D        exit after D: 30s, 5m, or seconds (exit 3 if --max was given and not reached)
  --help             this text

Environment: KAFKA_BROKERS with KAFKA_USER KAFKA_PASSWORD (SCRAM), SCHEMA_REGISTRY_URL
(eval "$(pnpm -s stack:env)").
Exit codes: 0 done, 1 failure (Kafka/registry unreachable, no topics), 2 bad usage, 3 timeout.`;

export interface ConsumeArgs {
  help: boolean;
  topics: string[];
  fromBeginning: boolean;
  max: number | undefined;
  group: string | undefined;
  timeoutSeconds: number | undefined;
}

export function parseConsumeArgs(argv: readonly string[]): ConsumeArgs {
  const { values } = parseFlags(
    argv,
    {
      topic: { type: 'string', multiple: true },
      'from-beginning': { type: 'boolean' },
      max: { type: 'string' },
      group: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new UsageError(message),
  );
  return {
    help: values.help ?? false,
    topics: values.topic ?? [],
    fromBeginning: values['from-beginning'] ?? false,
    max: values.max === undefined ? undefined : positiveInt('--max', values.max),
    group: values.group,
    timeoutSeconds:
      values.timeout === undefined ? undefined : durationSeconds('--timeout', values.timeout),
  };
}

export function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

/** Seconds of a duration flag (`durationMs` of @mdp/schemas: 300, 300s, 5m, 1h, 500ms). */
export function durationSeconds(flag: string, text: string): number {
  const ms = durationMs(text);
  if (Number.isNaN(ms))
    throw new UsageError(`${flag} "${text}" is not a duration; accepted forms: ${DURATION_FORMS}`);
  return ms / 1000;
}
