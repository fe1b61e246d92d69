/**
 * Changes a real database sees beyond the simulator's inserts, updates and
 * deletes, each on a table of its own so that the business tables stay valid
 * for the other suites.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool, deltaCheckUntilEqual, pnpmOk, validate } from './support/platform.js';

const pool = createPool();
afterAll(() => pool.end());

describe('changes beyond insert, update and delete', () => {
  it('a TRUNCATE reaches Kafka, the validator and the lake: silver keeps only the rows written after it', async () => {
    const table = `e2e_truncate_${randomBytes(3).toString('hex')}`;
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, qty integer NOT NULL)`);
    await pool.query(`INSERT INTO ${table} SELECT g, g FROM generate_series(1, 200) g`);
    await deltaCheckUntilEqual([table]);

    await pool.query(`TRUNCATE ${table}`);
    await pool.query(`INSERT INTO ${table} SELECT g, g * 10 FROM generate_series(1001, 1010) g`);

    const stream = await pnpmOk([
      'consume',
      '--topic',
      `mdp.public.${table}`,
      '--from-beginning',
      '--max',
      '211',
      '--timeout',
      '120',
    ]);
    const ops = stream
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { op: string }).op);
    expect(ops.filter((op) => op === 't')).toHaveLength(1);

    const validated = await validate([table]);
    expect(validated.code, validated.stdout).toBe(0);
    const lake = await deltaCheckUntilEqual([table]);
    const silver = lake.tables.find((t) => t.lakePath.startsWith('silver/'));
    expect(silver?.lakeRows).toBe(10);
  });
});
