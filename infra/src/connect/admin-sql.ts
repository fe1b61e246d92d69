import type { ClientBase } from 'pg';
import { CdcSetupError } from './errors.js';

export interface AdminSqlOptions {
  /** The admin role that owns the business tables (PGUSER, `mdp`). */
  readonly adminRole: string;
  readonly database: string;
  /** Debezium's login role (created with its rights by infra/postgres/init.sql); gets UPDATE on the heartbeat row. */
  readonly debeziumUser: string;
  readonly publication: string;
}

/** The schema Debezium captures (and the only one in the publication, besides the heartbeat). */
const CAPTURED_SCHEMA = 'public';
/** Holds the heartbeat and signal tables and the event-trigger functions, away from the captured schema. */
const CDC_SCHEMA = 'cdc';
const HEARTBEAT_TABLE = `${CDC_SCHEMA}.heartbeat`;
/** Debezium's signal table (the connector's signal.data.collection): snapshot requests and window marks. */
const SIGNAL_TABLE = `${CDC_SCHEMA}.signal`;
/** Each captured table's columns (name:type, in order) as last seen by the DDL trigger. */
const SHAPE_TABLE = `${CDC_SCHEMA}.table_shape`;

/** `name:type,…` of a table's live columns, in order (SQL over pg_attribute, `rel` an oid expression). */
const shapeOf = (rel: string) =>
  `(SELECT string_agg(quote_ident(attname) || ':' || format_type(atttypid, atttypmod), ',' ORDER BY attnum)
      FROM pg_attribute WHERE attrelid = ${rel} AND attnum > 0 AND NOT attisdropped)`;

/**
 * The SQL the admin role runs before the connector starts, idempotent (every
 * statement converges, so running it again changes nothing):
 * (the `debezium` role itself, REPLICATION + SELECT on public, comes from
 * infra/postgres/init.sql, run by both modes when PostgreSQL starts)
 * - a heartbeat table in the publication, so the slot advances while only
 *   uncaptured tables (the `sim` event log) change;
 * - the publication `FOR TABLES IN SCHEMA public` plus the heartbeat table, so
 *   tables a user loads later are captured too, and the `sim` schema never is;
 * - REPLICA IDENTITY FULL on every captured table, now and (event trigger) for
 *   tables created later, so updates and deletes carry their `before` image;
 * - the signal table, and an event trigger that asks Debezium for an incremental
 *   snapshot of a table whose columns an ALTER TABLE changed (added with a default,
 *   dropped, renamed, retyped): logical decoding carries no DDL and no unchanged
 *   row, so without it the topics (and the lake) keep the rows' old shape.
 */
