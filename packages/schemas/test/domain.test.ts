import { describe, expect, it } from 'vitest';
import {
  ORDER_STATUSES,
  canTransition,
  parseStackEnv,
  readPostgresEnv,
  readPostgresReaderEnv,
  readPostgresWriterEnv,
  readS3ReaderEnv,
  tableOfTopic,
  topicFor,
} from '../src/index.js';

describe('order status transitions', () => {
  it('only move forward', () => {
    const rank = (s: string) => ORDER_STATUSES.indexOf(s as never);
    for (const from of ORDER_STATUSES)
      for (const to of ORDER_STATUSES)
        if (canTransition(from, to) && to !== 'cancelled')
          expect(rank(to)).toBeGreaterThan(rank(from));
  });
  it('never ship a cancelled order', () => {
    expect(canTransition('cancelled', 'shipped')).toBe(false);
    expect(canTransition('shipped', 'cancelled')).toBe(false);
  });
});

describe('topic names', () => {
  it('round-trip', () => {
    expect(topicFor('orders', 'mdp')).toBe('mdp.public.orders');
    expect(tableOfTopic('mdp.public.orders')).toEqual({
      prefix: 'mdp',
      schema: 'public',
      table: 'orders',
    });
    expect(tableOfTopic('__consumer_offsets')).toBeUndefined();
  });
});

describe('pnpm stack:env output', () => {
  it('reads export lines, quoted or not, and ignores the rest', () => {
    expect(parseStackEnv("export PGHOST=127.0.0.1\nexport PGPASSWORD='it'\\''s'\nnoise")).toEqual({
      PGHOST: '127.0.0.1',
      PGPASSWORD: "it's",
    });
  });
  it('reads a PostgreSQL client from PG*, naming every name missing and a port that is not one', () => {
    expect(
      readPostgresEnv({
        PGHOST: 'h',
        PGPORT: '5433',
        PGDATABASE: 'd',
        PGUSER: 'u',
        PGPASSWORD: 'p',
      }),
    ).toEqual({
      settings: { host: 'h', port: 5433, database: 'd', user: 'u', password: 'p' },
      problems: [],
    });
    expect(readPostgresEnv({ PGHOST: 'h', PGPORT: '54x', PGDATABASE: 'd' }).problems).toEqual([
      'PGUSER is not set',
      'PGPORT="54x" is not a port',
    ]);
  });
  it("reads a checker's PostgreSQL client: the stack's read-only role when both its names are set", () => {
    const env = { PGHOST: 'h', PGPORT: '5433', PGDATABASE: 'd', PGUSER: 'admin', PGPASSWORD: 'a' };
    expect(readPostgresReaderEnv(env).settings).toMatchObject({ user: 'admin', password: 'a' });
    expect(
      readPostgresReaderEnv({ ...env, PG_READER_USER: 'mdp_reader', PG_READER_PASSWORD: 'r' })
        .settings,
    ).toMatchObject({ user: 'mdp_reader', password: 'r', host: 'h', port: 5433 });
    expect(readPostgresReaderEnv({ ...env, PG_READER_USER: 'mdp_reader' }).settings).toMatchObject({
      user: 'admin',
    });
  });
  it("reads the loader's and the simulator's PostgreSQL client: the stack's writers' role when both its names are set", () => {
    const env = { PGHOST: 'h', PGPORT: '5433', PGDATABASE: 'd', PGUSER: 'admin', PGPASSWORD: 'a' };
    expect(readPostgresWriterEnv(env).settings).toMatchObject({ user: 'admin', password: 'a' });
    expect(
      readPostgresWriterEnv({ ...env, PG_WRITER_USER: 'mdp_writer', PG_WRITER_PASSWORD: 'w' })
        .settings,
    ).toMatchObject({ user: 'mdp_writer', password: 'w', host: 'h', port: 5433 });
    expect(readPostgresWriterEnv({ ...env, PG_WRITER_PASSWORD: 'w' }).settings).toMatchObject({
      user: 'admin',
    });
  });
  it("reads a lake reader's S3 settings: the read-only key when the stack has one, every problem at once", () => {
    const env = {
      S3_ENDPOINT: 'http://127.0.0.1:19000',
      S3_BUCKET: 'lakehouse',
      S3_ACCESS_KEY: 'writer',
      S3_SECRET_KEY: 'writer-secret',
    };
    expect(readS3ReaderEnv(env)).toEqual({
      settings: {
        endpoint: 'http://127.0.0.1:19000',
        bucket: 'lakehouse',
        accessKey: 'writer',
        secretKey: 'writer-secret',
      },
      problems: [],
    });
    expect(
      readS3ReaderEnv({ ...env, S3_READER_ACCESS_KEY: 'reader', S3_READER_SECRET_KEY: 'r' })
        .settings,
    ).toMatchObject({ accessKey: 'reader', secretKey: 'r' });
    expect(readS3ReaderEnv({ S3_ENDPOINT: 'minio:9000', S3_BUCKET: 'b' }).problems).toEqual([
      'S3_ACCESS_KEY is not set',
      'S3_SECRET_KEY is not set',
      'S3_ENDPOINT="minio:9000" is not an http(s) URL',
    ]);
  });
});
