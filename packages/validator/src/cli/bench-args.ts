/** `pnpm bench:validate` flags. */
import { parseFlags } from '@mdp/schemas';
import { UsageError } from '../errors.js';
import { positiveInt } from './consume-args.js';

export const BENCH_HELP = `Usage: pnpm bench:validate [--records N] [--json FILE]

Produces N Debezium-shaped Avro records (schemas registered in the registry) into a fresh
topic, then reads them twice in the same run: with plain kafkajs (no decoding), and
decoded through the registry and checked by the validator's topology. Prints records/s for
both and their ratio.

Options:
  --records N   how many records to produce and read (default 20000)
  --json FILE   also write the figures as JSON to FILE; - puts them alone on stdout
  --help        this text

Environment: KAFKA_BROKERS, KAFKA_BENCH_USER KAFKA_BENCH_PASSWORD, SCHEMA_REGISTRY_URL
(eval "$(pnpm -s stack:env)").
Exit codes: 0 done, 1 failure, 2 bad usage, 3 a setting missing (the message names it).`;

export interface BenchArgs {
  help: boolean;
  records: number;
  json?: string;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseFlags(
    argv,
    {
      records: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new UsageError(message),
  );
  return {
    help: values.help ?? false,
    records: values.records === undefined ? 20000 : positiveInt('--records', values.records),
    json: values.json,
  };
}
