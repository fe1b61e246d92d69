import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoadError } from '../../src/load/errors.js';
import { createLoader, listCsvFiles } from '../../src/load/loader.js';
import type { LoadOptions } from '../../src/load/loader.js';
import { generateDataset } from '../../src/generate/write.js';
import {
  CUSTOMERS,
  ORDERS,
  PRODUCTS,
  connect,
  csvDir,
  freshSchemaName,
  removeDir,
  tablesIn,
} from '../load-fixture.js';

const DATA_DIR = fileURLToPath(new URL('../../../../data/', import.meta.url));
const MESSY_DIR = fileURLToPath(new URL('../fixtures/messy/', import.meta.url));

let client: pg.Client;
let schema: string;
const dirs: string[] = [];

beforeAll(async () => {
  client = await connect();
});
afterAll(async () => {
  await client.end();
});
afterEach(async () => {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  for (const dir of dirs.splice(0)) await removeDir(dir);
});

async function load(dir: string, options: Partial<LoadOptions> = {}) {
  schema = freshSchemaName();
  return createLoader({ client }).load({ files: await listCsvFiles(dir), schema, ...options });
}

async function dirWith(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await csvDir(files);
  dirs.push(dir);
  return dir;
}

/** Loads `files`, expects a LoadError with `code`, and checks that no table was left behind. */
async function expectLoadError(
  files: Record<string, string | Buffer>,
  code: string,
  options: Partial<LoadOptions> = {},
) {
  const dir = await dirWith(files);
  const error = await load(dir, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(LoadError);
  expect((error as LoadError).code).toBe(code);
  expect(await tablesIn(client, schema)).toEqual([]);
  return error as LoadError;
}

describe('loading the shipped data', () => {
  it('creates typed tables with keys, references and REPLICA IDENTITY FULL', async () => {
    const reports = await load(DATA_DIR);
    expect(reports.map((r) => [r.table, r.rows])).toEqual([
      ['customers', 1000],
      ['products', 200],
      ['orders', 2000],
    ]);
    const orders = reports.find((r) => r.table === 'orders')!;
    expect(orders.primaryKey).toBe('id');
    expect(orders.foreignKeys).toEqual([
      { column: 'customer_id', references: 'customers.id' },
      { column: 'product_id', references: 'products.id' },
    ]);
    const columns = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, format_type(atttypid, atttypmod) AS data_type, is_nullable
         FROM information_schema.columns c
         JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
        WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const typeOf = (table: string, column: string) =>
      columns.rows.find((r) => r.table_name === table && r.column_name === column);
    expect(typeOf('customers', 'id')).toMatchObject({ data_type: 'integer', is_nullable: 'NO' });
    expect(typeOf('customers', 'phone')).toMatchObject({ data_type: 'text', is_nullable: 'YES' });
    expect(typeOf('customers', 'created_at')?.data_type).toBe('timestamp with time zone');
    expect(typeOf('products', 'unit_price')?.data_type).toMatch(/^numeric\(\d+,2\)$/);
    expect(typeOf('products', 'active')?.data_type).toBe('boolean');
    expect(typeOf('orders', 'customer_id')?.data_type).toBe('integer');
    const identity = await client.query<{ relname: string; relreplident: string }>(
      `SELECT relname, relreplident FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r'`,
      [schema],
    );
    expect(identity.rows.every((r) => r.relreplident === 'f')).toBe(true);
    // A quoted street with a comma and a newline, and an empty phone, arrive exactly.
    const multiLine = await client.query(
      `SELECT count(*)::int AS n FROM ${schema}.customers WHERE street LIKE E'%\\n%'`,
    );
    expect((multiLine.rows[0] as { n: number }).n).toBeGreaterThan(0);
    const nulls = await client.query(
      `SELECT count(*)::int AS n FROM ${schema}.customers WHERE phone IS NULL`,
    );
    expect((nulls.rows[0] as { n: number }).n).toBeGreaterThan(0);
  });

  it('keeps values exact: decimals, offsets, quotes and non-ASCII text', async () => {
    await load(DATA_DIR);
    // The expected values are the CSV's own (data/ is generated: no value is hard-coded).
    const csv = async (file: string) =>
      parse<Record<string, string>>(await readFile(join(DATA_DIR, file), 'utf8'), {
        columns: true,
      });
    const order = (await csv('orders.csv'))[0]!;
    const row = await client.query<{ unit_price: string; placed: string }>(
      `SELECT unit_price::text, to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS placed
         FROM ${schema}.orders WHERE id = $1`,
      [order.id],
    );
    expect(order.placed_at).toMatch(/[+-]\d{2}:\d{2}$/);
    expect(row.rows[0]).toEqual({
      unit_price: order.unit_price,
      placed: new Date(order.placed_at!).toISOString().slice(0, -1),
    });
    const quoted = (await csv('products.csv')).find((p) => p.name!.includes('"'))!;
    const name = await client.query(`SELECT name FROM ${schema}.products WHERE id = $1`, [
      quoted.id,
    ]);
    expect(name.rows[0]).toEqual({ name: quoted.name });
    // eslint-disable-next-line no-control-regex
    const nonAscii = (await csv('customers.csv')).find((c) => /[^\x00-\x7f]/.test(c.full_name!))!;
    const person = await client.query(`SELECT full_name FROM ${schema}.customers WHERE id = $1`, [
      nonAscii.id,
    ]);
    expect(person.rows[0]).toEqual({ full_name: nonAscii.full_name });
  });
});

describe('general CSVs', () => {
  it('tolerates a BOM, CRLF and odd headers; infers keys and references by name', async () => {
    const reports = await load(MESSY_DIR);
    expect(reports.map((r) => r.table)).toEqual(['vip_customers', 'vip_orders']);
    const [customers, orders] = reports;
    expect(customers!.columns).toEqual([
      { name: 'customer_id', type: 'integer', nullable: false },
      { name: 'full_name', type: 'text', nullable: false },
      { name: 'signed_up', type: 'date', nullable: false },
      { name: 'is_vip', type: 'boolean', nullable: false },
      { name: 'balance', type: 'numeric(6,2)', nullable: false },
      { name: 'notes', type: 'text', nullable: true },
    ]);
    expect(customers!.primaryKey).toBe('customer_id');
    expect(orders!.primaryKey).toBe('order_id');
    expect(orders!.foreignKeys).toEqual([
      { column: 'vip_customer_id', references: 'vip_customers.customer_id' },
    ]);
    expect(orders!.columns.map((c) => c.type)).toEqual([
      'integer',
      'integer',
      'timestamp with time zone',
      'uuid',
    ]);
    const rows = await client.query(
      `SELECT customer_id, full_name, is_vip, balance::text, notes FROM ${schema}.vip_customers ORDER BY 1`,
    );
    expect(rows.rows).toEqual([
      {
        customer_id: 1,
        full_name: 'Zoë Müller',
        is_vip: true,
        balance: '12.50',
        notes: 'likes "quotes", commas',
      },
      { customer_id: 2, full_name: 'José', is_vip: false, balance: '-0.75', notes: null },
      {
        customer_id: 3,
        full_name: '山田 太郎',
        is_vip: true,
        balance: '1000.00',
        notes: 'two\r\nlines',
      },
    ]);
  });

  it('a key-like column is a hint: a repeated or empty id is loaded, said why, and keyed otherwise', async () => {
    const reports = await load(
      await dirWith({
        'customers.csv': CUSTOMERS,
        // Valid files whose id is not a key: repeated (the next unique column keys it) and
        // empty (no unique column left: a generated row_id, numbered in file order).
        'products.csv': 'id,sku\n1,A\n2,B\n1,C\n',
        'orders.csv': 'id,customer_id,quantity\n1,1,2\n,1,2\n3,2,2\n',
      }),
    );
    const byTable = new Map(reports.map((r) => [r.table, r]));
    expect(byTable.get('products')).toMatchObject({
      primaryKey: 'sku',
      generatedKey: undefined,
      rejectedKeys: [{ column: 'id', reason: 'value "1" repeats at products.csv:4:1' }],
    });
    expect(byTable.get('orders')).toMatchObject({
      primaryKey: 'row_id',
      generatedKey: 'row_id',
      rejectedKeys: [{ column: 'id', reason: 'empty at orders.csv:3:1' }],
      foreignKeys: [{ column: 'customer_id', references: 'customers.id' }],
    });
    const orders = await client.query(
      `SELECT row_id::int, id, customer_id FROM ${schema}.orders ORDER BY row_id`,
    );
    expect(orders.rows).toEqual([
      { row_id: 1, id: 1, customer_id: 1 },
      { row_id: 2, id: null, customer_id: 1 },
      { row_id: 3, id: 3, customer_id: 2 },
    ]);
    const keys = await client.query<{ table: string; key: string }>(
      `SELECT c.relname AS table, a.attname AS key FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
        WHERE i.indisprimary AND c.relnamespace = $1::regnamespace ORDER BY 1`,
      [schema],
    );
    expect(keys.rows).toEqual([
      { table: 'customers', key: 'id' },
      { table: 'orders', key: 'row_id' },
      { table: 'products', key: 'sku' },
    ]);
    // New rows get the next number.
    await client.query(`INSERT INTO ${schema}.orders (customer_id, quantity) VALUES (1, 9)`);
    const next = await client.query(`SELECT max(row_id)::int AS n FROM ${schema}.orders`);
    expect(next.rows[0]).toEqual({ n: 4 });
  });

  it('a file with no unique column gets a generated key; a column named row_id is kept', async () => {
    const [report] = await load(
      await dirWith({ 'readings.csv': 'row_id,sensor,value\n1,a,5\n1,a,5\n2,b,7\n' }),
    );
    expect(report).toMatchObject({ primaryKey: 'row_id_2', generatedKey: 'row_id_2' });
    expect(report!.columns.map((c) => c.name)).toEqual(['row_id_2', 'row_id', 'sensor', 'value']);
    const rows = await client.query(`SELECT count(*)::int AS n FROM ${schema}.readings`);
    expect(rows.rows[0]).toEqual({ n: 3 });
  });

  it('past the memory budget for key values, PostgreSQL decides which column is the key', async () => {
    // With no budget the scan proves nothing: "id" (repeated only on the last line) and
    // "code" (unique) stay candidates, and PostgreSQL's unique index tells them apart.
    const rows = Array.from({ length: 500 }, (_, i) => `${i + 1},c${i + 1}`);
    rows.push('7,c-last');
    // Nothing unique at all in pairs.csv: loaded again with a generated key, every row once.
    const dir = await dirWith({
      'things.csv': `id,code\n${rows.join('\n')}\n`,
      'pairs.csv': 'a,b\n1,1\n2,2\n1,1\n',
    });
    const plans = await createLoader({ client }).plan({
      files: await listCsvFiles(dir),
      uniquenessBudgetBytes: 0,
    });
    expect(plans.map((p) => [p.table, p.keyCandidates])).toEqual([
      ['pairs', ['a', 'b']],
      ['things', ['id', 'code']],
    ]);
    const [pairs, things] = await load(dir, { uniquenessBudgetBytes: 0 });
    expect(things).toMatchObject({
      primaryKey: 'code',
      rejectedKeys: [{ column: 'id', reason: 'value "7" repeats at things.csv:8, things.csv:502' }],
    });
    expect(pairs).toMatchObject({ primaryKey: 'row_id', generatedKey: 'row_id' });
    const count = await client.query(`SELECT count(*)::int AS n FROM ${schema}.pairs`);
    expect(count.rows[0]).toEqual({ n: 3 });
  });

  it('a one-column file keeps its empty values as rows (NULL), blank lines before the header aside', async () => {
    const [report] = await load(
      await dirWith({ 'notes.csv': '\n\nnote\nfirst\n\n""\r\nlast\n\n' }),
    );
    expect(report).toMatchObject({ rows: 5, copyPath: 'parsed' });
    const rows = await client.query(`SELECT row_id::int, note FROM ${schema}.notes ORDER BY 1`);
    expect(rows.rows).toEqual([
      { row_id: 1, note: 'first' },
      { row_id: 2, note: null },
      { row_id: 3, note: null },
      { row_id: 4, note: 'last' },
      { row_id: 5, note: null },
    ]);
  });

  it('gives the same tables whether COPY gets raw bytes or re-encoded rows', async () => {
    const dump = async (table: string) =>
      (
        await client.query<{ row: string }>(
          `SELECT to_jsonb(t)::text AS row FROM ${schema}.${table} t ORDER BY 1`,
        )
      ).rows;
    const raw = await load(MESSY_DIR);
    expect(raw.map((r) => r.copyPath)).toEqual(['raw', 'raw']);
    const rawRows = [await dump('vip_customers'), await dump('vip_orders')];
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    const parsed = await load(MESSY_DIR, { copy: 'parse' });
    expect(parsed.map((r) => r.copyPath)).toEqual(['parsed', 'parsed']);
    expect([await dump('vip_customers'), await dump('vip_orders')]).toEqual(rawRows);
  });

  it('re-encodes files PostgreSQL would read differently: mixed line endings, blank lines', async () => {
    const dir = await dirWith({
      'mixed.csv': 'id,note,flag\r\n1,"a\nb",yes\n2,,no\r\n',
      'blank.csv': 'id,name\n1,a\n\n2,""\n\n',
    });
    const reports = await load(dir);
    expect(reports.map((r) => [r.table, r.copyPath, r.rows])).toEqual([
      ['blank', 'parsed', 2],
      ['mixed', 'parsed', 2],
    ]);
    const rows = await client.query(`SELECT id, note, flag FROM ${schema}.mixed ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: 1, note: 'a\nb', flag: true },
      { id: 2, note: null, flag: false },
    ]);
    const names = await client.query(`SELECT name FROM ${schema}.blank ORDER BY id`);
    expect(names.rows).toEqual([{ name: 'a' }, { name: null }]);
  });

  it('refuses tables that exist, naming them, and replaces them with replace', async () => {
    const dir = await dirWith({
      'customers.csv': CUSTOMERS,
      'products.csv': PRODUCTS,
      'orders.csv': ORDERS,
    });
    await load(dir);
    const loader = createLoader({ client });
    const files = await listCsvFiles(dir);
    const error = await loader.load({ files, schema }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as LoadError).code).toBe('TABLES_EXIST');
    expect((error as LoadError).message).toContain(`${schema}.customers`);

    await client.query(`INSERT INTO ${schema}.customers VALUES (99, 'x@example.com', 'Extra')`);
    const reports = await loader.load({ files, schema, replace: true });
    expect(reports.map((r) => r.rows)).toEqual([3, 2, 3]);
    const count = await client.query(`SELECT count(*)::int AS n FROM ${schema}.customers`);
    expect(count.rows[0]).toEqual({ n: 3 });
  });

  it('loads a generated dataset with consistent references', async () => {
    const dir = await dirWith({});
    await generateDataset({ out: dir, seed: 7, scale: 2 });
    const reports = await load(dir);
    expect(reports.map((r) => [r.table, r.rows])).toEqual([
      ['customers', 2000],
      ['products', 400],
      ['orders', 4000],
    ]);
  });
});

describe('bad input: an error with a code, a location, and no table left', () => {
  it('FIELD_COUNT: a row with too many fields', async () => {
    const error = await expectLoadError(
      { 'customers.csv': 'id,name,street\n1,Ann,"1 Main St,\nBack"\n2,Bob,2 Side St,extra\n' },
      'FIELD_COUNT',
    );
    expect(error.location).toMatchObject({ file: 'customers.csv', line: 4 });
  });

  it('TYPE_MISMATCH: a value that does not fit the declared type', async () => {
    const error = await expectLoadError(
      {
        'orders.csv': 'id,note,quantity\n1,"multi\nline",2\n2,x,abc\n',
      },
      'TYPE_MISMATCH',
      { types: { orders: { quantity: 'integer' } } },
    );
    expect(error.location).toMatchObject({
      file: 'orders.csv',
      line: 4,
      column: 3,
      columnName: 'quantity',
      value: 'abc',
    });
  });

  it('TYPE_MISMATCH after a quoted CRLF: the physical line, in a CRLF file with a BOM', async () => {
    const error = await expectLoadError(
      {
        'orders.csv': '\ufeffid,note,quantity\r\n1,"two\r\nlines",2\r\n\r\n2,x,abc\r\n',
      },
      'TYPE_MISMATCH',
      { types: { orders: { quantity: 'integer' } } },
    );
    expect(error.location).toMatchObject({ file: 'orders.csv', line: 5, column: 3, value: 'abc' });
  });

  it('BAD_TYPE_OVERRIDE: a declared type for a column that does not exist', async () => {
    await expectLoadError({ 'orders.csv': 'id,quantity\n1,2\n' }, 'BAD_TYPE_OVERRIDE', {
      types: { orders: { qty: 'integer' } },
    });
  });

  it('INVALID_UTF8: Latin-1 bytes', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('id,name\n1,Ann\n2,Ren'),
      Buffer.from([0xe9]),
      Buffer.from('e\n'),
    ]);
    const error = await expectLoadError({ 'customers.csv': latin1 }, 'INVALID_UTF8');
    expect(error.location).toMatchObject({ file: 'customers.csv', line: 3, column: 6 });
  });

  it('EMPTY_FILE: a file with no header', async () => {
    const error = await expectLoadError(
      { 'customers.csv': CUSTOMERS, 'orders.csv': '' },
      'EMPTY_FILE',
    );
    expect(error.location).toMatchObject({ file: 'orders.csv' });
  });

  it('FILE_NOT_FOUND: a file that does not exist', async () => {
    const dir = await dirWith({ 'customers.csv': CUSTOMERS });
    schema = freshSchemaName();
    const error = await createLoader({ client })
      .load({ files: [join(dir, 'customers.csv'), join(dir, 'orders.csv')], schema })
      .catch((err: unknown) => err);
    expect((error as LoadError).code).toBe('FILE_NOT_FOUND');
    expect(await tablesIn(client, schema)).toEqual([]);
  });

  it('NO_CSV_FILES: a folder without CSV files', async () => {
    const dir = await dirWith({ 'readme.txt': 'hello' });
    await expect(listCsvFiles(dir)).rejects.toMatchObject({ code: 'NO_CSV_FILES' });
  });

  it('MALFORMED_CSV: a quote that is never closed', async () => {
    const error = await expectLoadError(
      { 'customers.csv': 'id,name\n1,"Ann\n2,Bob\n' },
      'MALFORMED_CSV',
    );
    expect(error.location?.file).toBe('customers.csv');
  });

  it('MISSING_REFERENCE: an order for a customer that does not exist', async () => {
    const error = await expectLoadError(
      {
        'customers.csv': CUSTOMERS,
        'products.csv': PRODUCTS,
        'orders.csv': 'id,customer_id,product_id,quantity\n1,1,1,2\n2,42,2,1\n',
      },
      'MISSING_REFERENCE',
    );
    expect(error.location).toMatchObject({
      file: 'orders.csv',
      line: 3,
      columnName: 'customer_id',
      value: '42',
    });
  });

  it('MISSING_REFERENCE: an order for a product that does not exist', async () => {
    const error = await expectLoadError(
      {
        'customers.csv': CUSTOMERS,
        'products.csv': PRODUCTS,
        'orders.csv': 'id,customer_id,product_id,quantity\n1,1,1,2\n2,2,2,1\n3,3,9,1\n',
      },
      'MISSING_REFERENCE',
    );
    expect(error.location).toMatchObject({
      file: 'orders.csv',
      line: 4,
      columnName: 'product_id',
      value: '9',
    });
  });

  it('DUPLICATE_COLUMN: two headers with the same normalized name', async () => {
    await expectLoadError(
      { 'customers.csv': 'id,Full Name,full_name\n1,a,b\n' },
      'DUPLICATE_COLUMN',
    );
  });
});
