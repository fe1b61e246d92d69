import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStackConfig, readVersions } from '../../src/index.js';
import { registryProperties } from '../../src/stack/apicurio.js';
import { connectProperties, kafkaProperties } from '../../src/stack/kafka.js';
import { renderTemplate } from '../../src/stack/template.js';

const infra = fileURLToPath(new URL('../..', import.meta.url));
const versions = readVersions(`${infra}/versions.env`);
const env = {
  PGPASSWORD: 'a',
  PG_DEBEZIUM_PASSWORD: 'b',
  PG_APICURIO_PASSWORD: 'c',
  PG_READER_PASSWORD: 'r',
  PG_WRITER_PASSWORD: 'w',
  MINIO_ROOT_USER: 'd',
  MINIO_ROOT_PASSWORD: 'eeeeeeee',
  S3_ACCESS_KEY: 'f',
  S3_SECRET_KEY: 'gggggggg',
  S3_READER_ACCESS_KEY: 'h',
  S3_READER_SECRET_KEY: 'iiiiiiii',
  KAFKA_CONNECT_USER: 'connect',
  KAFKA_CONNECT_PASSWORD: 'connect-pw',
  KAFKA_ADMIN_PASSWORD: 'kafka-admin-pw',
  KAFKA_CONNECT_WORKER_PASSWORD: 'kafka-connect-pw',
  KAFKA_SPARK_PASSWORD: 'kafka-spark-pw',
  KAFKA_PASSWORD: 'kafka-reader-pw',
  KAFKA_BENCH_PASSWORD: 'kafka-bench-pw',
  SCHEMA_REGISTRY_ADMIN_PASSWORD: 'registry-admin-pw',
  SCHEMA_REGISTRY_CONNECT_PASSWORD: 'registry-connect-pw',
  MDP_PORT_OFFSET: '100',
};
const config = loadStackConfig(env, `${infra}/..`, versions);
const cluster = loadStackConfig(env, `${infra}/..`, versions, 'cluster');
const jvm = { java: 'java', libs: '/libs', pluginPath: ['/p/debezium', '/p/apicurio'] };

describe('config templates shared by the native stack and the compose images', () => {
  it('fills every placeholder outside comments, and refuses one without a value', () => {
    const text = '# keep ${THIS}\nlisteners=${A},x=${B}\n';
    expect(renderTemplate('t', text, { A: '1', B: '2' })).toBe('# keep ${THIS}\nlisteners=1,x=2\n');
    expect(() => renderTemplate('t', text, { A: '1' })).toThrow(/t: no value for \$\{B\}/);
  });

  it("renders Kafka's server.properties with every listener on 127.0.0.1, each one SASL, the admin's login", async () => {
    const properties = await kafkaProperties(config);
    expect(properties).toContain(
      'listeners=BROKER://127.0.0.1:19192,CONTROLLER://127.0.0.1:19193\n',
    );
    expect(properties).toContain(
      'listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT\n',
    );
    expect(properties).toContain('user_mdp-admin="kafka-admin-pw";');
    expect(properties).toContain('controller.quorum.voters=1@127.0.0.1:19193\n');
    expect(properties).toContain('node.id=1\n');
    expect(properties).toContain('default.replication.factor=1\nmin.insync.replicas=1\n');
    expect(properties.split('\n').filter((l) => !l.startsWith('#'))).not.toContainEqual(
      expect.stringContaining('${'),
    );
  });

  it("renders Connect's worker.properties with its REST API on 127.0.0.1", async () => {
    const properties = await connectProperties(config, jvm);
    expect(properties).toContain('listeners=http://127.0.0.1:18183\n');
    expect(properties).toContain('plugin.path=/p/debezium,/p/apicurio\n');
    expect(properties).toContain('bootstrap.servers=127.0.0.1:19192\n');
    // the worker, its producers, consumers and admin client log in as mdp-connect
    const logins = properties.split('\n').filter((line) => line.includes('sasl.jaas.config='));
    expect(logins).toHaveLength(4);
    for (const login of logins)
      expect(login).toContain('username="mdp-connect" password="kafka-connect-pw";');
  });

  it('renders the cluster profile: 3 Kafka nodes in one quorum, 3 replicas with 2 in sync, 2 Connect workers', async () => {
    const node2 = await kafkaProperties(cluster, 2);
    expect(node2).toContain('node.id=2\n');
    expect(node2).toContain(
      'controller.quorum.voters=1@127.0.0.1:19193,2@127.0.0.1:19195,3@127.0.0.1:19197\n',
    );
    expect(node2).toContain('listeners=BROKER://127.0.0.1:19194,CONTROLLER://127.0.0.1:19195\n');
    expect(node2).toContain('default.replication.factor=3\nmin.insync.replicas=2\n');
    expect(node2).toContain('offsets.topic.replication.factor=3\n');
    const worker2 = await connectProperties(cluster, jvm, 2);
    expect(worker2).toContain('listeners=http://127.0.0.1:18184\n');
    expect(worker2).toContain(
      'bootstrap.servers=127.0.0.1:19192,127.0.0.1:19194,127.0.0.1:19196\n',
    );
    expect(worker2).toContain('producer.acks=all\nproducer.enable.idempotence=true\n');
  });

  it("renders the registry's logins: Connect's may register, the admin's may do anything, reads are open", async () => {
    const properties = await registryProperties(config);
    for (const line of [
      'quarkus.http.auth.basic=true',
      'apicurio.auth.role-based-authorization=true',
      'apicurio.auth.anonymous-read-access.enabled=true',
      'quarkus.security.users.embedded.users.mdp-admin=registry-admin-pw',
      'quarkus.security.users.embedded.roles.mdp-admin=sr-admin',
      'quarkus.security.users.embedded.users.mdp-connect=registry-connect-pw',
      'quarkus.security.users.embedded.roles.mdp-connect=sr-developer',
    ])
      expect(properties.split('\n')).toContain(line);
  });

  it('names the same placeholders the compose entrypoints export', () => {
    const placeholders = (file: string) =>
      [...readFileSync(`${infra}/${file}`, 'utf8').matchAll(/^[^#].*?\$\{([A-Z0-9_]+)\}/gm)].map(
        (m) => m[1],
      );
    // exported by the entrypoint, or given by the service's environment (a secret of .env)
    const services = parse(readFileSync(`${infra}/compose/services.yaml`, 'utf8')) as {
      services: Record<string, { environment?: Record<string, unknown> }>;
    };
    const given = (service: string, script: string) => [
      ...Object.keys(services.services[service]?.environment ?? {}),
      ...[...readFileSync(`${infra}/compose/bin/${script}`, 'utf8').matchAll(/([A-Z0-9_]+)=/g)].map(
        (m) => m[1],
      ),
    ];
    expect(given('kafka', 'kafka.sh')).toEqual(
      expect.arrayContaining(placeholders('kafka/server.properties')),
    );
    expect(given('apicurio', 'apicurio.sh')).toEqual(
      expect.arrayContaining(placeholders('apicurio/application.properties')),
    );
    expect(given('connect', 'connect.sh')).toEqual(
      expect.arrayContaining([
        ...placeholders('connect/worker.properties'),
        ...placeholders('connect/rest-jaas.conf'),
      ]),
    );
  });
});
