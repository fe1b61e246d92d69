/**
 * Change data capture against the real stack: PostgreSQL → Debezium (Kafka
 * Connect) → Kafka, Avro in the registry. Decoding goes through `pnpm consume`
 * (the validator's CLI), so this suite also proves that other client reads
 * what Connect writes. Each test uses its own random table (topic).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pollUntil } from '@mdp/schemas';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pool = new pg.Pool({ max: 2 });
pool.on('error', () => undefined);

interface Change {
  topic: string;
  partition: number;
  offset: string;
  op?: string | null;
  key: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  lsn?: string | null;
}

function pnpm(args: string[], timeoutMs = 600_000) {
  const run = spawnSync('pnpm', ['--silent', '--workspace-root', ...args], {
    cwd: repo,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (run.status !== 0)
    throw new Error(`pnpm ${args.join(' ')} exited ${run.status}:\n${run.stderr}\n${run.stdout}`);
  return run.stdout;
}

/** Reads `topic` from the beginning through `pnpm consume` until `done(changes)` holds or the deadline passes. */
function collect(
  topic: string,
  done: (changes: Change[]) => boolean,
  timeoutMs: number,
  onFirst?: () => void,
): Promise<Change[]> {
  return new Promise((resolvePromise, reject) => {
    const group = `cdc-test-${randomBytes(4).toString('hex')}`;
    const child = spawn(
      'pnpm',
      [
        '--silent',
        '--workspace-root',
        'consume',
        '--topic',
        topic,
        '--from-beginning',
        '--group',
        group,
      ],
      // its own process group: pnpm does not pass SIGTERM on to the consumer it runs
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const changes: Change[] = [];
    let stderr = '';
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the group has already exited
      }
      if (err) reject(err);
      else resolvePromise(changes);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `${topic}: condition not met after ${timeoutMs / 1000} s with ${changes.length} records; consume said: ${stderr.slice(-2000)}`,
          ),
        ),
      timeoutMs,
    );
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // `done` may scan every change: test it once per chunk of lines, not per line.
    let pending: NodeJS.Immediate | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      changes.push(JSON.parse(line) as Change);
      if (changes.length === 1) onFirst?.();
      pending ??= setImmediate(() => {
        pending = undefined;
        if (done(changes)) finish();
      });
    });
    child.on('exit', (code) =>
      finish(
        code === 0 || finished
          ? undefined
          : new Error(`consume exited ${code}: ${stderr.slice(-2000)}`),
      ),
    );
  });
}

function tableName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

const topicOf = (table: string) => `mdp.public.${table}`;
const isTombstone = (c: Change) => c.op === 'tombstone';
const idOf = (c: Change) => String((c.after ?? c.before ?? c.key ?? {})['id']);

beforeAll(() => {
  pnpm(['connect:register']);
}, 600_000);
afterAll(async () => {
  await pool.end();
});

