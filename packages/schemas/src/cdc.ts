/** Debezium change-event envelope, as the consumers decode it. */

/** Debezium `op`: c = create, u = update, d = delete, r = read (snapshot), t = truncate. */
export type DebeziumOp = 'c' | 'u' | 'd' | 'r' | 't';

export type Row = Record<string, unknown>;

/**
 * Debezium's `unavailable.value.placeholder` (pinned in infra/connect/mdp-postgres.json): an
 * unchanged TOASTed value of a table whose replica identity is not FULL. Not a value: the
 * column keeps the one it had. Text columns carry it as this string, bytea as its bytes.
 */
export const UNAVAILABLE_VALUE = '__debezium_unavailable_value';

export interface DebeziumSource {
  connector: string;
  db: string;
  schema: string;
  table: string;
  /** Commit LSN of the change's transaction, as a bigint (exceeds 2^53). */
  lsn: bigint | null;
  txId: bigint | null;
  /** Commit time in ms since epoch. */
  ts_ms: bigint;
  snapshot?: string | null;
}

export interface DebeziumEnvelope {
  before: Row | null;
  after: Row | null;
  op: DebeziumOp;
  source: DebeziumSource;
  ts_ms: bigint | null;
}

/** One decoded record of a CDC topic, with where it came from. */
export interface ChangeRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Row | null;
  /** null for a tombstone (the record after a delete). */
  value: DebeziumEnvelope | null;
}
