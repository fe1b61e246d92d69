/** kafkajs client factory; kafkajs logs go through the given pino logger. */
import { Kafka, logLevel, type logCreator } from 'kafkajs';
import type { KafkaLogin } from '@mdp/schemas';
import type { Logger } from 'pino';

export function createKafka(options: {
  brokers: readonly string[];
  /** SCRAM login (`kafkaLogin(env)`); none when the cluster asks for none. */
  login: KafkaLogin | undefined;
  clientId?: string;
  logger: Logger;
}): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  const creator: logCreator = () => (entry) => {
    const { message, ...extra } = entry.log;
    const level =
      entry.level === logLevel.ERROR
        ? 'error'
        : entry.level === logLevel.WARN
          ? 'warn'
          : entry.level === logLevel.INFO
            ? 'info'
            : 'debug';
    log[level]({ ...extra, namespace: entry.namespace }, message);
  };
  return new Kafka({
    clientId: options.clientId ?? 'mdp-validator',
    brokers: [...options.brokers],
    ...(options.login && { sasl: { ...options.login } }),
    logLevel: logLevel.INFO,
    logCreator: creator,
    retry: { retries: 5 },
  });
}

/** All `<prefix>.public.*` topics that exist on the cluster. */
export async function listCdcTopics(
  kafka: Kafka,
  prefix = 'mdp',
  schema = 'public',
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    return topics.filter((t) => t.startsWith(`${prefix}.${schema}.`)).sort();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Resolves once every topic exists (like kcat, a consumer may start before the
 * connector created its topic). Calls `onWait` once with the missing ones;
 * resolves early when `signal` aborts.
 */
export async function waitForTopics(
  kafka: Kafka,
  topics: readonly string[],
  options: { signal?: AbortSignal; onWait?: (missing: string[]) => void; pollMs?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let told = false;
    while (!options.signal?.aborted) {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      if (!told) options.onWait?.(missing);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
  } finally {
    await admin.disconnect();
  }
}
