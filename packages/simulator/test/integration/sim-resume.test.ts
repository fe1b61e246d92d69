import { pollUntil } from '@mdp/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConsistent } from '../sim-check.js';
import { createTestSchemas, startSimRun, type TestSchemas } from '../sim-fixture.js';

describe('kill -9 and resume', () => {
  let db: TestSchemas;
  beforeAll(async () => {
    db = await createTestSchemas('simkill', { customers: 300, products: 60, orders: 800 });
  });
  afterAll(async () => {
    await db.drop();
  });

  const logStats = async () =>
    (
      await db.admin.query<{ n: number; max: number | null }>(
        `SELECT count(*)::int AS n, max(seq)::int AS max FROM ${db.simSchema}.event_log`,
      )
    ).rows[0]!;

  it('loses no event and applies none twice after kill -9 mid-run', async () => {
    const args = [
      '--rate',
      'max',
      '--concurrency',
      '8',
      '--schema',
      db.schema,
      '--sim-schema',
      db.simSchema,
    ];
    let killedAt = 0;
    for (const [round, seed] of [
      [1, ['--seed', '5']],
      [2, []],
    ] as const) {
      const run = await startSimRun([...args, ...seed]);
      const target = killedAt + 400;
      // The log table appears once the child has set up its schema.
      const logged = () =>
        logStats().then(
          (s) => s.n,
          () => 0,
        );
      await pollUntil(
        `${target} logged events (round ${round})`,
        async () => (await logged()) >= target,
        90_000,
        50,
      );
      run.child.kill('SIGKILL');
      const result = await run.done;
      expect(result.signal).toBe('SIGKILL');
      const stats = await logStats();
      killedAt = stats.n;
      // In-flight transactions may leave gaps (n < max); the resume below must fill them.
      expect(stats.max).toBeGreaterThanOrEqual(stats.n);
    }
    const resumed = await (await startSimRun([...args, '--events', '100'])).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    const total = await expectConsistent(db.admin, db.schema, db.simSchema);
    expect(total).toBeGreaterThanOrEqual(killedAt + 100);
  });
});
