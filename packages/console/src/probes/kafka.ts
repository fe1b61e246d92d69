import type { KafkaLogin } from '@mdp/schemas';
import { Kafka, logLevel } from 'kafkajs';

/** Each topic's end offset per partition; a topic that does not exist yet is absent. */
export type KafkaProbe = ReadonlyMap<string, ReadonlyMap<number, number>>;

export async function probeKafka(
  brokers: string,
  login: KafkaLogin | undefined,
  topics: readonly string[],
): Promise<KafkaProbe> {
  const admin = new Kafka({
    clientId: 'mdp-pipeline-status',
    brokers: brokers.split(',').map((b) => b.trim()),
    ...(login && { sasl: { ...login } }),
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 1 },
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ends = new Map<string, Map<number, number>>();
    for (const topic of topics.filter((t) => existing.has(t))) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}
