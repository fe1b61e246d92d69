/** The consume loop behind `pnpm consume`: decode every record, hand it on, report what cannot be decoded. */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import pino from 'pino';
import type { Change, Decoded, Decoder } from './avro/decoder.js';

export interface ConsumeOptions {
  kafka: Kafka;
  decoder: Decoder;
  topics: readonly string[];
  fromBeginning: boolean;
  groupId: string;
  max?: number;
  onChange: (change: Change) => void;
  onUndecodable: (bad: Extract<Decoded, { ok: false }>) => void;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface ConsumeResult {
  changes: number;
  undecodable: number;
  reason: 'max' | 'aborted';
}

/** Runs until `max` records were handled or `signal` aborts. Offsets are committed after each record is handled. */
export async function consumeChanges(options: ConsumeOptions): Promise<ConsumeResult> {
  const log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'consume' });
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
  });
  let changes = 0;
  let undecodable = 0;
  let finish!: (reason: ConsumeResult['reason']) => void;
  const done = new Promise<ConsumeResult['reason']>((resolve) => (finish = resolve));
  const crashed = new Promise<never>((_, reject) => {
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) reject(event.payload.error);
    });
  });
  options.signal?.addEventListener('abort', () => finish('aborted'), { once: true });
  if (options.signal?.aborted) finish('aborted');

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (options.max !== undefined && changes >= options.max) return;
        const decoded = await options.decoder.decode({
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
        });
        if (decoded.ok) {
          changes += 1;
          options.onChange(decoded.change);
        } else {
          undecodable += 1;
          log.debug({ code: decoded.error.code }, decoded.error.message);
          options.onUndecodable(decoded);
        }
        if (options.max !== undefined && changes >= options.max) finish('max');
      },
    });
    const reason = await Promise.race([done, crashed]);
    return { changes, undecodable, reason };
  } finally {
    await consumer.disconnect();
  }
}
