/**
 * The simulator's SQL: its own schema (meta, event log) and the routines it
 * installs there for the domain's tables, so that applying events costs one
 * round trip per batch:
 *
 * - `<sim>.apply_event(seq, at, event, writes)` writes the event's rows (see
 *   fold.ts: inserts, updates of the changed columns, deletes) and inserts its
 *   log row. An update or a delete finds its row by key and only if the
 *   columns it expects still hold the state's values (compared as the
 *   columns' types); else it raises SQLSTATE MDP01, so PostgreSQL refuses an
 *   event on rows changed behind the simulator's back.
 * - `CALL <sim>.apply_events(batch)` applies a JSON array of events in order
 *   and COMMITs after each one: one transaction per event, with its log row.
 *   An error rolls back the failing event and stops the batch; the events
 *   before it stay committed, the ones after it are never tried.
 *
 * The statements are static per table, so PL/pgSQL plans them once per
 * connection and an event costs no parse or plan.
 */
import type { TableSpec } from './domain.js';
import type { GeneratedEvent } from './generator.js';

/** SQLSTATE raised by `<sim>.check` when an event's precondition fails in the database. */
export const CHECK_SQLSTATE = 'MDP01';

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Idempotent DDL of the simulator's own schema (never part of the publication). */
export function setupSql(schema: string, simSchema: string, tables: readonly TableSpec[]): string {
  const sim = ident(simSchema);
  return `
    CREATE SCHEMA IF NOT EXISTS ${sim};
    CREATE TABLE IF NOT EXISTS ${sim}.meta (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      seed bigint NOT NULL,
      source_schema text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- the business tables' OIDs when the snapshot was taken: a reload (sim:load
    -- --replace) creates new tables, and the next run starts a new simulation
    ALTER TABLE ${sim}.meta ADD COLUMN IF NOT EXISTS table_oids jsonb;
    -- the domain the log belongs to (a log from before domains has none: retail)
    ALTER TABLE ${sim}.meta ADD COLUMN IF NOT EXISTS domain text;
    CREATE TABLE IF NOT EXISTS ${sim}.event_log (
      seq bigint PRIMARY KEY CHECK (seq > 0),
      type text NOT NULL,
      payload jsonb NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE OR REPLACE FUNCTION ${sim}.check(ok boolean, what text) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF ok IS NOT TRUE THEN RAISE EXCEPTION '%', what USING ERRCODE = '${CHECK_SQLSTATE}'; END IF;
      END $fn$;
    DROP FUNCTION IF EXISTS ${sim}.apply_event(bigint, timestamptz, jsonb);
    ${applyEventSql(schema, simSchema, tables)}
    CREATE OR REPLACE PROCEDURE ${sim}.apply_events(batch jsonb)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        item jsonb;
      BEGIN
        FOR i IN 0 .. jsonb_array_length(batch) - 1 LOOP
          item := batch -> i;
          PERFORM ${sim}.apply_event((item ->> 'seq')::bigint, (item ->> 'at')::timestamptz,
            item -> 'event', item -> 'writes');
          COMMIT;
        END LOOP;
      END $fn$;`;
}

/** `<sim>.apply_event`: one event's row writes on the tables of `schema`, plus its log row. */
function applyEventSql(schema: string, simSchema: string, tables: readonly TableSpec[]): string {
  const sim = ident(simSchema);
  const cases = tables.map((spec, i) => {
    const t = `${ident(schema)}.${ident(spec.name)}`;
    const list = spec.columns.map(ident).join(', ');
    // e<i>: the expected values, typed as the table's columns (the key among them).
    const expected = `e${i}`;
    const matches = spec.columns
      .filter((c) => c !== spec.key)
      .map(
        (c) =>
          `(NOT w -> 'expect' ? ${literal(c)} OR x.${ident(c)} IS NOT DISTINCT FROM ${expected}.${ident(c)})`,
      );
    const found = [`x.${ident(spec.key)} = ${expected}.${ident(spec.key)}`, ...matches].join(
      '\n                AND ',
    );
    const refused = `format('%s %s of %s: the row is missing or not as the simulator left it (expected %s)',
                ${literal(spec.name)}, w ->> 'op', w -> 'key', w -> 'expect')`;
    return {
      declare: `${expected} ${t}%ROWTYPE;`,
      when: `
          WHEN ${literal(spec.name)} THEN
            IF w ->> 'op' = 'insert' THEN
              INSERT INTO ${t} (${list}) SELECT ${list} FROM jsonb_populate_record(NULL::${t}, w -> 'row');
              CONTINUE;
            END IF;
            ${expected} := jsonb_populate_record(NULL::${t}, (w -> 'expect') || (w -> 'key'));
            IF w ->> 'op' = 'update' THEN
              UPDATE ${t} AS x SET (${list}) = (SELECT ${list} FROM jsonb_populate_record(x, w -> 'set'))
                WHERE ${found};
            ELSE
              DELETE FROM ${t} AS x
                WHERE ${found};
            END IF;
            PERFORM ${sim}.check(FOUND, ${refused});`,
    };
  });
  return `
    CREATE OR REPLACE FUNCTION ${sim}.apply_event(event_seq bigint, event_at timestamptz, ev jsonb, writes jsonb)
      RETURNS void LANGUAGE plpgsql AS $fn$
      DECLARE
        w jsonb;
        ${cases.map((c) => c.declare).join('\n        ')}
      BEGIN
        FOR i IN 0 .. jsonb_array_length(writes) - 1 LOOP
          w := writes -> i;
          CASE w ->> 'table'${cases.map((c) => c.when).join('')}
          END CASE;
        END LOOP;
        INSERT INTO ${sim}.event_log (seq, type, payload, at) VALUES (event_seq, ev ->> 'type', ev, event_at);
      END $fn$;`;
}

/** The argument of `CALL <sim>.apply_events($1)`: the events as one JSON array. */
export function batchJson(events: readonly GeneratedEvent[]): string {
  return JSON.stringify(events.map(({ seq, at, event, writes }) => ({ seq, at, event, writes })));
}
