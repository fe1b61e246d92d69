/** Helpers for the loader's integration tests: a client, a fresh schema, temp CSV folders. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export async function connect(): Promise<pg.Client> {
  // pg reads PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD, exported by the shared globalSetup.
  const client = new pg.Client();
  await client.connect();
  return client;
}

export function freshSchemaName(): string {
  return `load_test_${randomBytes(5).toString('hex')}`;
}

export async function tablesIn(client: pg.Client, schema: string): Promise<string[]> {
  const result = await client.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
    [schema],
  );
  return result.rows.map((r) => r.table_name);
}

/** A temp folder holding the given files (string or raw bytes). */
export async function csvDir(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mdp-load-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export const CUSTOMERS =
  'id,email,full_name\n1,a@example.com,Ann\n2,b@example.com,"Bø, Jr."\n3,c@example.com,Cé\n';
export const PRODUCTS = 'id,sku,unit_price\n1,A-1,9.99\n2,B-2,10.50\n';
export const ORDERS = 'id,customer_id,product_id,quantity\n1,1,1,2\n2,3,2,1\n3,2,1,5\n';
