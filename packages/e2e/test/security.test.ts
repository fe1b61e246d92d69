/**
 * The native stack's doors, knocked on by a stranger on the same machine; each
 * attempt must be refused. The compose stack's are knocked on in compose/compose.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  argvHolding,
  connectKnocks,
  environmentNames,
  KAFKA_READER_ONLY_READS,
  kafkaKnocks,
  NO_HBA_LINE,
  parseLines,
  physicalReplicationByRole,
  READER_ONLY_READS,
  readerKnocks,
  readableByOthersHolding,
  REGISTRY_WRITERS_ONLY,
  registryKnocks,
  SECRET_NAME,
  secretValues,
  WRITER_OWN_TABLES_ONLY,
  writerKnocks,
} from './support/doors.js';
import { repo, stackService, stackState } from './support/platform.js';

/** Every secret of the stack the test can know: those exported to it, and those the stack generated. */
function knownSecrets(state: string): string[] {
  const generated = join(state, 'secrets.env');
  return [
    ...secretValues(process.env),
    ...(existsSync(generated) ? secretValues(parseLines(readFileSync(generated, 'utf8'))) : []),
  ];
}

describe('a stranger on the machine', () => {
  it('cannot copy the PostgreSQL cluster: no role opens a physical replication connection', async () => {
    for (const [user, answer] of await physicalReplicationByRole())
      expect(answer, user).toMatch(NO_HBA_LINE);
  });

  it('cannot write a Kafka topic without a login, with a wrong password, or as the read-only user', async () => {
    expect(await kafkaKnocks()).toEqual(KAFKA_READER_ONLY_READS);
  });

  it('cannot register a connector on Kafka Connect without its REST user', async () => {
    expect(await connectKnocks()).toEqual({ anonymous: 401, wrongPassword: 401, lookup: 404 });
  });

  it("cannot write the schema registry without a login, nor change its global rule as Connect's user", async () => {
    const generated = join(await stackState(), 'secrets.env');
    const connectPassword =
      process.env['SCHEMA_REGISTRY_CONNECT_PASSWORD'] ??
      parseLines(readFileSync(generated, 'utf8'))['SCHEMA_REGISTRY_CONNECT_PASSWORD']!;
    expect(await registryKnocks(connectPassword)).toEqual(REGISTRY_WRITERS_ONLY);
  });

  it("cannot make Kafka Connect hand out the stack's passwords: its worker holds its connector's only", async () => {
    const { pid } = await stackService('connect');
    const names = environmentNames(readFileSync(`/proc/${pid}/environ`, 'utf8'));
    expect(names.filter((name) => SECRET_NAME.test(name))).toEqual([
      'PG_DEBEZIUM_PASSWORD',
      'SCHEMA_REGISTRY_CONNECT_PASSWORD',
    ]);
    expect(names).toEqual(expect.arrayContaining(['PGDATABASE', 'PGHOST', 'PGPORT']));
  });

  it('finds no secret in a command line, in a log, or in a file another user can read', async () => {
    const state = await stackState();
    const secrets = knownSecrets(state);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    expect(argvHolding(secrets)).toEqual([]);
    const logs = join(state, 'logs');
    const logsHolding = readdirSync(logs).filter((file) =>
      secrets.some((secret) => readFileSync(join(logs, file), 'latin1').includes(secret)),
    );
    expect(logsHolding).toEqual([]);
    expect(readableByOthersHolding(state, secrets)).toEqual([]);
  });

  it("cannot write a table with the checkers' role (validate, delta:check): it reads, and records its verdict only", async () => {
    expect(await readerKnocks()).toEqual(READER_ONLY_READS);
  });

  it("cannot touch the stack's tables or another schema with the writers' role (sim:load, sim:run): it makes and writes its own", async () => {
    expect(await writerKnocks()).toEqual(WRITER_OWN_TABLES_ONLY);
  });

  it(".env.example's placeholder password is refused by the roles' set-up (init.sql, both modes), before it changes anything", async () => {
    const state = await stackState();
    const psql = [
      'psql',
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      join(state, 'postgres', 'run'),
      '-p',
      process.env['PGPORT']!,
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-f',
      join(repo, 'infra', 'postgres', 'init.sql'),
    ];
    const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    const [file, ...args] = [...asPostgres, ...psql];
    const result = spawnSync(file!, args, {
      encoding: 'utf8',
      env: {
        ...process.env,
        PG_ADMIN_PASSWORD: 'change-me-too',
        PG_DEBEZIUM_PASSWORD: 'unchanged',
        PG_APICURIO_PASSWORD: 'unchanged',
      },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/placeholder is not a password \(PGPASSWORD\)/);
    expect(result.stderr).not.toMatch(/PG_DEBEZIUM_PASSWORD/);
    // the admin's password is still the stack's: nothing was changed
    const admin = new pg.Client();
    await admin.connect();
    await admin.end();
  });
});
