import type pg from 'pg';

/** PostgreSQL's side of the flow: the captured tables, their rows, and the WAL. */
export interface PostgresProbe {
  /** pg_current_wal_lsn(), e.g. `0/3A2F1C8`. */
  readonly walLsn: string;
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  /** The connector's logical replication slot; undefined when there is none. */
  readonly slot?: SlotProbe;
}

interface SlotProbe {
  readonly name: string;
  readonly active: boolean;
  /** WAL kept for the slot (current position − restart_lsn). */
  readonly retainedBytes: number;
  /** WAL the consumer has not confirmed (current position − confirmed_flush_lsn). */
  readonly flushLagBytes: number;
}

export interface CaptureNames {
  readonly schema: string;
  /** The connector's publication and slot; undefined when Connect could not say. */
  readonly publication?: string;
  readonly slot?: string;
}

/**
 * Reads the captured tables (those of the connector's publication in `schema`, or
 * every table of a publication there when the connector's names are unknown),
 * their exact row counts, and the connector's slot (or the only logical slot).
 */
export async function probePostgres(pool: pg.Pool, names: CaptureNames): Promise<PostgresProbe> {
  const published = await pool.query<{ table: string }>(
    `SELECT DISTINCT tablename AS table FROM pg_publication_tables
      WHERE schemaname = $1 AND ($2::text IS NULL OR pubname = $2) ORDER BY 1`,
    [names.schema, names.publication ?? null],
  );
  const tables = [];
  for (const { table } of published.rows) {
    const counted = await pool.query<{ rows: number }>(
      `SELECT count(*)::float8 AS rows FROM ${quoteIdent(names.schema)}.${quoteIdent(table)}`,
    );
    tables.push({ table, rows: counted.rows[0]!.rows });
  }
  const wal = await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const slots = await pool.query<{
    name: string;
    active: boolean;
    retained: number | null;
    flush_lag: number | null;
  }>(
    `SELECT slot_name AS name, active,
            pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained,
            pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::float8 AS flush_lag
       FROM pg_replication_slots
      WHERE slot_type = 'logical' AND ($1::text IS NULL OR slot_name = $1)`,
    [names.slot ?? null],
  );
  const slot = slots.rows.length === 1 ? slots.rows[0]! : undefined;
  return {
    walLsn: wal.rows[0]!.lsn,
    tables,
    ...(slot && {
      slot: {
        name: slot.name,
        active: slot.active,
        retainedBytes: slot.retained ?? 0,
        flushLagBytes: slot.flush_lag ?? 0,
      },
    }),
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