describe('CDC PostgreSQL → Kafka', () => {
  it('an insert, an update and a delete arrive with the right op, before/after images and increasing LSN', async () => {
    const table = tableName('cdc_ops');
    await pool.query(
      `CREATE TABLE ${table} (id integer PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL)`,
    );
    await pool.query(`INSERT INTO ${table} VALUES (1, 'first', 12.50)`);
    await pool.query(`UPDATE ${table} SET name = 'second', amount = 99999999.99 WHERE id = 1`);
    await pool.query(`DELETE FROM ${table} WHERE id = 1`);

    const changes = await collect(topicOf(table), (c) => c.length >= 4, 180_000);
    const [insert, update, remove, tombstone] = changes;
    expect(insert?.op).toBe('c');
    expect(insert?.before).toBeNull();
    expect(insert?.after).toMatchObject({ id: 1, name: 'first', amount: '12.50' });
    expect(update?.op).toBe('u');
    expect(update?.before).toMatchObject({ id: 1, name: 'first', amount: '12.50' }); // REPLICA IDENTITY FULL
    expect(update?.after).toMatchObject({ id: 1, name: 'second', amount: '99999999.99' });
    expect(remove?.op).toBe('d');
    expect(remove?.before).toMatchObject({ id: 1, name: 'second' });
    expect(remove?.after).toBeNull();
    expect(tombstone && isTombstone(tombstone)).toBe(true);
    const lsns = [insert, update, remove].map((c) => BigInt(c?.lsn ?? '0'));
    expect(lsns[0]! > 0n && lsns[0]! < lsns[1]! && lsns[1]! < lsns[2]!).toBe(true);

    const res = await fetch(`${process.env['SCHEMA_REGISTRY_URL']}/subjects`);
    const subjects = (await res.json()) as string[];
    expect(subjects).toEqual(
      expect.arrayContaining([`${topicOf(table)}-key`, `${topicOf(table)}-value`]),
    );
  });

  it('an ALTER TABLE that changes columns has Debezium re-send every row in the new shape; other ALTERs ask for nothing', async () => {
    const table = tableName('cdc_ddl');
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, qty integer NOT NULL)`);
    await pool.query(`INSERT INTO ${table} SELECT g, g FROM generate_series(1, 3) g`);
    await pool.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_qty CHECK (qty > 0)`);
    await pool.query(`ALTER TABLE ${table} ADD COLUMN flag integer NOT NULL DEFAULT 7`);

    const changes = await collect(topicOf(table), (c) => c.length >= 6, 180_000);
    const resent = changes.filter((c) => c.op === 'r');
    expect(resent.map(idOf).sort()).toEqual(['1', '2', '3']);
    for (const row of resent) {
      expect(row.after).toMatchObject({ flag: 7 });
      expect(row.lsn ?? null).toBeNull(); // the Spark job and the checkers order it by its offset
    }
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cdc.signal WHERE type = 'execute-snapshot' AND data LIKE $1`,
      [`%"public.${table}"%`],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('the debezium role reads captured tables and nothing else', async () => {
    // the simulator's event log schema, as sim:run creates it
    await pool.query('CREATE SCHEMA IF NOT EXISTS sim');
    const { rows } = await pool.query<Record<string, boolean>>(
      `SELECT r.rolreplication AS replication, r.rolsuper AS superuser, r.rolcreatedb AS createdb, r.rolcreaterole AS createrole,
              has_schema_privilege('debezium', 'public', 'CREATE') AS create_public,
              has_schema_privilege('debezium', 'sim', 'USAGE') AS sim_usage
         FROM pg_roles r WHERE r.rolname = 'debezium'`,
    );
    expect(rows[0]).toEqual({
      replication: true,
      superuser: false,
      createdb: false,
      createrole: false,
      create_public: false,
      sim_usage: false,
    });
    const table = tableName('cdc_rights');
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY)`);
    const priv = await pool.query<{ sel: boolean; ins: boolean; upd: boolean; del: boolean }>(
      `SELECT has_table_privilege('debezium', $1, 'SELECT') AS sel, has_table_privilege('debezium', $1, 'INSERT') AS ins,
              has_table_privilege('debezium', $1, 'UPDATE') AS upd, has_table_privilege('debezium', $1, 'DELETE') AS del`,
      [table],
    );
    expect(priv.rows[0]).toEqual({ sel: true, ins: false, upd: false, del: false });
    const pub = await pool.query(
      `SELECT 1 FROM pg_publication_tables WHERE pubname = 'mdp_cdc' AND schemaname = 'public' AND tablename = $1`,
      [table],
    );
    expect(pub.rowCount).toBe(1);
    const sim = await pool.query(
      `SELECT 1 FROM pg_publication_tables WHERE pubname = 'mdp_cdc' AND schemaname = 'sim'`,
    );
    expect(sim.rowCount).toBe(0);
  });

  it('sim:load --replace sends the rows it replaces as deletes: the stream replays to the new table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdp-cdc-replace-'));
    try {
      const table = tableName('cdc_replace');
      const file = join(dir, `${table}.csv`);
      writeFileSync(file, 'id,name\n1,a\n2,b\n3,c\n');
      pnpm(['sim:load', file]);
      writeFileSync(file, 'id,name\n3,c\n4,d\n');
      pnpm(['sim:load', '--replace', file]);
      // Until the replacing load's last row: its transaction (the deletes, then rows 3 and 4)
      // reaches the topic in order. A count of creates could be reached by a re-sent record first.
      const changes = await collect(
        topicOf(table),
        (c) => c.some((x) => x.op === 'c' && idOf(x) === '4'),
        180_000,
      );
      const replayed = new Map<string, unknown>();
      for (const change of changes) {
        if (change.op === 'd') replayed.delete(idOf(change));
        else if (change.op === 'c' || change.op === 'u' || change.op === 'r')
          replayed.set(idOf(change), change.after);
      }
      expect([...replayed.keys()].sort()).toEqual(['3', '4']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stopping Connect while changes are made and starting it again loses none', async () => {
    const table = tableName('cdc_stop');
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, v text)`);
    await pool.query(`INSERT INTO ${table} VALUES (0, 'before stop')`);
    await collect(topicOf(table), (c) => c.length >= 1, 180_000);

    pnpm(['stack', 'stop', 'connect']);
    try {
      for (let id = 1; id <= 200; id++)
        await pool.query(`INSERT INTO ${table} VALUES ($1, 'while stopped')`, [id]);
      await pool.query(`UPDATE ${table} SET v = 'updated while stopped' WHERE id <= 50`);
    } finally {
      pnpm(['stack', 'start', 'connect']);
    }
    pnpm(['connect:register']);
    const changes = await collect(
      topicOf(table),
      (c) =>
        new Set(c.filter((x) => x.op === 'c').map(idOf)).size >= 201 &&
        new Set(c.filter((x) => x.op === 'u').map(idOf)).size >= 50,
      300_000,
    );
    const inserts = changes.filter((c) => c.op === 'c');
    const duplicates = inserts.length - new Set(inserts.map(idOf)).size;
    process.stdout.write(
      `connect stop/start: ${changes.length} records, ${duplicates} duplicate inserts\n`,
    );
    expect(new Set(inserts.map(idOf)).size).toBe(201);
  });

  it(
    'kill -9 of Connect during sim:load of a generated 100k-row file loses none',
    { timeout: 1_200_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mdp-cdc-kill-'));
      try {
        pnpm(['sim:gen', '--out', dir, '--scale', '100', '--seed', '7']);
        const table = tableName('cdc_kill');
        // customers.csv at scale 100 holds 100,000 rows and references no other table
        renameSync(join(dir, 'customers.csv'), join(dir, `${table}.csv`));
        for (const f of readdirSync(dir)) if (f !== `${table}.csv`) rmSync(join(dir, f));
        const connectPid = (
          JSON.parse(pnpm(['stack', 'status', '--json'])) as { name: string; pid: number }[]
        ).find((service) => service.name === 'connect')!.pid;
        // The load is one COPY transaction, which Debezium streams after its commit:
        // kill Connect when the first of its records reaches Kafka, mid-stream.
        let killedAt = -1;
        const changes = collect(
          topicOf(table),
          (c) => new Set(c.map(idOf)).size >= 100_000,
          900_000,
          () => {
            process.kill(connectPid, 'SIGKILL');
            killedAt = Date.now();
          },
        );
        const load = spawn(
          'pnpm',
          ['--silent', '--workspace-root', 'sim:load', join(dir, `${table}.csv`)],
          { cwd: repo, stdio: 'inherit' },
        );
        expect(await new Promise<number | null>((r) => load.on('exit', r))).toBe(0);
        await pollUntil(
          'Connect killed at its first record in Kafka',
          () => killedAt > 0,
          300_000,
          100,
        );
        pnpm(['stack', 'start', 'connect']);
        pnpm(['connect:register']);
        const records = await changes;
        const distinct = new Set(records.map(idOf)).size;
        process.stdout.write(
          `connect kill -9 during load: ${records.length} records, ${distinct} distinct rows, ${records.length - distinct} duplicates\n`,
        );
        expect(distinct).toBe(100_000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
