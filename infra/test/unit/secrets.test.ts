/**
 * No credential in the code: every secret's value in .env.example (the one place
 * that documents them) appears in no other tracked file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
