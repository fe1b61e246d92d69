/**
 * `pnpm bench:validate`: records/s decoded and checked by the validator's pipeline, against
 * plain kafkajs consumption (no decoding) of the same topic in the same run; prints the ratio
 * (`--json FILE` or `-`: the same figures as JSON).
 * Produces N Debezium-shaped Avro records (schema registered in the registry) into a fresh topic.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import {
  humanLines,
  kafkaLogin,
  writeResult,
  KAFKA_BENCH_ENV,
  REGISTRY_ADMIN_ENV,
  REGISTRY_AUTH_HINT,
} from '@mdp/schemas';
import { createDecoder, createKafka, createRegistry } from '../src/index.js';
import { BENCH_HELP, parseBenchArgs } from '../src/cli/bench-args.js';
import { kafkaConfig } from '../src/config.js';
import { UsageError, type ValidatorError } from '../src/errors.js';
import { parseSnapshot } from '../src/checks/completeness.js';
import { tableOf } from '../src/checks/ordering.js';
import { createTopology } from '../src/validate/topology.js';
import {
  envelope,
  frame,
  keySchema,
  valueSchema,
  writerType,
} from '../test/support/debezium-schema.js';
import { decimalToBytes } from '../src/avro/decimal.js';

function usage(): { records: number; json?: string } {
  try {
    const args = parseBenchArgs(process.argv.slice(2));
    if (!args.help) return args;
    process.stdout.write(`${BENCH_HELP}\n`);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(2);
  }
}

const { records: N, json } = usage();
const say = humanLines(json);
let config;
try {
  config = kafkaConfig(process.env);
} catch (err) {
  process.stderr.write(`error [${(err as ValidatorError).code}]: ${(err as Error).message}\n`);
  process.exit(3);
}
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const logger = pino({ level: 'warn' }, pino.destination(2));
// Kafka user mdp-bench (`pnpm stack:env` exports it): it owns the mdp-bench* topics
const login = kafkaLogin(process.env, KAFKA_BENCH_ENV);
const kafka = createKafka({ brokers: config.brokers, login, logger });
// Registering a schema needs the registry's admin login (stack:env exports it).
const username = process.env[REGISTRY_ADMIN_ENV.user];
const password = process.env[REGISTRY_ADMIN_ENV.password];
const registry = createRegistry(
  config.registryUrl,
  username && password ? { username, password } : undefined,
);
const topic = `mdp-bench.public.products_${randomBytes(4).toString('hex')}`;
async function register(suffix: 'key' | 'value', schema: unknown): Promise<number> {
  try {
    const { id } = await registry.register(
      { type: 'AVRO' as never, schema: JSON.stringify(schema) },
      { subject: `${topic}-${suffix}` },
    );
    return id;
  } catch (err) {
    const refused = (err as { status?: number }).status;
    process.stderr.write(
      `error: the registry did not register ${topic}-${suffix}: ${(err as Error).message}` +
        `${refused === 401 || refused === 403 ? `; ${REGISTRY_AUTH_HINT}` : ''}\n`,
    );
    process.exit(3);
  }
}
const keyId = await register('key', keySchema('products'));
const valueId = await register('value', valueSchema('products'));
const kw = writerType(keySchema('products'));
const vw = writerType(valueSchema('products'));
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
const producer = kafka.producer();
await producer.connect();
for (let i = 0; i < N; i += 1000) {
  const messages = [];
  for (let j = i; j < Math.min(N, i + 1000); j += 1) {
    const row = {
      id: BigInt(j % 500),
      unit_price: decimalToBytes('12.50', 2),
      stock: j,
      born: null,
      seen_at: null,
      created_at: '2026-11-24T14:26:07Z',
      vs: null,
    };
    messages.push({
      key: frame(keyId, kw, { id: row.id }),
      value: frame(valueId, vw, envelope('u', BigInt(j + 1), row, row)),
    });
  }
  await producer.send({ topic, messages });
}
await producer.disconnect();

async function run(
  label: string,
  handle: (m: {
    key: Buffer | null;
    value: Buffer | null;
    offset: string;
    partition: number;
  }) => Promise<void> | void,
) {
  const consumer = kafka.consumer({ groupId: `bench-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        await handle({ key: message.key, value: message.value, offset: message.offset, partition });
        if (++seen === N) resolve();
      },
    });
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.disconnect();
  const rate = N / seconds;
  say(`${label.padEnd(28)} ${N} records in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} records/s`);
  return rate;
}

const plain = await run('plain kafkajs', () => undefined);
const decoder = createDecoder(registry);
const topology = createTopology({ tables: [tableOf(topic)] });
// A watermark past every produced change (txId 777, LSN ≤ N): each KTable keeps a row a key, as in validate.
topology.watermark({
  snapshot: parseSnapshot('1000:1000:'),
  walLsn: BigInt(N + 1),
  tables: new Map(),
  events: undefined,
});
const checked = await run('decoded + checked', async (m) =>
  topology.accept(await decoder.decode({ topic, ...m })),
);
say(`ratio decoded+checked / plain = ${(checked / plain).toFixed(2)}`);
await writeResult(
  json,
  { records: N, plainPerSec: plain, checkedPerSec: checked, ratio: checked / plain },
  '',
);
await admin.deleteTopics({ topics: [topic] });
await admin.disconnect();
