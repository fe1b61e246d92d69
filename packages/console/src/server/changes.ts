/**
 * The newest changes of one table's topic, decoded through the schema registry,
 * for the console page. Each read is a short-lived consumer in a group of its
 * own that commits nothing: it seeks each partition to its last `limit` records
 * and stops at the end offsets it saw when it began.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { KafkaLogin } from '@mdp/schemas';
import { createDecoder, createKafka, createRegistry, type Decoded } from '@mdp/validator';
import type { Logger } from 'pino';

/** One record as the page lists it; `error` when it could not be decoded. */
export interface ChangeRow {
  readonly partition: number;
  readonly offset: string;
  /** The Kafka record's timestamp (ms since the epoch, as text). */
  readonly timestamp: string;
  readonly op?: string;
  readonly commitTime?: string | null;
  readonly key?: unknown;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly error?: string;
}

export interface ChangeReader {
  newest(topic: string, limit: number): Promise<ChangeRow[]>;
}

/** Gives up waiting for the last records after this long and returns what it has. */
const READ_DEADLINE_MS = 10_000;

export function createChangeReader(options: {
  brokers: string;
  login: KafkaLogin | undefined;
  registryUrl: string;
  log: Logger;
}): ChangeReader {
  const kafka = createKafka({
    brokers: options.brokers.split(',').map((b) => b.trim()),
    login: options.login,
    clientId: 'mdp-console',
    logger: options.log,
  });
  const decoder = createDecoder(createRegistry(options.registryUrl));

  return {
    async newest(topic, limit) {
      const admin = kafka.admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
      const wanted = offsets
        .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
        .filter((o) => o.high > o.low)
        .map((o) => ({ ...o, from: Math.max(o.low, o.high - limit) }));
      if (wanted.length === 0) return [];

      const lastOf = new Map(wanted.map((w) => [w.partition, w.high - 1]));
      const rows: ChangeRow[] = [];
      const consumer = kafka.consumer({
        groupId: `mdp-console-${randomBytes(6).toString('hex')}`,
        allowAutoTopicCreation: false,
      });
      let reachedEnd!: () => void;
      const ended = new Promise<void>((resolve) => (reachedEnd = resolve));
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: false });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const last = lastOf.get(partition);
            if (last === undefined || Number(message.offset) > last) return;
            const decoded = await decoder.decode({
              topic,
              partition,
              offset: message.offset,
              key: message.key,
              value: message.value,
            });
            rows.push({
              ...rowOf(decoded),
              partition,
              offset: message.offset,
              timestamp: message.timestamp,
            });
            if (Number(message.offset) === last) {
              lastOf.delete(partition);
              if (lastOf.size === 0) reachedEnd();
            }
          },
        });
        for (const w of wanted)
          consumer.seek({ topic, partition: w.partition, offset: `${w.from}` });
        await Promise.race([ended, delay(READ_DEADLINE_MS)]);
      } finally {
        await consumer.disconnect();
      }
      return rows.sort(newestFirst).slice(0, limit);
    },
  };
}

function rowOf(decoded: Decoded): Omit<ChangeRow, 'partition' | 'offset' | 'timestamp'> {
  if (!decoded.ok) return { error: decoded.error.message };
  const { op, commitTime, key, before, after } = decoded.change;
  return { op, commitTime, key, before, after };
}

function newestFirst(a: ChangeRow, b: ChangeRow): number {
  return Number(b.timestamp) - Number(a.timestamp) || Number(b.offset) - Number(a.offset);
}
