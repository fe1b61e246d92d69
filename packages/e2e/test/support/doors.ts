/**
 * What a stranger on the machine could try: the platform's doors knocked on
 * without the right credentials, and the places a secret could be read from
 * (command lines, logs, files). Each returns what it found, for the security
 * tests of both modes to judge.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  basicAuthHeaders,
  connectHeaders,
  kafkaLogin,
  type KafkaLogin,
  KAFKA_ADMIN_ENV,
  registryAdminHeaders,
  REGISTRY_ADMIN_ENV,
} from '@mdp/schemas';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

/**
 * Opens, as `user` with a wrong password, the physical replication connection that
 * pg_basebackup and pg_receivewal open (a copy of the whole cluster) to the server
 * the PG* variables name. Returns the server's refusal, or 'let in'.
 */
async function physicalReplication(user: string): Promise<string> {
  const physical = { replication: 'true' }; // the startup parameter; pg's types lack it
  const client = new pg.Client({
    user,
    password: 'not-the-password',
    connectionTimeoutMillis: 10_000,
    ...physical,
  });
  try {
    await client.connect();
    return 'let in';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Each role of the stack (the admin, the writers', Debezium's, the superuser) and its `physicalReplication` answer. */
export async function physicalReplicationByRole(): Promise<[user: string, answer: string][]> {
  const roles = ['debezium', process.env['PGUSER']!, process.env['PG_WRITER_USER']!, 'postgres'];
  const answers: [string, string][] = [];
  for (const user of roles) answers.push([user, await physicalReplication(user)]);
  return answers;
}

/** PostgreSQL's refusal of a connection no pg_hba.conf line allows, before any password is asked. */
export const NO_HBA_LINE = /no pg_hba\.conf entry for replication connection/;

/**
 * Tries to register a connector on Kafka Connect's REST API (KAFKA_CONNECT_URL)
 * without credentials, then as its user with a wrong password. The statuses
 * answered, and the status of a GET of that connector as the stack's user.
 */
export async function connectKnocks(): Promise<{
  anonymous: number;
  wrongPassword: number;
  lookup: number;
}> {
  const url = `${process.env['KAFKA_CONNECT_URL']}/connectors/door-probe`;
  const put = async (headers: Record<string, string>): Promise<number> => {
    const response = await fetch(`${url}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ 'connector.class': 'FileStreamSource', 'tasks.max': '1' }),
    });
    await response.body?.cancel();
    return response.status;
  };
  const anonymous = await put({});
  const wrongPassword = await put(
    basicAuthHeaders(process.env['KAFKA_CONNECT_USER'], 'not-the-password'),
  );
  const lookup = await fetch(url, { headers: connectHeaders() });
  await lookup.body?.cancel();
  return { anonymous, wrongPassword, lookup: lookup.status };
}

/**
 * Writes to the schema registry (SCHEMA_REGISTRY_URL) on a subject of its own:
 * a schema registered with no login, then with the admin's name and a wrong
 * password; the global compatibility rule changed as Connect's user (who may
 * register, and nothing of the admin's); then the right doors: Connect's user
 * registers, anyone reads, the admin deletes the subject. The status of each.
 */
export async function registryKnocks(connectPassword: string): Promise<Record<string, number>> {
  const registry = process.env['SCHEMA_REGISTRY_URL']!;
  const subject = `door-probe-${randomBytes(3).toString('hex')}-value`;
  const send = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<number> => {
    const response = await fetch(`${registry}/${path}`, {
      method,
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    await response.body?.cancel();
    return response.status;
  };
  const schema = {
    schema: JSON.stringify({ type: 'record', name: 'Probe', fields: [{ name: 'x', type: 'int' }] }),
  };
  const register = (headers: Record<string, string>) =>
    send('POST', `subjects/${subject}/versions`, headers, schema);
  const connect = basicAuthHeaders('mdp-connect', connectPassword);
  return {
    anonymousRegisters: await register({}),
    wrongPasswordRegisters: await register(
      basicAuthHeaders(process.env[REGISTRY_ADMIN_ENV.user], 'not-the-password'),
    ),
    connectChangesGlobalRule: await send('PUT', 'config', connect, { compatibility: 'NONE' }),
    connectRegisters: await register(connect),
    anonymousReads: await send('GET', `subjects/${subject}/versions/latest`, {}),
    anonymousDeletes: await send('DELETE', `subjects/${subject}`, {}),
    adminDeletes: await send('DELETE', `subjects/${subject}`, registryAdminHeaders()),
  };
}

/** What registryKnocks finds on a registry that asks for a login to write. */
export const REGISTRY_WRITERS_ONLY = {
  anonymousRegisters: 401,
  wrongPasswordRegisters: 401,
  connectChangesGlobalRule: 403,
  connectRegisters: 200,
  anonymousReads: 200,
  anonymousDeletes: 401,
  adminDeletes: 200,
};

/**
 * What the checkers' role (PG_READER_USER, the role of validate and delta:check) may do
 * to a table the admin (PG*) makes in a schema of its own, and to the verdicts table:
 * each attempt 'done', 'refused' (insufficient privilege) or the server's message.
 */
export async function readerKnocks(): Promise<Record<string, string>> {
  return knocksAs('PG_READER', (schema) => ({
    read: `SELECT id FROM ${schema}.t`,
    insert: `INSERT INTO ${schema}.t VALUES (2)`,
    delete: `DELETE FROM ${schema}.t`,
    createTable: 'CREATE TABLE public.door_probe (id int)',
    truncateVerdicts: 'TRUNCATE cdc.verdicts',
    recordVerdict: 'UPDATE cdc.verdicts SET ok = ok WHERE false',
  }));
}

/**
 * What the writers' role (PG_WRITER_USER, the role of sim:load and sim:run) may do: a
 * schema of its own (as the loader's --schema makes), a table there written and dropped
 * (not in public: Debezium would capture it); the admin's table in a schema of the
 * admin's; the stack's tables in cdc (Debezium's signal table, the heartbeat, the
 * verdicts). Each 'done', 'refused' or the server's message.
 */
export async function writerKnocks(): Promise<Record<string, string>> {
  const own = `door_probe_own_${randomBytes(3).toString('hex')}`;
  return knocksAs('PG_WRITER', (schema) => ({
    createSchema: `CREATE SCHEMA ${own}`,
    createTable: `CREATE TABLE ${own}.t (id int PRIMARY KEY)`,
    insert: `INSERT INTO ${own}.t VALUES (1)`,
    dropSchema: `DROP SCHEMA ${own} CASCADE`,
    readOtherSchema: `SELECT id FROM ${schema}.t`,
    insertOtherSchema: `INSERT INTO ${schema}.t VALUES (2)`,
    createInCdc: 'CREATE TABLE cdc.door_probe (id int)',
    signalDebezium: "INSERT INTO cdc.signal VALUES ('door-probe', 'log', '{}')",
    beat: 'UPDATE cdc.heartbeat SET beat_at = now()',
    recordVerdict: 'UPDATE cdc.verdicts SET ok = ok WHERE false',
  }));
}

/**
 * Runs each statement of `statements(schema)` in turn as the role `<prefix>_USER` /
 * `<prefix>_PASSWORD`, where `schema` is a schema of the admin's (PG*) holding a table
 * `t` (id 1). Each answer 'done', 'refused' (insufficient privilege) or the server's message.
 */
async function knocksAs(
  prefix: string,
  statements: (schema: string) => Record<string, string>,
): Promise<Record<string, string>> {
  const schema = `door_probe_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client();
  await admin.connect();
  await admin.query(
    `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY); INSERT INTO ${schema}.t VALUES (1)`,
  );
  const role = new pg.Client({
    user: process.env[`${prefix}_USER`],
    password: process.env[`${prefix}_PASSWORD`],
  });
  const found: Record<string, string> = {};
  try {
    await role.connect();
    for (const [name, sql] of Object.entries(statements(schema))) {
      found[name] = await role.query(sql).then(
        () => 'done',
        (err: { code?: string; message: string }) =>
          err.code === '42501' ? 'refused' : err.message,
      );
    }
    return found;
  } finally {
    await role.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

/** What readerKnocks must find. */
export const READER_ONLY_READS = {
  read: 'done',
  insert: 'refused',
  delete: 'refused',
  createTable: 'refused',
  truncateVerdicts: 'refused',
  recordVerdict: 'done',
};

/** What writerKnocks must find. */
export const WRITER_OWN_TABLES_ONLY = {
  createSchema: 'done',
  createTable: 'done',
  insert: 'done',
  dropSchema: 'done',
  readOtherSchema: 'refused',
  insertOtherSchema: 'refused',
  createInCdc: 'refused',
  signalDebezium: 'refused',
  beat: 'refused',
  recordVerdict: 'refused',
};

/**
 * Kafka's doors (KAFKA_BROKERS), on a topic of the CDC prefix (mdp., which only Kafka Connect
 * may write) that the admin makes and deletes: a record produced without a login, with a wrong
 * password, and as the read-only user (KAFKA_USER); a topic made by that user; the admin's
 * record read by it. Each 'done', or how Kafka refused: 'disconnected' (no login), 'login
 * refused', 'not allowed' (an ACL); anything else is the error's text.
 */
export async function kafkaKnocks(): Promise<Record<string, string>> {
  const topic = `mdp.door-probe-${randomBytes(3).toString('hex')}`;
  const client = (login: KafkaLogin | undefined) =>
    new Kafka({
      clientId: 'mdp-door-probe',
      brokers: process.env['KAFKA_BROKERS']!.split(','),
      ...(login && { sasl: { ...login } }),
      connectionTimeout: 5000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
  type KafkaError = Error & { type?: string; errors?: KafkaError[] };
  const notAllowed = (err: KafkaError): boolean =>
    /AUTHORIZATION_FAILED/.test(err.type ?? '') || (err.errors?.every(notAllowed) ?? false);
  const attempt = (work: () => Promise<unknown>) =>
    work().then(
      () => 'done',
      (err: KafkaError) =>
        err.name === 'KafkaJSSASLAuthenticationError'
          ? 'login refused'
          : notAllowed(err)
            ? 'not allowed'
            : /closed connection|connection closed|ECONNRESET|EPIPE/i.test(err.message)
              ? 'disconnected'
              : err.message,
    );
  const produce = (login: KafkaLogin | undefined) => async () => {
    const producer = client(login).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'forged' }] });
    } finally {
      await producer.disconnect();
    }
  };
  const reader = kafkaLogin(process.env)!;
  const adminLogin = kafkaLogin(process.env, KAFKA_ADMIN_ENV);
  const admin = client(adminLogin).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
  try {
    await produce(adminLogin)();
    return {
      anonymousWrites: await attempt(produce(undefined)),
      wrongPasswordWrites: await attempt(produce({ ...reader, password: 'not-the-password' })),
      readerWrites: await attempt(produce(reader)),
      readerMakesTopic: await attempt(async () => {
        const own = client(reader).admin();
        await own.connect();
        try {
          await own.createTopics({ topics: [{ topic: `${topic}-own` }] });
        } finally {
          await own.disconnect();
        }
      }),
      readerReads: await attempt(() => firstValue(client(reader), topic)),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  }
}

/** What kafkaKnocks must find. */
export const KAFKA_READER_ONLY_READS = {
  anonymousWrites: 'disconnected',
  wrongPasswordWrites: 'login refused',
  readerWrites: 'not allowed',
  readerMakesTopic: 'not allowed',
  readerReads: 'done',
};

/** Reads the topic's first record (fails on another value, or after 30 s). */
async function firstValue(kafka: Kafka, topic: string): Promise<void> {
  const consumer = kafka.consumer({ groupId: `mdp-door-probe-${randomBytes(3).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record within 30 s')), 30_000);
      void consumer.run({
        eachMessage: ({ message }) => {
          clearTimeout(timer);
          resolve(String(message.value));
          return Promise.resolve();
        },
      });
    });
    if (value !== 'forged') throw new Error(`read "${value}", not the admin's record`);
  } finally {
    await consumer.disconnect();
  }
}

/** The names in a process's environment, from its `/proc/<pid>/environ` (NUL-separated NAME=value). */
export function environmentNames(environ: string): string[] {
  return environ
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(0, entry.indexOf('=')))
    .sort();
}

/** The names of the stack's secrets (.env.example's): passwords and secret keys. */
export const SECRET_NAME = /PASSWORD|SECRET/;

/** The values of the secrets among `entries` (an environment, or a secrets file parsed). */
export function secretValues(entries: Record<string, string | undefined>): string[] {
  return Object.entries(entries)
    .filter(([name, value]) => SECRET_NAME.test(name) && value)
    .map(([, value]) => value!);
}

/** `NAME=value` lines → name → value. */
export function parseLines(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** The processes whose command line holds one of `secrets`: "pid command". */
export function argvHolding(secrets: readonly string[]): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      let argv: string;
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return []; // ended meanwhile
      }
      return secrets.some((secret) => argv.includes(secret))
        ? [`${pid} ${argv.split('\0')[0]}`]
        : [];
    });
}

/**
 * The files under `dir` another user of the machine can read (every directory on
 * the way lets others through, the file lets them read) and that hold one of `secrets`.
 */
export function readableByOthersHolding(dir: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o001) === 0) return;
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else if (stat.isFile() && (stat.mode & 0o004) !== 0) {
      const text = readFileSync(path, 'latin1');
      if (secrets.some((secret) => text.includes(secret))) found.push(path);
    }
  };
  walk(dir);
  return found;
}
