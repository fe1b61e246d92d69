import { describe, expect, it } from 'vitest';
import { allowedFlags, parseFlags } from '../src/index.js';

const OPTIONS = {
  rate: { type: 'string', default: '50/s' },
  quick: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class Usage extends Error {}
const usage = (message: string) => new Usage(message);

describe('parseFlags', () => {
  it('reads the flags, dropping the `--` pnpm passes on', () => {
    expect(parseFlags(['--', '--rate', '5/s', '-h'], OPTIONS, usage).values).toEqual({
      rate: '5/s',
      help: true,
    });
    expect(parseFlags([], OPTIONS, usage).values).toEqual({ rate: '50/s' });
  });

  it('refuses an unknown flag, a missing value and a positional with the allowed flags', () => {
    for (const argv of [['--rat', '5'], ['--rate'], ['extra']]) {
      expect(() => parseFlags(argv, OPTIONS, usage)).toThrow(Usage);
      expect(() => parseFlags(argv, OPTIONS, usage)).toThrow(
        /; allowed: --rate, --quick, --help \(-h\)$/,
      );
    }
  });

  it('takes positionals when asked, after the dropped `--` too', () => {
    const { values, positionals } = parseFlags(
      ['--', 'logs', 'kafka', '--quick'],
      OPTIONS,
      usage,
      true,
    );
    expect(positionals).toEqual(['logs', 'kafka']);
    expect(values.quick).toBe(true);
  });

  it('names each allowed flag with its short form', () => {
    expect(allowedFlags(OPTIONS)).toBe('--rate, --quick, --help (-h)');
  });
});
