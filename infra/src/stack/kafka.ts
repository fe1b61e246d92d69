import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { run } from '../adapters/exec.js';
import { exists, writePrivate } from '../adapters/fs.js';
import type { StackConfig } from '../config.js';
import { ServiceFailedError } from '../errors.js';
import { kafkaBootstrap } from './env.js';
import { renderTemplate } from './template.js';

export interface JvmLayout {
  /** The java binary for Kafka and Connect. */
  readonly java: string;
  /** Directory of the Kafka + Connect jars (classpath `<dir>/*`). */
  readonly libs: string;
  /** Directories for Connect's plugin.path (Debezium, the Apicurio converter). */
  readonly pluginPath: readonly string[];
}

/** A Kafka node of the stack: 1, or 2 and 3 in the cluster profile (each a broker and a controller). */
export type KafkaNode = 1 | 2 | 3;

/** The process (and state dir) of a node: kafka, kafka-2, kafka-3. */
const kafkaService = (node: KafkaNode): string => (node === 1 ? 'kafka' : `kafka-${node}`);

function kafkaPorts(config: StackConfig, node: KafkaNode): { broker: number; controller: number } {
  const { ports } = config;
  if (node === 2) return { broker: ports.kafka2, controller: ports.kafka2Controller };
  if (node === 3) return { broker: ports.kafka3, controller: ports.kafka3Controller };
  return { broker: ports.kafka, controller: ports.kafkaController };
}

/** The nodes of the profile: one, or three in one KRaft quorum. */
const kafkaNodes = (config: StackConfig): KafkaNode[] =>
  config.profile === 'cluster' ? [1, 2, 3] : [1];

/**
 * Kafka's server.properties (infra/kafka/server.properties) for one node of the
 * native stack: every listener on 127.0.0.1. In the cluster profile every topic
 * gets 3 replicas, of which 2 must be in sync for a write with acks=all.
 */
export async function kafkaProperties(config: StackConfig, node: KafkaNode = 1): Promise<string> {
  const { broker, controller } = kafkaPorts(config, node);
  const nodes = kafkaNodes(config);
  const file = join(config.infraDir, 'kafka', 'server.properties');
  return renderTemplate(file, await readFile(file, 'utf8'), {
    KAFKA_NODE_ID: String(node),
    KAFKA_QUORUM_VOTERS: nodes
      .map((id) => `${id}@127.0.0.1:${kafkaPorts(config, id).controller}`)
      .join(','),
    KAFKA_LISTENERS: `BROKER://127.0.0.1:${broker},CONTROLLER://127.0.0.1:${controller}`,
    KAFKA_ADVERTISED_LISTENERS: `BROKER://127.0.0.1:${broker}`,
    KAFKA_LOG_DIRS: join(config.stateDir, kafkaService(node), 'data'),
    KAFKA_REPLICATION_FACTOR: String(nodes.length),
    KAFKA_MIN_INSYNC_REPLICAS: String(Math.min(2, nodes.length)),
    KAFKA_ADMIN_PASSWORD: config.kafka.adminPassword,
  });
}

/**
 * The KRaft cluster's id, made once for the state dir: every node's storage is
 * formatted with the same one.
 */
async function kafkaClusterId(config: StackConfig): Promise<string> {
  const file = join(config.stateDir, 'kafka', 'cluster-id');
  if (await exists(file)) return (await readFile(file, 'utf8')).trim();
  // A leading '-' would read as an option: Kafka ids are base64url, any first letter will do.
  const clusterId = randomBytes(16).toString('base64url').replace(/^[-_]/, 'A');
  await mkdir(join(config.stateDir, 'kafka'), { recursive: true });
  await writeFile(file, `${clusterId}\n`);
  return clusterId;
}

