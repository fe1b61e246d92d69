import { pollUntil } from '@mdp/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration, parseRate, parseRunArgs } from '../src/sim/args.js';
import { expectConsistent } from './sim-check.js';
import { loadRepoData, startSimRun, type TestSchemas } from './sim-fixture.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'no error';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('sim:run flags', () => {
  it('accepts the documented rate and duration forms', () => {
    expect(parseRate('50/s')).toBe(50);
    expect(parseRate('50')).toBe(50);
    expect(parseRate('3000/min')).toBe(50);
    expect(parseRate('max')).toBe('max');
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseRunArgs(['--', '--help'])).toMatchObject({ help: true });
    expect(parseRunArgs([])).toMatchObject({
      rate: 50,
      concurrency: 8,
      schema: 'public',
      simSchema: 'sim',
    });
  });

  it('rejects bad values with SIM_BAD_FLAG', () => {
    for (const argv of [
      ['--rate', 'abc'],
      ['--rate', '0'],
      ['--duration', '5x'],
      ['--events', '-3'],
      ['--seed', 'x'],
      ['--concurrency', '0'],
      ['--events', '5', '--duration', '1s'],
      ['--schema', 'Bad-Name'],
      ['--sync-commit', 'maybe'],
      ['--nope'],
    ])
      expect(
        codeOf(() => parseRunArgs(argv)),
        argv.join(' '),
      ).toBe('SIM_BAD_FLAG');
  });

  it('exits 2 on a bad flag and names the accepted forms; --help exits 0', async () => {
    const bad = await (await startSimRun(['--rate', 'abc'])).done;
    expect(bad.code).toBe(2);
    for (const form of ['50/s', '3000/min', 'max']) expect(bad.stderr).toContain(form);
    const help = await (await startSimRun(['--help'])).done;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--rate');
  });
});

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
});
