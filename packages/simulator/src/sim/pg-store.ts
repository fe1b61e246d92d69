/**
 * The simulator's PostgreSQL side: locks, the `sim` schema (event log, meta,
 * snapshot of the starting data), reading the log, applying events.
 *
 * Two advisory locks keep resumes safe:
 * - "run": held by one session for a whole run, so two simulators never share
 *   an event log;
 * - "pool": every pooled connection holds it shared; a starting run takes it
 *   exclusively once, which waits until every backend of a killed run has
 *   finished its last statement (so no late commit can race the resume).
 *
 * After a lost connection, `reconnect()` does the same as a starting run: it
 * keeps (or takes again) the run lock and waits, through the "pool" lock,
 * until every backend of the old connections is gone. Only then can the event
 * log tell which events of the lost batches committed (`loggedSeqs`).
 */
import pg from 'pg';
import type { TableSpec, Tables } from './domain.js';
import { SimError } from './errors.js';
import type { Logged } from './fold.js';
import type { GeneratedEvent } from './generator.js';
import { isConnectionFailure } from './retry.js';
import { CHECK_SQLSTATE, batchJson, ident, setupSql } from './sql.js';

export interface SimStoreOptions {
  /** Connection settings (host, port, database, user, password). */
  connection: pg.ClientConfig;
  /** The domain's name (kept with its event log) and tables. */
  domain: { readonly name: string; readonly tables: readonly TableSpec[] };
  /** Schema of the business tables (default public). */
  schema?: string;
  /** Schema of the event log and snapshot (default sim). */
  simSchema?: string;
  /** Connections applying events at once. */
  concurrency?: number;
  /**
   * Wait for the WAL flush at each commit (default false). Off is safe here:
   * each event stays atomic with its log row, a PostgreSQL crash can only drop
   * the newest events together with their log rows (the resume regenerates
   * them), and logical decoding streams only flushed WAL, so Debezium never
   * sees an event that is lost. On costs one disk flush per event.
   */
  synchronousCommit?: boolean;
  /** How long to wait for a previous run's locks (ms). */
  lockTimeoutMs?: number;
  /** How long to wait for a new connection (ms, default 10 s). */
  connectTimeoutMs?: number;
}

