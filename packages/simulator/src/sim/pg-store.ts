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
 */
import pg from 'pg';
import type { Customer, LoggedEvent, Order, Product } from '@mdp/schemas';
import { SimError } from './errors.js';
import type { GeneratedEvent } from './generator.js';
import {
  CHECK_SQLSTATE,
  CUSTOMER_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  batchJson,
  ident,
  setupSql,
} from './sql.js';
import type { Snapshot } from './state.js';

export interface SimStoreOptions {
  /** Connection settings (host, port, database, user, password). */
  connection: pg.ClientConfig;
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
}

export interface SimStore {
  readonly schema: string;
  readonly simSchema: string;
  /** Takes the run lock and waits for leftovers of a killed run. */
  open(): Promise<void>;
  /** Drops the sim schema (event log and snapshot): the next setup starts over. */
  reset(): Promise<void>;
  /** Idempotent set-up; the first one snapshots the business tables. Returns the log's seed. */
  setup(seed: number | undefined, defaultSeed: number): Promise<{ seed: number; created: boolean }>;
  loadSnapshot(): Promise<Snapshot>;
  readTables(): Promise<Snapshot>;
  readLog(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
  /**
   * Applies events in seq order on one connection and in one round trip, each
   * event in its own transaction with its log row. On a failure the events
   * before the failing one stay committed and the ones after it are not tried.
   */
  apply(events: readonly GeneratedEvent[]): Promise<void>;
  counts(): Promise<{ customers: number; products: number; orders: number }>;
  close(): Promise<void>;
}

const TABLES = {
  customers: CUSTOMER_COLUMNS,
  products: PRODUCT_COLUMNS,
  orders: ORDER_COLUMNS,
} as const;

/** PostgreSQL's timestamp text (session time zone UTC) → ISO-8601 with at least milliseconds. */
export function isoFromPg(text: string): string {
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
  const simSchema = options.simSchema ?? 'sim';
  if (schema === simSchema)
    throw new SimError('SIM_BAD_FLAG', `the sim schema must differ from "${schema}"`);
  const config: pg.ClientConfig = {
    ...options.connection,
    types: TYPES,
    options: `-c TimeZone=UTC -c synchronous_commit=${options.synchronousCommit ? 'on' : 'off'}`,
  };
  const lockTimeout = options.lockTimeoutMs ?? 15_000;
  const sim = ident(simSchema);
  const table = (name: string) => `${ident(schema)}.${ident(name)}`;
  const lockArgs = (purpose: string) =>
    `hashtext('mdp-sim:${purpose}'), hashtext(${pg.escapeLiteral(simSchema)})`;

  let session: pg.Client | undefined;
  let pool: pg.Pool | undefined;

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
    // With a SQLSTATE the batch has stopped at the failing event; without one
    // the connection failed and its backend may still be committing the batch.
    const failed = code === undefined ? undefined : await failedEvent(session, sim, events);
    const which = failed
      ? `event ${failed.seq} (${failed.event.type})`
      : `an event of ${events[0]!.seq}..${events.at(-1)!.seq}`;
    return new SimError('SIM_APPLY_FAILED', `${which} was not applied: ${why}`, {
      cause: err,
      retriable: code === undefined || code.startsWith('08') || code.startsWith('57'),
    });
  };

  const readEntities = async (
    client: pg.ClientBase | pg.Pool,
    source: (t: string) => string,
  ): Promise<Snapshot> => {
    const rows = async (name: keyof typeof TABLES) => {
      const cols = TABLES[name].map((c) =>
        c === 'unit_price' ? 'unit_price::text AS unit_price' : ident(c),
      );
      try {
        return (await client.query(`SELECT ${cols.join(', ')} FROM ${source(name)} ORDER BY id`))
          .rows as unknown[];
      } catch (err) {
        throw tableError(err, `${source(name)}`);
      }
    };
    return {
      customers: (await rows('customers')) as Customer[],
      products: (await rows('products')) as Product[],
      orders: (await rows('orders')) as Order[],
    };
  };

