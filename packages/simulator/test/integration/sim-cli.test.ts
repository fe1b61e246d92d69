import { pollUntil } from '@mdp/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConsistent } from '../sim-check.js';
import { loadRepoData, startSimRun, type TestSchemas } from '../sim-fixture.js';

describe('sim:run against PostgreSQL', () => {
  let db: TestSchemas;
  beforeAll(async () => {
    db = await loadRepoData('simcli'); // the real loader on the shipped CSVs
  });
  afterAll(async () => {
    await db.drop();
  });
  const schemaArgs = () => ['--schema', db.schema, '--sim-schema', db.simSchema];

  it('--events 500 gives 500 log rows and prints a summary', async () => {
    const run = await (
      await startSimRun(['--rate', 'max', '--events', '500', ...schemaArgs()])
    ).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/500 events/);
    expect(run.stdout).toMatch(/order_placed/);
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBe(500);
  });

  it('--rate 100/s --duration 2s applies exactly 200 events', async () => {
    const run = await (
      await startSimRun(['--rate', '100/s', '--duration', '2s', ...schemaArgs()])
    ).done;
    expect(run.code, run.stderr).toBe(0);
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBe(700);
  });

  it('SIGTERM finishes the events in flight and exits 0', async () => {
    const run = await startSimRun(['--rate', '200/s', ...schemaArgs()]);
    const before = 700;
    const count = async () =>
      Number(
        (await db.admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${db.simSchema}.event_log`))
          .rows[0]!.n,
      );
    await pollUntil('50 events', async () => (await count()) >= before + 50, 60_000, 50);
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/stopped by signal/);
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBeGreaterThan(before);
  });

  it('--json - prints the summary alone on stdout as JSON, the human summary on stderr', async () => {
    const run = await (
      await startSimRun(['--rate', 'max', '--events', '5', '--json', '-', ...schemaArgs()])
    ).done;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ applied: 5, stoppedBy: 'events' });
    expect(run.stderr).toMatch(/sim:run: 5 events in/);
  });
});