export interface SimStore {
  readonly schema: string;
  readonly simSchema: string;
  /** host:port/database, for messages (no credentials). */
  readonly where: string;
  /** Takes the run lock and waits for leftovers of a killed run. */
  open(): Promise<void>;
  /**
   * After a lost connection: drops the pool (and the run-lock session if it is
   * dead), then does what open() does. When it returns, no backend of the old
   * connections is left, so the event log is final for the events they ran.
   * Call it with no apply() in flight.
   */
  reconnect(): Promise<void>;
  /** The seqs from `from` to `to` that are in the event log. */
  loggedSeqs(from: number, to: number): Promise<Set<number>>;
  /**
   * Commits one synchronous transaction: it flushes the WAL of every earlier
   * commit, so the events committed before it survive a PostgreSQL crash.
   */
  syncPoint(): Promise<void>;
  /** Drops the sim schema (event log and snapshot): the next setup starts over. */
  reset(): Promise<void>;
  /**
   * Idempotent set-up; the first one snapshots the business tables. Tables replaced
   * since the snapshot (new OIDs: sim:load --replace) drop the log and snapshot and
   * start a new simulation; `replaced` names them. Returns the log's seed.
   */
  setup(
    seed: number | undefined,
    defaultSeed: number,
  ): Promise<{ seed: number; created: boolean; replaced: string[] }>;
  loadSnapshot(): Promise<Tables>;
  readTables(): Promise<Tables>;
  readLog(afterSeq: number, limit: number): Promise<Logged[]>;
  /**
   * Applies events in seq order on one connection and in one round trip, each
   * event in its own transaction with its log row. On a failure the events
   * before the failing one stay committed and the ones after it are not tried.
   * A lost connection gives a retriable SIM_APPLY_FAILED: which events of the
   * batch committed is then only known from the event log after reconnect().
   */
  apply(events: readonly GeneratedEvent[]): Promise<void>;
  /** Rows in each of the domain's tables. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** PostgreSQL's timestamp text (session time zone UTC) → ISO-8601 with at least milliseconds. */
function isoFromPg(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(\+00)?$/.exec(text);
  if (!m) return new Date(text).toISOString();
  const fraction = (m[3] ?? '').padEnd(3, '0');
  return `${m[1]}T${m[2]}.${fraction}Z`;
}

const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
    if (oid === 20) return (v: string) => Number(v); // int8: ids and counts fit
    if (oid === 1184 || oid === 1114) return isoFromPg; // timestamptz, timestamp
    if (oid === 1082) return (v: string) => v; // date stays text
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export function createSimStore(options: SimStoreOptions): SimStore {
  const schema = options.schema ?? 'public';
  const { domain } = options;
  const names = domain.tables.map((t) => t.name);
  const simSchema = options.simSchema ?? 'sim';
  if (schema === simSchema)
    throw new SimError('SIM_BAD_FLAG', `the sim schema must differ from "${schema}"`);
  const config: pg.ClientConfig = {
    ...options.connection,
    types: TYPES,
    options: `-c TimeZone=UTC -c synchronous_commit=${options.synchronousCommit ? 'on' : 'off'}`,
    // Tells an operator (and the fault tests) which backends are this simulator's.
    application_name: `mdp-sim ${simSchema}`.slice(0, 63),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    keepAlive: true, // a silently dropped connection fails instead of hanging
  };
  const where = `${options.connection.host ?? 'localhost'}:${options.connection.port ?? 5432}/${options.connection.database ?? ''}`;
  const lockTimeout = options.lockTimeoutMs ?? 15_000;
  const sim = ident(simSchema);
  const table = (name: string) => `${ident(schema)}.${ident(name)}`;
  /** Each business table's OID (null when it does not exist). */
  const tableOids = async (client: pg.ClientBase): Promise<Record<string, number | null>> => {
    const { rows } = await client.query<{ name: string; oid: number | null }>(
      'SELECT name, to_regclass(qualified)::oid::int8 AS oid FROM unnest($1::text[], $2::text[]) AS t(name, qualified)',
      [names, names.map(table)],
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.oid]));
  };
  const lockArgs = (purpose: string) =>
    `hashtext('mdp-sim:${purpose}'), hashtext(${pg.escapeLiteral(simSchema)})`;

  let session: pg.Client | undefined;
  /** Set when the run-lock session fails while idle: the run lock is gone with it. */
  let sessionLost: Error | undefined;
  let pool: pg.Pool | undefined;
  let closed = false;

  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('SimStore used before open()');
    return value;
  };
  /** Pooled connections that already hold the shared "pool" lock. */
  const sharing = new WeakSet<pg.PoolClient>();
  const connect = async () => {
    const client = await need(pool).connect();
    if (!sharing.has(client)) {
      try {
        await client.query(`SELECT pg_advisory_lock_shared(${lockArgs('pool')})`);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      sharing.add(client);
    }
    return client;
  };

  const applyError = async (err: unknown, events: readonly GeneratedEvent[]) => {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    const why =
      code === CHECK_SQLSTATE
        ? `${message} (were the tables changed outside the simulator?)`
        : message;
    // Refused by PostgreSQL, the batch has stopped at the failing event; on a
    // lost connection its backend may even still be committing the batch.
    const lost = isConnectionFailure(err);
    const failed = lost ? undefined : await failedEvent(session, sim, events);
    const which = failed
      ? `event ${failed.seq} (${failed.event.type})`
      : `an event of ${events[0]!.seq}..${events.at(-1)!.seq}`;
    return new SimError('SIM_APPLY_FAILED', `${which} was not applied: ${why}`, {
      cause: err,
      retriable: lost,
    });
  };

  const readEntities = async (
    client: pg.ClientBase | pg.Pool,
    source: (t: string) => string,
  ): Promise<Tables> => {
    const tables: Record<string, pg.QueryResultRow[]> = {};
    for (const spec of domain.tables) {
      const cols = spec.columns.map(ident).join(', ');
      try {
        const sql = `SELECT ${cols} FROM ${source(spec.name)} ORDER BY ${ident(spec.key)}`;
        tables[spec.name] = (await client.query<pg.QueryResultRow>(sql)).rows;
      } catch (err) {
        throw tableError(err, source(spec.name));
      }
    }
    return tables;
  };

  const endPool = async () => {
    const old = pool;
    pool = undefined;
    await old?.end().catch(() => undefined);
  };
  const endSession = async () => {
    const old = session;
    session = undefined;
    sessionLost = undefined;
    await old?.end().catch(() => undefined);
  };
  const close = async () => {
    closed = true;
    await endPool();
    await endSession();
  };

  /** A session holding the run lock (kept when it still answers). */
  const takeRunLock = async () => {
    if (session && !sessionLost) {
      try {
        await session.query('SELECT 1');
        return;
      } catch {
        // dead: take the lock again on a new session
      }
    }
    await endSession();
    const client = new pg.Client(config);
    // A dead session shows up in the next apply() (see sessionLost) or query.
    client.on('error', (err) => {
      if (session === client) sessionLost = err;
    });
    session = client;
    try {
      await client.connect();
      await client.query(`SET lock_timeout = ${Number(lockTimeout)}`);
      await client.query(`SELECT pg_advisory_lock(${lockArgs('run')})`);
    } catch (err) {
      await endSession();
      if ((err as { code?: string }).code === '55P03')
        throw new SimError(
          'SIM_LOCKED',
          `another simulator is running on the event log in schema "${simSchema}"; stop it first (or use another --sim-schema)`,
          { cause: err, retriable: true },
        );
      throw err;
    }
  };

  /** Waits for every backend of earlier connections (a killed run's, or our lost ones), then fills the pool. */
  const startPool = async () => {
    const client = need(session);
    try {
      await client.query(`SELECT pg_advisory_lock(${lockArgs('pool')})`);
      await client.query(`SELECT pg_advisory_unlock(${lockArgs('pool')})`);
    } catch (err) {
      if ((err as { code?: string }).code === '55P03')
        throw new SimError(
          'SIM_LOCKED',
          `connections of an earlier simulator on schema "${simSchema}" are still running after ${lockTimeout} ms`,
          { cause: err, retriable: true },
        );
      throw err;
    }
    const size = Math.max(1, options.concurrency ?? 1);
    // Idle connections stay open: a paced run never waits for a new one.
    const fresh = new pg.Pool({ ...config, max: size, idleTimeoutMillis: 0 });
    fresh.on('error', () => undefined); // idle-client errors: the next query reports them
    // A client lost while checked out emits 'error' too (after failing its query):
    // without a listener that would crash the process.
    fresh.on('connect', (client) => client.on('error', () => undefined));
    pool = fresh;
    try {
      const warm = await Promise.all(Array.from({ length: size }, connect));
      for (const c of warm) c.release();
    } catch (err) {
      await endPool();
      throw err;
    }
  };

  /** close() may run while a reconnect() waits (a signal): leave nothing open then. */
  const notClosed = async () => {
    if (!closed) return;
    await endPool();
    await endSession();
    throw new SimError('SIM_PG_UNREACHABLE', 'the simulator was closed while reconnecting');
  };

  return {
    schema,
    simSchema,
    where,

    async open() {
      closed = false;
      await takeRunLock();
      try {
        await startPool();
      } catch (err) {
        await close();
        throw err;
      }
    },

    async reconnect() {
      await endPool();
      await notClosed();
      await takeRunLock();
      await notClosed();
      await startPool();
      await notClosed();
    },

    async loggedSeqs(from, to) {
      if (to < from) return new Set();
      const { rows } = await need(session).query<{ seq: number }>(
        `SELECT seq FROM ${sim}.event_log WHERE seq BETWEEN $1 AND $2`,
        [from, to],
      );
      return new Set(rows.map((r) => r.seq));
    },

    async syncPoint() {
      // txid_current() gives the transaction an xid, so its commit is a WAL record.
      await need(session).query(
        'BEGIN; SET LOCAL synchronous_commit = on; SELECT txid_current(); COMMIT',
      );
    },

    async reset() {
      await need(session).query(`DROP SCHEMA IF EXISTS ${sim} CASCADE`);
    },

    async setup(seed, defaultSeed) {
      const client = need(session);
      await client.query('BEGIN');
      try {
        const oids = await tableOids(client);
        const missing = names.filter((name) => oids[name] === null);
        if (missing.length > 0)
          throw new SimError(
            'SIM_NO_TABLES',
            `domain ${domain.name} needs ${missing.map(table).join(', ')}, which do not exist; ` +
              'load its tables first (pnpm sim:load)',
          );
        await client.query(setupSql(schema, simSchema, domain.tables));
        const meta = await client.query<{
          seed: number;
          table_oids: Record<string, number> | null;
          domain: string | null;
        }>(`SELECT seed, table_oids, domain FROM ${sim}.meta`);
        const existing = meta.rows[0];
        const logDomain = existing?.domain ?? 'retail'; // a log from before domains
        if (existing && logDomain !== domain.name)
          throw new SimError(
            'SIM_BAD_DOMAIN',
            `the event log in schema "${simSchema}" is domain ${logDomain}'s, not ${domain.name}'s; ` +
              `pass --sim-schema to keep another domain's log apart, or --reset to start over`,
          );
        // A log from before table_oids was kept has none: nothing to compare.
        const replaced = Object.keys(oids).filter(
          (name) => existing?.table_oids && existing.table_oids[name] !== oids[name],
        );
        if (replaced.length > 0) {
          await client.query(`DROP SCHEMA ${sim} CASCADE`);
          await client.query(setupSql(schema, simSchema, domain.tables));
        } else if (existing !== undefined) {
          await client.query('COMMIT');
          if (seed !== undefined && seed !== existing.seed)
            throw new SimError(
              'SIM_SEED_MISMATCH',
              `the event log in schema "${simSchema}" was made with seed ${existing.seed}, not ${seed}; ` +
                `omit --seed to resume it, or pass --reset to start a new simulation from the current tables`,
            );
          return { seed: existing.seed, created: false, replaced };
        }
        for (const { name, columns } of domain.tables) {
          try {
            await client.query(
              `CREATE TABLE ${sim}.${ident(`snapshot_${name}`)} AS SELECT ${columns.map(ident).join(', ')} FROM ${table(name)}`,
            );
          } catch (err) {
            throw tableError(err, table(name));
          }
        }
        const chosen = seed ?? defaultSeed;
        await client.query(
          `INSERT INTO ${sim}.meta (seed, source_schema, table_oids, domain) VALUES ($1, $2, $3, $4)`,
          [chosen, schema, JSON.stringify(oids), domain.name],
        );
        await client.query('COMMIT');
        return { seed: chosen, created: true, replaced };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },

    loadSnapshot: () =>
      readEntities(need(session), (name) => `${sim}.${ident(`snapshot_${name}`)}`),
    readTables: () => readEntities(need(session), table),

    async readLog(afterSeq, limit) {
      const { rows } = await need(session).query<Logged>(
        `SELECT seq, type, payload AS event, at FROM ${sim}.event_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [afterSeq, limit],
      );
      return rows.map(({ seq, at, event }) => ({ seq, at, event }));
    },

    async apply(events) {
      if (events.length === 0) return;
      let client: pg.PoolClient | undefined;
      let broken: Error | undefined;
      try {
        // Without the run lock another simulator could start on this log.
        if (sessionLost) throw sessionLost;
        client = await connect();
        await client.query({
          name: 'mdp_sim_apply_events',
          text: `CALL ${sim}.apply_events($1::jsonb)`,
          values: [batchJson(events)],
        });
      } catch (err) {
        // The connection itself failed: do not hand it out again.
        if (isConnectionFailure(err)) broken = err as Error;
        throw await applyError(err, events);
      } finally {
        client?.release(broken);
      }
    },

    async counts() {
      const counts = names.map((name) => `(SELECT count(*) FROM ${table(name)}) AS ${ident(name)}`);
      const { rows } = await need(session).query<Record<string, number>>(
        `SELECT ${counts.join(', ')}`,
      );
      return rows[0]!;
    },

    close,
  };
}

/** The first event of the batch missing from the log is the one that failed. */
async function failedEvent(
  session: pg.Client | undefined,
  sim: string,
  events: readonly GeneratedEvent[],
): Promise<GeneratedEvent | undefined> {
  if (!session || events.length === 1) return events[0];
  try {
    const { rows } = await session.query<{ seq: number }>(
      `SELECT seq FROM ${sim}.event_log WHERE seq BETWEEN $1 AND $2`,
      [events[0]!.seq, events.at(-1)!.seq],
    );
    const logged = new Set(rows.map((r) => r.seq));
    return events.find((e) => !logged.has(e.seq));
  } catch {
    return undefined;
  }
}

function tableError(err: unknown, where: string): unknown {
  const code = (err as { code?: string }).code;
  if (code === '42P01' || code === '42703')
    return new SimError(
      'SIM_NO_TABLES',
      `${where}: ${(err as Error).message}; load the business tables first (pnpm sim:load)`,
      { cause: err },
    );
  return err;
}
