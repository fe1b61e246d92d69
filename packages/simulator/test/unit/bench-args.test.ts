import { describe, expect, it } from 'vitest';
import { parseBenchLoadArgs, parseBenchSimArgs } from '../../bench/bench-args.js';
import { startScript } from '../sim-fixture.js';

const failure = (f: () => unknown) => {
  try {
    f();
    return { code: 'no error', message: '' };
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
};

describe('bench:sim flags', () => {
  it('reads --seconds and --part, BENCH_SECONDS as the default, --help as help', () => {
    expect(parseBenchSimArgs([])).toEqual({ seconds: 10, part: 'all' });
    expect(parseBenchSimArgs([], { BENCH_SECONDS: '3' })).toEqual({ seconds: 3, part: 'all' });
    expect(parseBenchSimArgs(['--seconds', '5', '--part', 'pacing'])).toEqual({
      seconds: 5,
      part: 'pacing',
    });
    expect(parseBenchSimArgs(['--help'])).toBe('help');
    expect(parseBenchSimArgs(['-h'])).toBe('help');
    expect(parseBenchSimArgs(['--', '--help'])).toBe('help'); // pnpm bench:sim -- --help
  });

  it('refuses unknown flags and bad values, naming the allowed flags', () => {
    for (const argv of [
      ['--nope'],
      ['--seconds', 'x'],
      ['--seconds', '0'],
      ['--part', 'x'],
      ['x'],
    ]) {
      const { code, message } = failure(() => parseBenchSimArgs(argv));
      expect(code, argv.join(' ')).toBe('BENCH_BAD_FLAG');
      for (const flag of ['--seconds', '--part', '--help']) expect(message).toContain(flag);
    }
  });
});

describe('bench:load flags', () => {
  it('reads --scale and --seed, --help as help', () => {
    expect(parseBenchLoadArgs([])).toEqual({ scale: 500, seed: 1 });
    expect(parseBenchLoadArgs(['--scale', '100', '--seed', '7'])).toEqual({ scale: 100, seed: 7 });
    expect(parseBenchLoadArgs(['--help'])).toBe('help');
    expect(parseBenchLoadArgs(['--', '-h'])).toBe('help');
  });

  it('refuses unknown flags and bad values, naming the allowed flags', () => {
    for (const argv of [['--nope'], ['--scale', '0'], ['--seed', '1.5'], ['extra']]) {
      const { code, message } = failure(() => parseBenchLoadArgs(argv));
      expect(code, argv.join(' ')).toBe('BENCH_BAD_FLAG');
      for (const flag of ['--scale', '--seed', '--help']) expect(message).toContain(flag);
    }
  });
});

describe('bench CLIs', () => {
  for (const script of ['bench/bench-sim.ts', 'bench/bench-load.ts'])
    it(`${script}: --help prints the usage and exits 0, an unknown flag exits 2`, async () => {
      const help = await (await startScript(script, ['--help'])).done;
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: pnpm bench:/);
      const bad = await (await startScript(script, ['--nope'])).done;
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--help');
      expect(bad.stdout).toBe('');
    });
});
