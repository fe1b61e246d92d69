import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { run } from '../adapters/exec.js';
import { exists, writePrivate } from '../adapters/fs.js';
import type { StackConfig } from '../config.js';
import { ServiceFailedError } from '../errors.js';
import { renderTemplate } from './template.js';

export interface JvmLayout {
  /** The java binary for Kafka and Connect. */
  readonly java: string;
  /** Directory of the Kafka + Connect jars (classpath `<dir>/*`). */
  readonly libs: string;
  /** Directories for Connect's plugin.path (Debezium, the Apicurio converter). */
  readonly pluginPath: readonly string[];
}

/** Kafka's server.properties (infra/kafka/server.properties) for the native stack: every listener on 127.0.0.1. */
export async function kafkaProperties(config: StackConfig): Promise<string> {
  const { kafka, kafkaController } = config.ports;
  const file = join(config.infraDir, 'kafka', 'server.properties');
  return renderTemplate(file, await readFile(file, 'utf8'), {
    KAFKA_CONTROLLER_ADDRESS: `127.0.0.1:${kafkaController}`,
    KAFKA_LISTENERS: `BROKER://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController}`,
    KAFKA_ADVERTISED_LISTENERS: `BROKER://127.0.0.1:${kafka}`,
    KAFKA_LOG_DIRS: join(config.stateDir, 'kafka', 'data'),
    KAFKA_ADMIN_PASSWORD: config.kafka.adminPassword,
  });
}

/** Writes server.properties and formats the storage once (kafka.tools.StorageTool format). */
export async function prepareKafka(
  config: StackConfig,
  jvm: JvmLayout,
  log: Logger,
): Promise<void> {
  const dir = join(config.stateDir, 'kafka');
  const properties = join(dir, 'server.properties');
  await mkdir(join(dir, 'data'), { recursive: true });
  await writePrivate(properties, await kafkaProperties(config)); // the admin's password
  if (await exists(join(dir, 'data', 'meta.properties'))) return;
  // A leading '-' would read as an option: Kafka ids are base64url, any first letter will do.
  const clusterId = randomBytes(16).toString('base64url').replace(/^[-_]/, 'A');
  log.info({ clusterId }, 'formatting the Kafka storage (KRaft, once)');
  const result = await run(jvm.java, [
    '-cp',
    `${jvm.libs}/*`,
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${clusterId}`,
    '--config',
    properties,
  ]);
  const logFile = join(config.stateDir, 'logs', 'kafka-format.log');
  await writeFile(logFile, `${result.stdout}${result.stderr}`);
  if (result.code !== 0)
    throw new ServiceFailedError('kafka', logFile, `storage format exited with ${result.code}`);
}

/** Kafka Connect's worker.properties (infra/connect/worker.properties) for the native stack. */
export async function connectProperties(config: StackConfig, jvm: JvmLayout): Promise<string> {
  const { kafka, connect } = config.ports;
  const file = join(config.infraDir, 'connect', 'worker.properties');
  return renderTemplate(file, await readFile(file, 'utf8'), {
    KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${kafka}`,
    CONNECT_LISTENERS: `http://127.0.0.1:${connect}`,
    CONNECT_ADVERTISED_HOST: '127.0.0.1',
    CONNECT_ADVERTISED_PORT: String(connect),
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
): Promise<void> {
  const dir = join(config.stateDir, 'connect');
  await mkdir(dir, { recursive: true });
  // the worker's Kafka password
  await writePrivate(join(dir, 'worker.properties'), await connectProperties(config, jvm));
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
