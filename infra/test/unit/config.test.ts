import { describe, expect, it } from 'vitest';
import { ConfigError, loadStackConfig, readVersions } from '../../src/index.js';
import { fileURLToPath } from 'node:url';

const versions = readVersions(fileURLToPath(new URL('../../versions.env', import.meta.url)));
const secrets = {
  PGPASSWORD: 'admin-pw',
  PG_DEBEZIUM_PASSWORD: 'dbz-pw',
  PG_APICURIO_PASSWORD: 'apicurio-pw',
  PG_READER_PASSWORD: 'reader-pw',
  PG_WRITER_PASSWORD: 'writer-pw',
  MINIO_ROOT_USER: 'root',
  MINIO_ROOT_PASSWORD: 'root-password',
  S3_ACCESS_KEY: 'lake',
  S3_SECRET_KEY: 'lake-secret',
  S3_READER_ACCESS_KEY: 'reader',
  S3_READER_SECRET_KEY: 'reader-secret',
  KAFKA_CONNECT_USER: 'connect',
  KAFKA_CONNECT_PASSWORD: 'connect-pw',
  KAFKA_ADMIN_PASSWORD: 'kafka-admin-pw',
  KAFKA_CONNECT_WORKER_PASSWORD: 'kafka-connect-pw',
  KAFKA_SPARK_PASSWORD: 'kafka-spark-pw',
  KAFKA_PASSWORD: 'kafka-reader-pw',
  KAFKA_BENCH_PASSWORD: 'kafka-bench-pw',
  SCHEMA_REGISTRY_ADMIN_PASSWORD: 'registry-admin-pw',
  SCHEMA_REGISTRY_CONNECT_PASSWORD: 'registry-connect-pw',
};

describe('loadStackConfig', () => {
  it('shifts every default port by MDP_PORT_OFFSET and lets one port be overridden', () => {
    const config = loadStackConfig(
      { ...secrets, MDP_PORT_OFFSET: '100', MDP_KAFKA_PORT: '29092' },
      '/repo',
      versions,
    );
    expect(config.ports.postgres).toBe(15532);
    expect(config.ports.registry).toBe(18180);
    expect(config.ports.kafka).toBe(29092);
    expect(config.stateDir).toBe('/repo/.state');
  });

  it('lists every bad or missing setting at once', () => {
    const attempt = () =>
      loadStackConfig(
        {
          ...secrets,
          MDP_PORT_OFFSET: 'x',
          PGPASSWORD: '',
          MDP_PG_PORT: '70000',
          KAFKA_CONNECT_USER: 'a:b',
          KAFKA_SPARK_PASSWORD: 'a"b', // it would end the JAAS setting's quoted value
          SCHEMA_REGISTRY_CONNECT_PASSWORD: 'a${b}', // Quarkus would expand it
        },
        '/repo',
        versions,
      );
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      expect((err as ConfigError).code).toBe('CONFIG_INVALID');
      expect((err as ConfigError).problems).toHaveLength(6);
      expect((err as ConfigError).problems).toContain(
        "SCHEMA_REGISTRY_CONNECT_PASSWORD may not hold a '$', a backslash or white space",
      );
    }
  });

  it(".env.example's placeholder is refused as a secret, naming what to do", () => {
    const attempt = () =>
      loadStackConfig(
        { ...secrets, PG_DEBEZIUM_PASSWORD: 'change-me-too', MDP_STATE: '/s' },
        '/repo',
        versions,
      );
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PG_DEBEZIUM_PASSWORD is .env.example's placeholder/);
    expect(attempt).toThrow(/generates one into \/s\/secrets\.env/);
  });

  it('refuses two services on one port', () => {
    expect(() =>
      loadStackConfig({ ...secrets, MDP_KAFKA_PORT: '15432' }, '/repo', versions),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('resolves a relative MDP_STATE against the repository', () => {
    expect(
      loadStackConfig({ ...secrets, MDP_STATE: '.state/test' }, '/repo', versions).stateDir,
    ).toBe('/repo/.state/test');
  });
});
