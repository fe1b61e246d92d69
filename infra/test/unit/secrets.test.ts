/**
 * No credential in the code: every secret's value in .env.example (the one place
 * that documents them) appears in no other tracked file. The native stack's
 * secrets not set by the user are generated once, private, and kept.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSecrets, SECRET_NAMES } from '../../src/secrets.js';
import { readEnvFile } from '../../src/versions.js';
import { infraDir } from '../cli.js';

const repo = join(infraDir, '..');
const secretNames = /(PASSWORD|SECRET)/;

describe('credentials', () => {
  it('appear in .env.example only', () => {
    const secrets = Object.entries(readEnvFile(join(repo, '.env.example'))).filter(
      ([name, value]) => secretNames.test(name) && value.length > 0,
    );
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && file !== '.env.example' && file !== 'pnpm-lock.yaml');
    const leaks = files.flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(join(repo, file), 'utf8');
      } catch {
        return [];
      }
      return secrets
        .filter(([, value]) => text.includes(value))
        .map(([name]) => `${name} in ${file}`);
    });
    expect(leaks).toEqual([]);
  });
});

describe('generated secrets', () => {
  it('are made once for what the user did not set, private to the owner, and kept', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mdp-secrets-')), 'state', 'secrets.env');
    const first = await generatedSecrets({ PGPASSWORD: 'mine' }, file);
    expect(Object.keys(first).sort()).toEqual(
      SECRET_NAMES.filter((n) => n !== 'PGPASSWORD').sort(),
    );
    for (const value of Object.values(first)) expect(value).toMatch(/^[0-9a-f]{40}$/);
    expect(new Set(Object.values(first)).size).toBe(SECRET_NAMES.length - 1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await generatedSecrets({}, file)).toMatchObject(first);
    expect(readEnvFile(file)['PGPASSWORD']).toMatch(/^[0-9a-f]{40}$/);
    expect(
      await generatedSecrets(Object.fromEntries(SECRET_NAMES.map((n) => [n, 'x'])), file),
    ).toEqual({});
  });

  it("a placeholder is refused by MinIO's set-up, before it changes anything", () => {
    const run = () =>
      execFileSync('bash', [join(infraDir, 'minio', 'init.sh')], {
        env: {
          PATH: process.env['PATH'],
          S3_BUCKET: 'lakehouse',
          MC: 'false',
          S3_SECRET_KEY: 'change-me-too',
        },
        stdio: 'pipe',
      });
    expect(run).toThrow(/S3_SECRET_KEY still holds .env.example's placeholder/);
  });

  it("a placeholder or a quote is refused by Kafka's set-up, before it asks Kafka anything", () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'mdp-kafka-init-')), 'marker');
    const run = (password: string) => () =>
      execFileSync('bash', [join(infraDir, 'kafka', 'init.sh'), '127.0.0.1:1', marker], {
        env: {
          PATH: process.env['PATH'],
          JAVA: 'false', // a Kafka tool it started would fail: it must not get that far
          KAFKA_LIBS: '/nowhere',
          KAFKA_ADMIN_PASSWORD: 'admin-pw',
          KAFKA_CONNECT_WORKER_PASSWORD: 'connect-pw',
          KAFKA_SPARK_PASSWORD: 'spark-pw',
          KAFKA_BENCH_PASSWORD: 'bench-pw',
          KAFKA_PASSWORD: password,
        },
        stdio: 'pipe',
      });
    expect(run('change-me-too')).toThrow(/mdp-reader's password is .env.example's placeholder/);
    expect(run('a"b')).toThrow(/mdp-reader's password may not hold a double quote/);
  });
});
