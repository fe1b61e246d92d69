import { describe, expect, it } from 'vitest';
import { parseDuration, parseRate, parseRunArgs } from '../../src/sim/args.js';
import { startSimRun } from '../sim-fixture.js';

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