function adminSql(
  o: AdminSqlOptions,
  quote: { ident(s: string): string; literal(s: string): string },
): string[] {
  const user = quote.ident(o.debeziumUser);
  const admin = quote.ident(o.adminRole);
  const pub = quote.ident(o.publication);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${CDC_SCHEMA} AUTHORIZATION ${admin}`,
    `CREATE TABLE IF NOT EXISTS ${HEARTBEAT_TABLE} (id integer PRIMARY KEY, beat_at timestamptz NOT NULL DEFAULT now())`,
    `INSERT INTO ${HEARTBEAT_TABLE} (id) VALUES (1) ON CONFLICT (id) DO NOTHING`,
    `GRANT USAGE ON SCHEMA ${CDC_SCHEMA} TO ${user}`,
    `GRANT SELECT, UPDATE ON ${HEARTBEAT_TABLE} TO ${user}`,
    // Debezium's documented layout; it writes its snapshot-window marks here too.
    `CREATE TABLE IF NOT EXISTS ${SIGNAL_TABLE} (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))`,
    `GRANT SELECT, INSERT ON ${SIGNAL_TABLE} TO ${user}, ${admin}`,
    `CREATE TABLE IF NOT EXISTS ${SHAPE_TABLE} (relid oid PRIMARY KEY, shape text NOT NULL)`,
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = ${quote.literal(o.publication)}) THEN
         CREATE PUBLICATION ${pub} FOR TABLES IN SCHEMA ${CAPTURED_SCHEMA}, TABLE ${HEARTBEAT_TABLE}, ${SIGNAL_TABLE};
       END IF;
     END $$`,
    `ALTER PUBLICATION ${pub} SET TABLES IN SCHEMA ${CAPTURED_SCHEMA}, TABLE ${HEARTBEAT_TABLE}, ${SIGNAL_TABLE}`,
    `ALTER PUBLICATION ${pub} SET (publish = 'insert, update, delete, truncate')`,
    `CREATE OR REPLACE FUNCTION ${CDC_SCHEMA}.replica_identity_full() RETURNS event_trigger
     LANGUAGE plpgsql AS $$
     DECLARE obj record;
     BEGIN
       FOR obj IN SELECT * FROM pg_event_trigger_ddl_commands()
                  WHERE object_type = 'table' AND schema_name = '${CAPTURED_SCHEMA}'
       LOOP
         -- the shape first: the ALTER below fires the column-change trigger, which must find it unchanged
         INSERT INTO ${SHAPE_TABLE} VALUES (obj.objid, ${shapeOf('obj.objid')})
           ON CONFLICT (relid) DO UPDATE SET shape = EXCLUDED.shape;
         EXECUTE format('ALTER TABLE %s REPLICA IDENTITY FULL', obj.object_identity);
       END LOOP;
     END $$ SECURITY DEFINER SET search_path = pg_catalog`,
    `DROP EVENT TRIGGER IF EXISTS mdp_replica_identity_full`,
    `CREATE EVENT TRIGGER mdp_replica_identity_full ON ddl_command_end
       WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO')
       EXECUTE FUNCTION ${CDC_SCHEMA}.replica_identity_full()`,
    // Runs in the ALTER's own transaction: the signal commits with the DDL, and
    // Debezium re-reads the table (new shape) in chunks, ordered after every
    // change streamed before it. Other ALTERs (keys, identity, owner) change no
    // column and send nothing.
    `CREATE OR REPLACE FUNCTION ${CDC_SCHEMA}.resnapshot_on_column_change() RETURNS event_trigger
     LANGUAGE plpgsql AS $$
     DECLARE rel oid; now_shape text; old_shape text;
     BEGIN
       FOR rel IN SELECT DISTINCT c.objid FROM pg_event_trigger_ddl_commands() c
                    JOIN pg_class r ON r.oid = c.objid
                  WHERE c.classid = 'pg_class'::regclass AND c.schema_name = '${CAPTURED_SCHEMA}'
                    AND r.relkind IN ('r', 'p')
       LOOP
         now_shape := ${shapeOf('rel')};
         SELECT shape INTO old_shape FROM ${SHAPE_TABLE} WHERE relid = rel;
         IF old_shape IS DISTINCT FROM now_shape THEN
           INSERT INTO ${SHAPE_TABLE} VALUES (rel, now_shape)
             ON CONFLICT (relid) DO UPDATE SET shape = EXCLUDED.shape;
           INSERT INTO ${SIGNAL_TABLE} VALUES (gen_random_uuid()::text, 'execute-snapshot',
             json_build_object('data-collections', json_build_array(
               format('%s.%s', '${CAPTURED_SCHEMA}', (SELECT relname FROM pg_class WHERE oid = rel))),
               'type', 'incremental')::text);
         END IF;
       END LOOP;
     END $$ SECURITY DEFINER SET search_path = pg_catalog`,
    `DROP EVENT TRIGGER IF EXISTS mdp_resnapshot_on_column_change`,
    `CREATE EVENT TRIGGER mdp_resnapshot_on_column_change ON ddl_command_end
       WHEN TAG IN ('ALTER TABLE')
       EXECUTE FUNCTION ${CDC_SCHEMA}.resnapshot_on_column_change()`,
    // Tables that predate the trigger: their shape now, so only a later change signals (and
    // not the REPLICA IDENTITY change below).
    `INSERT INTO ${SHAPE_TABLE}
       SELECT c.oid, ${shapeOf('c.oid')} FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = '${CAPTURED_SCHEMA}' AND c.relkind IN ('r', 'p')
     ON CONFLICT (relid) DO NOTHING`,
    `DO $$ DECLARE t regclass;
     BEGIN
       FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = '${CAPTURED_SCHEMA}' AND c.relkind IN ('r', 'p') AND c.relreplident <> 'f'
       LOOP
         EXECUTE format('ALTER TABLE %s REPLICA IDENTITY FULL', t);
       END LOOP;
     END $$`,
  ];
}

/** Runs {@link adminSql} in one transaction: all of it or nothing. Needs a superuser (publication on a schema, event trigger). */
export async function applyAdminSql(client: ClientBase, options: AdminSqlOptions): Promise<void> {
  const { rows } = await client.query<{ rolsuper: boolean; user: string; debezium: boolean }>(
    'SELECT rolsuper, current_user AS user, EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS debezium FROM pg_roles WHERE rolname = current_user',
    [options.debeziumUser],
  );
  if (!rows[0]?.rolsuper) {
    throw new CdcSetupError(
      `${rows[0]?.user ?? 'this role'} is not a superuser; a publication FOR TABLES IN SCHEMA and an event trigger need one (set PG_SUPERUSER / PG_SUPERUSER_HOST)`,
    );
  }
  if (!rows[0].debezium) {
    throw new CdcSetupError(
      `role ${options.debeziumUser} does not exist: infra/postgres/init.sql creates it when PostgreSQL starts (pnpm stack:up postgres)`,
    );
  }
  const quote = {
    ident: (s: string) => client.escapeIdentifier(s),
    literal: (s: string) => client.escapeLiteral(s),
  };
  await client.query('BEGIN');
  try {
    for (const statement of adminSql(options, quote)) await client.query(statement);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const pgErr = err as { code?: string; message?: string };
    throw new CdcSetupError(`${pgErr.message ?? String(err)} (SQLSTATE ${pgErr.code ?? '?'})`, {
      cause: err,
      retriable: pgErr.code === '40001' || pgErr.code === '40P01',
    });
  }
}
