import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { logFormatFromEnv, resultJson, writeResult } from '../src/index.js';

/** Runs a CLI-like script that logs one line with cliLogger; stderr is a pipe here. */
async function logOnce(env: Record<string, string>) {
  const script =
    "import { cliLogger } from './src/index.ts';" +
    "cliLogger('demo', { defaultLevel: 'info' }).info({ service: 'kafka' }, 'ready');";
  const result = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, MDP_LOG_FORMAT: '', ...env },
    },
  ).catch((err: { code: number; stdout: string; stderr: string }) => err);
  return { code: 'code' in result ? result.code : 0, ...result };
}

describe('the CLI logger', () => {
  it('is human on a terminal and JSON when piped, unless MDP_LOG_FORMAT says', () => {
    expect(logFormatFromEnv({}, true)).toBe('pretty');
    expect(logFormatFromEnv({}, false)).toBe('json');
    expect(logFormatFromEnv({ MDP_LOG_FORMAT: 'JSON' }, true)).toBe('json');
    expect(logFormatFromEnv({ MDP_LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(() => logFormatFromEnv({ MDP_LOG_FORMAT: 'xml' }, false)).toThrow(
      'MDP_LOG_FORMAT="xml" is not a log format: use one of pretty, json',
    );
  });

  it('writes JSON lines on a piped stderr, human lines when asked, and nothing on stdout', async () => {
    const piped = await logOnce({});
    expect(piped.stdout).toBe('');
    expect(JSON.parse(piped.stderr)).toMatchObject({ level: 30, service: 'kafka', msg: 'ready' });
    const pretty = await logOnce({ MDP_LOG_FORMAT: 'pretty' });
    expect(pretty.stderr).toMatch(/INFO: ready/);
    expect(pretty.stderr).not.toMatch(/^\{/);
    const bad = await logOnce({ MDP_LOG_FORMAT: 'xml' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('demo: MDP_LOG_FORMAT="xml" is not a log format');
  });
});

describe('--json FILE', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      streams: {
        stdout: (t: string) => void (out.stdout += t),
        stderr: (t: string) => void (out.stderr += t),
      },
    };
  };

  it('puts the JSON alone on stdout for -, the human text on stderr', async () => {
    const { out, streams } = capture();
    await writeResult('-', { n: 10n, ok: true }, 'human\n', streams);
    expect(JSON.parse(out.stdout)).toEqual({ n: '10', ok: true });
    expect(out.stderr).toBe('human\n');
  });

  it('writes the JSON to FILE and the human text to stdout; without it, the text alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'schemas-json-'));
    try {
      const file = join(dir, 'result.json');
      const { out, streams } = capture();
      await writeResult(file, { n: 1 }, 'human\n', streams);
      expect(out).toEqual({ stdout: 'human\n', stderr: '' });
      expect(await readFile(file, 'utf8')).toBe(resultJson({ n: 1 }));
      const plain = capture();
      await writeResult(undefined, { n: 1 }, 'human\n', plain.streams);
      expect(plain.out).toEqual({ stdout: 'human\n', stderr: '' });
      // pnpm --filter runs a CLI inside its package: a relative FILE is the caller's
      process.env.INIT_CWD = dir;
      await writeResult('relative.json', { n: 2 }, '', capture().streams);
      expect(await readFile(join(dir, 'relative.json'), 'utf8')).toBe(resultJson({ n: 2 }));
    } finally {
      delete process.env.INIT_CWD;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
