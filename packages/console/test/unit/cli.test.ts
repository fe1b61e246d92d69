import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/main.js';

function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { env, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return code.then((c) => ({ code: c, stdout: out.join(''), stderr: err.join('') }));
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('pnpm pipeline:status', () => {
  it('--help says what it shows and its exit codes', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/^Usage: pnpm pipeline:status/);
    expect(help.stdout).toContain('Exit codes');
  });

  it('a wrong flag or duration is refused with what is allowed', async () => {
    const unknown = await run(['--wach']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('allowed: --json, --watch, --interval, --help (-h)');
    const interval = await run(['--watch', '--interval', 'soon']);
    expect(interval.code).toBe(EXIT.usage);
    expect(interval.stderr).toContain('--interval "soon" is not a duration');
  });

  it('missing settings are all named, with how to get them', async () => {
    const missing = await run([], { PGHOST: '127.0.0.1' });
    expect(missing.code).toBe(EXIT.settings);
    for (const name of ['PGPORT', 'KAFKA_BROKERS', 'KAFKA_CONNECT_URL', 'S3_BUCKET'])
      expect(missing.stderr).toContain(`${name} is not set`);
    expect(missing.stderr).toContain('pnpm -s stack:env');
  });

  it('with every service down, each stage is STOPPED naming its service and where it was looked for', async () => {
    const port = await closedPort();
    const status = await run(['--json', '-'], {
      PGHOST: '127.0.0.1',
      PGPORT: String(port),
      PGDATABASE: 'mdp',
      PGUSER: 'mdp',
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      KAFKA_CONNECT_URL: `http://127.0.0.1:${port}`,
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY: 'k',
      S3_SECRET_KEY: 'secret-key',
      S3_BUCKET: 'lakehouse',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    expect(status.code).toBe(EXIT.notOk);
    const parsed = JSON.parse(status.stdout) as {
      stages: { name: string; health: string; summary: string }[];
    };
    expect(parsed.stages.map((s) => s.health)).toEqual(Array(6).fill('stopped'));
    const summary = (name: string) => parsed.stages.find((s) => s.name === name)!.summary;
    expect(summary('postgres')).toContain(`PostgreSQL does not answer at 127.0.0.1:${port}/mdp`);
    expect(summary('connect')).toContain(
      `Kafka Connect does not answer at http://127.0.0.1:${port}`,
    );
    expect(summary('kafka')).toContain(`Kafka does not answer at 127.0.0.1:${port}`);
    expect(summary('lake')).toContain(
      `MinIO does not answer at http://127.0.0.1:${port} bucket lakehouse`,
    );
    expect(status.stderr).toContain('NOT OK'); // the human text goes to stderr with --json -
  }, 60_000);
});
