/**
 * Decodes Confluent-framed Avro Debezium records (magic 0, 4-byte schema id, Avro body).
 * A record that cannot be decoded is returned as a {@link DecodeError} value, never thrown;
 * only an unreachable registry (an infrastructure failure) throws.
 */
import type { DebeziumOp, Row } from '@mdp/schemas';
import { DecodeError, RegistryError, type DecodeErrorCode } from '../errors.js';
import { normalizeValue } from './debezium-types.js';

/** What a decoder needs from the registry: the writer type for a schema id (contentId with Apicurio). */
export interface SchemaSource {
  getSchema(id: number): Promise<{ fromBuffer?: unknown } & object>;
}

/** An avsc type as far as the decoder uses it. */
interface AvroReader {
  decode(buf: Buffer, pos?: number): { value: unknown; offset: number };
}

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp?: string;
}

/** A decoded change, as `pnpm consume` prints it (BigInts are turned into strings only when printed). */
export interface Change {
  topic: string;
  partition: number;
  offset: string;
  /** Debezium op, or 'tombstone' for the null-valued record that follows a delete. */
  op: DebeziumOp | 'tombstone';
  key: Row | null;
  before: Row | null;
  after: Row | null;
  /** source.lsn: commit LSN of the change's transaction (null for a tombstone). */
  lsn: bigint | null;
  txId: bigint | null;
  /** source.ts_ms as ISO-8601 UTC (commit time), null for a tombstone. */
  commitTime: string | null;
  /** Order within the transaction (Debezium's `source.sequence` last LSN), when present. */
  sequence?: string | null;
  /** source.snapshot: 'false' for a streamed change; 'incremental', or where the row sits in a blocking snapshot ('first', 'true', 'last', …). */
  snapshot?: string | null;
}

export type Decoded =
  { ok: true; change: Change } | { ok: false; error: DecodeError; record: RawRecord };

export interface Decoder {
  decode(record: RawRecord): Promise<Decoded>;
  /** Decodes one framed buffer into its Avro value. */
  decodeFramed(
    buf: Buffer,
    where: DecodeError['where'],
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: DecodeError }>;
}

const OPS = new Set(['c', 'u', 'd', 'r', 't']);

