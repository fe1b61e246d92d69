import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStackConfig, readVersions } from '../../src/index.js';
import { connectProperties, kafkaProperties } from '../../src/stack/kafka.js';
import { renderTemplate } from '../../src/stack/template.js';

const infra = fileURLToPath(new URL('../..', import.meta.url));
const versions = readVersions(`${infra}/versions.env`);
const config = loadStackConfig(
  {
    PGPASSWORD: 'a',
    PG_DEBEZIUM_PASSWORD: 'b',
    PG_APICURIO_PASSWORD: 'c',
    PG_READER_PASSWORD: 'r',
    MINIO_ROOT_USER: 'd',
    MINIO_ROOT_PASSWORD: 'eeeeeeee',
    S3_ACCESS_KEY: 'f',
    S3_SECRET_KEY: 'gggggggg',
    S3_READER_ACCESS_KEY: 'h',
    S3_READER_SECRET_KEY: 'iiiiiiii',
    KAFKA_CONNECT_USER: 'connect',
    KAFKA_CONNECT_PASSWORD: 'connect-pw',
    MDP_PORT_OFFSET: '100',
  },
  `${infra}/..`,
  versions,
);

describe('config templates shared by the native stack and the compose images', () => {
  it('fills every placeholder outside comments, and refuses one without a value', () => {
    const text = '# keep ${THIS}\nlisteners=${A},x=${B}\n';
    expect(renderTemplate('t', text, { A: '1', B: '2' })).toBe('# keep ${THIS}\nlisteners=1,x=2\n');
    expect(() => renderTemplate('t', text, { A: '1' })).toThrow(/t: no value for \$\{B\}/);
  });

  it("renders Kafka's server.properties with every listener on 127.0.0.1", async () => {
    const properties = await kafkaProperties(config);
    expect(properties).toContain(
      'listeners=PLAINTEXT://127.0.0.1:19192,CONTROLLER://127.0.0.1:19193\n',
    );
    expect(properties).toContain('controller.quorum.voters=1@127.0.0.1:19193\n');
    expect(properties.split('\n').filter((l) => !l.startsWith('#'))).not.toContainEqual(
      expect.stringContaining('${'),
    );
  });

  it("renders Connect's worker.properties with its REST API on 127.0.0.1", async () => {
    const properties = await connectProperties(config, {
      java: 'java',
      libs: '/libs',
      pluginPath: ['/p/debezium', '/p/apicurio'],
    });
    expect(properties).toContain('listeners=http://127.0.0.1:18183\n');
    expect(properties).toContain('plugin.path=/p/debezium,/p/apicurio\n');
    expect(properties).toContain('bootstrap.servers=127.0.0.1:19192\n');
  });

  it('names the same placeholders the compose entrypoints export', () => {
    const placeholders = (file: string) =>
      [...readFileSync(`${infra}/${file}`, 'utf8').matchAll(/^[^#].*?\$\{([A-Z0-9_]+)\}/gm)].map(
        (m) => m[1],
      );
    const exported = (script: string) => readFileSync(`${infra}/compose/bin/${script}`, 'utf8');
    for (const name of placeholders('kafka/server.properties'))
      expect(exported('kafka.sh')).toContain(`${name}=`);
    for (const name of [
      ...placeholders('connect/worker.properties'),
      ...placeholders('connect/rest-jaas.conf'),
    ])
      expect(exported('connect.sh')).toContain(`${name}=`);
  });
});
