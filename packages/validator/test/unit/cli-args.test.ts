import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../src/cli/bench-args.js';
import { parseConsumeArgs } from '../../src/cli/consume-args.js';
import { parseValidateArgs } from '../../src/cli/validate-args.js';

const usageCode = (parse: () => unknown) => {
  try {
    parse();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'no error';
};

describe('command-line flags', () => {
  it('bench:validate takes --records and --help, and refuses anything else', () => {
    expect(parseBenchArgs([])).toEqual({ help: false, records: 20000 });
    expect(parseBenchArgs(['--records', '500'])).toEqual({ help: false, records: 500 });
    expect(parseBenchArgs(['--help']).help).toBe(true);
    expect(parseBenchArgs(['--', '--help']).help).toBe(true); // pnpm bench:validate -- --help
    expect(usageCode(() => parseBenchArgs(['--nope']))).toBe('USAGE');
    expect(usageCode(() => parseBenchArgs(['--records', '0']))).toBe('USAGE');
    expect(usageCode(() => parseBenchArgs(['extra']))).toBe('USAGE');
  });

  it('bench:validate without its settings names them and exits 3, before touching a service', () => {
    const bench = fileURLToPath(new URL('../../bench/bench-validate.ts', import.meta.url));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(KAFKA_|SCHEMA_REGISTRY)/.test(name)),
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', bench], { env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr).toContain('KAFKA_BROKERS');
  }, 30_000);

  it('validate and consume refuse unknown flags and bad numbers', () => {
    expect(parseValidateArgs(['--tables', 'a,b', '--timeout', '5'])).toMatchObject({
      tables: ['a', 'b'],
      timeoutSeconds: 5,
    });
    expect(parseValidateArgs(['--json', '-']).json).toBe('-');
    // durations as sim:run takes them; a bare number is seconds
    expect(parseValidateArgs(['--timeout', '5m', '--interval', '500ms'])).toMatchObject({
      timeoutSeconds: 300,
      intervalSeconds: 0.5,
    });
    expect(usageCode(() => parseValidateArgs(['--timeout', '5 minutes']))).toBe('USAGE');
    expect(usageCode(() => parseValidateArgs(['--interval', '0']))).toBe('USAGE');
    expect(parseValidateArgs(['--report', 'r.json']).json).toBe('r.json'); // its older name
    expect(usageCode(() => parseValidateArgs(['--tables', 'a;drop']))).toBe('USAGE');
    expect(usageCode(() => parseValidateArgs(['--folow']))).toBe('USAGE');
    expect(usageCode(() => parseConsumeArgs(['--max', '-1']))).toBe('USAGE');
    expect(parseConsumeArgs(['--topic', 't1', '--topic', 't2']).topics).toEqual(['t1', 't2']);
  });

  it('validate --rules: a missing file, or one that exports no rule, is bad usage (exit 2) before touching a service', () => {
    const validate = fileURLToPath(new URL('../../bin/validate.ts', import.meta.url));
    const notARule = fileURLToPath(new URL('../../src/errors.ts', import.meta.url));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(KAFKA_|SCHEMA_REGISTRY|PG)/.test(name)),
    );
    const run = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', validate, '--rules', file], {
        env,
        encoding: 'utf8',
      });
    const missing = run('no-such-rules.ts');
    expect(missing.status, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('--rules no-such-rules.ts: no such file');
    const wrong = run(notARule);
    expect(wrong.status, wrong.stderr).toBe(2);
    expect(wrong.stderr).toContain('its default export must be a rule');
  }, 30_000);
});