/** Writes a node's server.properties and formats its storage once (kafka.tools.StorageTool format). */
export async function prepareKafka(
  config: StackConfig,
  jvm: JvmLayout,
  log: Logger,
  node: KafkaNode = 1,
): Promise<void> {
  const service = kafkaService(node);
  const dir = join(config.stateDir, service);
  const properties = join(dir, 'server.properties');
  await mkdir(join(dir, 'data'), { recursive: true });
  await writePrivate(properties, await kafkaProperties(config, node)); // the admin's password
  if (await exists(join(dir, 'data', 'meta.properties'))) return;
  const clusterId = await kafkaClusterId(config);
  log.info({ clusterId, node }, 'formatting the Kafka storage (KRaft, once)');
  const result = await run(jvm.java, [
    '-cp',
    `${jvm.libs}/*`,
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${clusterId}`,
    '--config',
    properties,
  ]);
  const logFile = join(config.stateDir, 'logs', `${service}-format.log`);
  await writeFile(logFile, `${result.stdout}${result.stderr}`);
  if (result.code !== 0)
    throw new ServiceFailedError(service, logFile, `storage format exited with ${result.code}`);
}

/** A Connect worker of the stack: 1, or 2 in the cluster profile (one group, one REST port each). */
export type ConnectWorker = 1 | 2;

/** Kafka Connect's worker.properties (infra/connect/worker.properties) for one worker of the native stack. */
export async function connectProperties(
  config: StackConfig,
  jvm: JvmLayout,
  worker: ConnectWorker = 1,
): Promise<string> {
  const port = worker === 2 ? config.ports.connect2 : config.ports.connect;
  const file = join(config.infraDir, 'connect', 'worker.properties');
  return renderTemplate(file, await readFile(file, 'utf8'), {
    KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap(config),
    CONNECT_LISTENERS: `http://127.0.0.1:${port}`,
    CONNECT_ADVERTISED_HOST: '127.0.0.1',
    CONNECT_ADVERTISED_PORT: String(port),
    CONNECT_PLUGIN_PATH: jvm.pluginPath.join(','),
    KAFKA_CONNECT_WORKER_PASSWORD: config.kafka.connectWorkerPassword,
  });
}

/**
 * The REST API's one user, for Connect (its JAAS file and the users file it
 * names) and for the readiness probe (a curl config): every file that holds the
 * password is the owner's alone, and the password never goes on a command line.
 */
async function writeRestCredentials(config: StackConfig, dir: string): Promise<void> {
  const { user, password } = config.connect;
  const users = join(dir, 'rest-users.properties');
  const jaas = join(config.infraDir, 'connect', 'rest-jaas.conf');
  const rendered = renderTemplate(jaas, await readFile(jaas, 'utf8'), {
    CONNECT_REST_USERS_FILE: users,
  });
  const escape = (text: string) => text.replaceAll('\\', '\\\\');
  await writePrivate(join(dir, 'rest-jaas.conf'), rendered);
  await writePrivate(users, `${escape(user)}=${escape(password)}\n`);
  const quoted = `${user}:${password}`.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  await writePrivate(join(dir, 'rest-curl.conf'), `user = "${quoted}"\n`);
}

/**
 * Writes the worker's properties and, once per plugin set, has Kafka's own
 * `connect-plugin-path sync-manifests` add the ServiceLoader manifests that a
 * plugin lacks (the Apicurio converter 2.6 ships none), so that
 * `plugin.discovery=service_load` finds every plugin. A marker in each plugin
 * dir records it; the tool rewrites jars inside the cache only.
 */
export async function prepareConnect(
  config: StackConfig,
  jvm: JvmLayout,
  log: Logger,
  worker: ConnectWorker = 1,
): Promise<void> {
  const dir = join(config.stateDir, worker === 1 ? 'connect' : `connect-${worker}`);
  await mkdir(dir, { recursive: true });
  // the worker's Kafka password
  await writePrivate(join(dir, 'worker.properties'), await connectProperties(config, jvm, worker));
  await writeRestCredentials(config, dir);
  const marker = (pluginDir: string) => join(pluginDir, '.mdp-manifests-synced');
  const unsynced = [];
  for (const pluginDir of jvm.pluginPath)
    if (!(await exists(marker(pluginDir)))) unsynced.push(pluginDir);
  if (unsynced.length === 0) return;
  log.info({ plugins: unsynced }, 'adding ServiceLoader manifests to the Connect plugins (once)');
  const result = await run(jvm.java, [
    '-cp',
    `${jvm.libs}/*`,
    'org.apache.kafka.tools.ConnectPluginPath',
    'sync-manifests',
    ...unsynced.flatMap((pluginDir) => ['--plugin-path', pluginDir]),
  ]);
  const logFile = join(config.stateDir, 'logs', 'connect-plugins.log');
  await writeFile(logFile, `${result.stdout}${result.stderr}`);
  if (result.code !== 0)
    throw new ServiceFailedError('connect', logFile, `sync-manifests exited with ${result.code}`);
  for (const pluginDir of unsynced)
    await writeFile(marker(pluginDir), `${new Date().toISOString()}\n`);
}