export function createDecoder(registry: SchemaSource): Decoder {
  const readers = new Map<number, Promise<AvroReader | 'DECODE_UNKNOWN_SCHEMA'>>();
  // The readers already served: a record whose schemas are all here decodes without
  // awaiting anything (one promise per record instead of one per await).
  const loaded = new Map<number, AvroReader>();

  async function reader(id: number): Promise<AvroReader | 'DECODE_UNKNOWN_SCHEMA'> {
    let found = readers.get(id);
    if (!found) {
      found = registry.getSchema(id).then(
        (type) => type as unknown as AvroReader,
        (err: unknown) => {
          readers.delete(id);
          if (isNotFound(err)) return 'DECODE_UNKNOWN_SCHEMA' as const;
          throw new RegistryError(
            `schema registry failed to serve schema id ${id}: ${String(err)}`,
            err,
          );
        },
      );
      readers.set(id, found);
    }
    const result = await found;
    if (result === 'DECODE_UNKNOWN_SCHEMA') {
      readers.delete(id); // a schema registered later may still appear
      return result;
    }
    loaded.set(id, result);
    return result;
  }

  /** The schema id of a Confluent-framed `buf` whose reader is not loaded yet, else undefined. */
  function unloadedId(buf: Buffer | null): number | undefined {
    if (buf === null || buf.length < 5 || buf[0] !== 0) return undefined;
    const id = buf.readInt32BE(1);
    return loaded.has(id) ? undefined : id;
  }

  /** Loads the readers `bufs` need (a header that is not Confluent framing is judged later). */
  async function load(...bufs: (Buffer | null)[]): Promise<void> {
    for (const buf of bufs) {
      const id = unloadedId(buf);
      if (id !== undefined) await reader(id);
    }
  }

  async function decodeFramed(buf: Buffer, where: DecodeError['where']) {
    await load(buf);
    return decodeLoaded(buf, where);
  }

  /** Decodes `buf` with an already loaded reader: an id not loaded is not in the registry. */
  function decodeLoaded(buf: Buffer, where: DecodeError['where']) {
    const fail = (code: DecodeErrorCode, message: string, cause?: unknown) =>
      ({ ok: false, error: new DecodeError(code, message, where, cause) }) as const;
    if (buf.length < 5)
      return fail(
        'DECODE_TRUNCATED',
        `${buf.length} bytes, shorter than the 5-byte Confluent header`,
      );
    if (buf[0] !== 0)
      return fail(
        'DECODE_BAD_MAGIC',
        `magic byte is ${buf[0]}, expected 0 (not Confluent-framed Avro)`,
      );
    const id = buf.readInt32BE(1);
    const type = loaded.get(id);
    if (type === undefined)
      return fail('DECODE_UNKNOWN_SCHEMA', `schema id ${id} is not in the registry`);
    let result: { value: unknown; offset: number };
    try {
      result = type.decode(buf, 5);
    } catch (err) {
      return fail(
        'DECODE_AVRO',
        `Avro body does not match schema ${id}: ${(err as Error).message}`,
        err,
      );
    }
    if (result.offset < 0)
      return fail('DECODE_TRUNCATED', `Avro body is truncated for schema ${id}`);
    if (result.offset !== buf.length)
      return fail(
        'DECODE_AVRO',
        `${buf.length - result.offset} trailing bytes after the schema ${id} body`,
      );
    return { ok: true, value: result.value } as const;
  }

  async function decode(record: RawRecord): Promise<Decoded> {
    if (unloadedId(record.key) !== undefined || unloadedId(record.value) !== undefined)
      await load(record.key, record.value);
    return decodeRecord(record);
  }

  function decodeRecord(record: RawRecord): Decoded {
    const where = { topic: record.topic, partition: record.partition, offset: record.offset };
    let key: Row | null = null;
    if (record.key !== null && record.key.length > 0) {
      const k = decodeLoaded(record.key, { ...where, part: 'key' });
      if (!k.ok) return { ok: false, error: k.error, record };
      key = normalizeRow(k.value);
    }
    const base = { ...where, key };
    if (record.value === null || record.value.length === 0) {
      return {
        ok: true,
        change: {
          ...base,
          op: 'tombstone',
          before: null,
          after: null,
          lsn: null,
          txId: null,
          commitTime: null,
        },
      };
    }
    const v = decodeLoaded(record.value, { ...where, part: 'value' });
    if (!v.ok) return { ok: false, error: v.error, record };
    const envelope = v.value as Record<string, unknown>;
    const source = envelope.source as Record<string, unknown> | undefined;
    if (typeof envelope.op !== 'string' || !OPS.has(envelope.op) || !source) {
      return {
        ok: false,
        error: new DecodeError(
          'DECODE_NOT_DEBEZIUM',
          'value is not a Debezium envelope (no op/source)',
          { ...where, part: 'value' },
        ),
        record,
      };
    }
    const tsMs = source.ts_ms as bigint | number | undefined;
    return {
      ok: true,
      change: {
        ...base,
        op: envelope.op as DebeziumOp,
        before: normalizeRow(envelope.before),
        after: normalizeRow(envelope.after),
        lsn: (source.lsn as bigint | null | undefined) ?? null,
        txId: (source.txId as bigint | null | undefined) ?? null,
        commitTime: tsMs === undefined ? null : new Date(Number(tsMs)).toISOString(),
        sequence: (source.sequence as string | null | undefined) ?? null,
        snapshot: (source.snapshot as string | null | undefined) ?? null,
      },
    };
  }

  return { decode, decodeFramed };
}

function normalizeRow(value: unknown): Row | null {
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const row: Row = {};
  for (const [name, field] of Object.entries(value as Row)) row[name] = normalizeValue(field);
  return row;
}

function isNotFound(err: unknown): boolean {
  return (err as { status?: number } | null)?.status === 404;
}

/** JSON.stringify replacer: BigInt → string, Buffer → base64. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