  const close = async () => {
    await pool?.end().catch(() => undefined);
    await session?.end().catch(() => undefined);
    pool = undefined;
    session = undefined;
  };

  return {
    schema,
    simSchema,

    async open() {
      session = new pg.Client(config);
      session.on('error', () => undefined); // a dead session shows up on the next query
      await session.connect();
      await session.query(`SET lock_timeout = ${Number(lockTimeout)}`);
      try {
        await session.query(`SELECT pg_advisory_lock(${lockArgs('run')})`);
        await session.query(`SELECT pg_advisory_lock(${lockArgs('pool')})`);
        await session.query(`SELECT pg_advisory_unlock(${lockArgs('pool')})`);
      } catch (err) {
        await session.end().catch(() => undefined);
        session = undefined;
        if ((err as { code?: string }).code === '55P03')
          throw new SimError(
            'SIM_LOCKED',
            `another simulator is running on the event log in schema "${simSchema}"; stop it first (or use another --sim-schema)`,
            { cause: err, retriable: true },
          );
        throw err;
      }
      const size = Math.max(1, options.concurrency ?? 1);
      // Idle connections stay open: a paced run never waits for a new one.
      pool = new pg.Pool({ ...config, max: size, idleTimeoutMillis: 0 });
      pool.on('error', () => undefined); // idle-client errors: the next query reports them
      try {
        const warm = await Promise.all(Array.from({ length: size }, connect));
        for (const client of warm) client.release();
      } catch (err) {
        await close();
        throw err;
      }
    },

    async reset() {
      await need(session).query(`DROP SCHEMA IF EXISTS ${sim} CASCADE`);
    },

    async setup(seed, defaultSeed) {
      const client = need(session);
      await client.query('BEGIN');
      try {
        await client.query(setupSql(schema, simSchema));
        const meta = await client.query<{ seed: number }>(`SELECT seed FROM ${sim}.meta`);
        const existing = meta.rows[0]?.seed;
        if (existing !== undefined) {
          await client.query('COMMIT');
          if (seed !== undefined && seed !== existing)
            throw new SimError(
              'SIM_SEED_MISMATCH',
              `the event log in schema "${simSchema}" was made with seed ${existing}, not ${seed}; ` +
                `omit --seed to resume it, or pass --reset to start a new simulation from the current tables`,
            );
          return { seed: existing, created: false };
        }
        for (const [name, columns] of Object.entries(TABLES)) {
          try {
            await client.query(
              `CREATE TABLE ${sim}.${ident(`snapshot_${name}`)} AS SELECT ${columns.map(ident).join(', ')} FROM ${table(name)}`,
            );
          } catch (err) {
            throw tableError(err, table(name));
          }
        }
        const chosen = seed ?? defaultSeed;
        await client.query(`INSERT INTO ${sim}.meta (seed, source_schema) VALUES ($1, $2)`, [
          chosen,
          schema,
        ]);
        await client.query('COMMIT');
        return { seed: chosen, created: true };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },

    loadSnapshot: () =>
      readEntities(need(session), (name) => `${sim}.${ident(`snapshot_${name}`)}`),
    readTables: () => readEntities(need(session), table),

    async readLog(afterSeq, limit) {
      const { rows } = await need(session).query<LoggedEvent & { type: string }>(
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
        client = await connect();
        await client.query({
          name: 'mdp_sim_apply_events',
          text: `CALL ${sim}.apply_events($1::jsonb)`,
          values: [batchJson(events)],
        });
      } catch (err) {
        const code = (err as { code?: string }).code;
        // No SQLSTATE: the connection itself failed; do not hand it out again.
        if (code === undefined && err instanceof Error) broken = err;
        throw await applyError(err, events);
      } finally {
        client?.release(broken);
      }
    },

    async counts() {
      const { rows } = await need(session).query<{
        customers: number;
        products: number;
        orders: number;
      }>(
        `SELECT (SELECT count(*) FROM ${table('customers')}) AS customers,
                (SELECT count(*) FROM ${table('products')}) AS products,
                (SELECT count(*) FROM ${table('orders')}) AS orders`,
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
