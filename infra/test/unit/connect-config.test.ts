import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConnectorFile } from '../../src/connect/connector-config.js';
import { registryApiUrl } from '../../src/connect/registry-url.js';

const connectorFile = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'connect',
  'mdp-postgres.json',
);
const values = { registryApiUrl: 'http://127.0.0.1:18080/apis/registry/v2' };

describe('registryApiUrl', () => {
  it('derives the native v2 API from the Confluent-compatible URL', () => {
    expect(registryApiUrl('http://127.0.0.1:18480/apis/ccompat/v7')).toBe(
      'http://127.0.0.1:18480/apis/registry/v2',
    );
    expect(registryApiUrl('http://apicurio:8080/apis/ccompat/v7/')).toBe(
      'http://apicurio:8080/apis/registry/v2',
    );
  });
  it('refuses a URL that is not the registry API', () => {
    expect(() => registryApiUrl('http://127.0.0.1:18080/')).toThrow(TypeError);
    expect(() => registryApiUrl('not a url')).toThrow(TypeError);
  });
});

describe('infra/connect/mdp-postgres.json', () => {
  const { name, config } = loadConnectorFile(connectorFile, values);

  it('is the mdp-postgres connector with the wire format every client decodes', () => {
    expect(name).toBe('mdp-postgres');
    for (const side of ['key', 'value']) {
      expect(config[`${side}.converter`]).toBe(
        'io.apicurio.registry.utils.converter.AvroConverter',
      );
      expect(config[`${side}.converter.apicurio.registry.url`]).toBe(values.registryApiUrl);
      expect(config[`${side}.converter.apicurio.registry.as-confluent`]).toBe('true');
      expect(config[`${side}.converter.apicurio.registry.headers.enabled`]).toBe('false');
      expect(config[`${side}.converter.apicurio.registry.use-id`]).toBe('contentId');
    }
  });

  it('holds no secret: the password is resolved by Connect from its environment', () => {
    expect(config['database.password']).toBe('${env:PG_DEBEZIUM_PASSWORD}');
    expect(JSON.stringify(config)).not.toMatch(/change-me/);
  });

  it('fails fast, keeps decimals exact, sends tombstones and heartbeats', () => {
    expect(config).toMatchObject({
      'plugin.name': 'pgoutput',
      'topic.prefix': 'mdp',
      'errors.tolerance': 'none',
      'event.processing.failure.handling.mode': 'fail',
      'decimal.handling.mode': 'precise',
      'tombstones.on.delete': 'true',
      'publication.autocreate.mode': 'disabled',
    });
    expect(Number(config['heartbeat.interval.ms'])).toBeGreaterThan(0);
    expect(config['heartbeat.action.query']).toMatch(/cdc\.heartbeat/);
  });

  it('names an unknown placeholder (code CONNECTOR_CONFIG)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mdp-conn-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ 'connector.class': 'x', 'a.url': '{{nope}}' }));
    expect(() => loadConnectorFile(file, values)).toThrow(
      expect.objectContaining({ code: 'CONNECTOR_CONFIG' }),
    );
    writeFileSync(file, JSON.stringify({ 'tasks.max': 1 }));
    expect(() => loadConnectorFile(file, values)).toThrow(
      expect.objectContaining({ code: 'CONNECTOR_CONFIG' }),
    );
  });
});
