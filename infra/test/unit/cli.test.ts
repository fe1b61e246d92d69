import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackCli } from '../cli.js';

describe('stack CLI usage', () => {
  it('prints its help with --help', () => {
    const result = stackCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Commands:');
  });

  it('rejects an unknown command with exit 2 and the allowed commands', () => {
    const result = stackCli(['upp']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('USAGE');
  });

  it('rejects an unknown flag with exit 2, naming the allowed ones', () => {
    const result = stackCli(['status', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'allowed: --help (-h), --follow (-f), --lines (-n), --json, --profile',
    );
  });

  it('rejects an unknown MDP_LOG_LEVEL with exit 2, naming the allowed levels', () => {
    const result = stackCli(['status'], { MDP_LOG_LEVEL: 'loud' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MDP_LOG_LEVEL="loud" is not a log level: use one of fatal,');
  });

  it('refuses a profile it does not know, and one on a state dir of another profile', () => {
    const unknown = stackCli(['up', '--profile', 'huge']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--profile must be one of single, cluster, got "huge"');
    expect(stackCli(['status', '--profile', 'cluster']).code).toBe(2);
    const state = mkdtempSync(join(tmpdir(), 'mdp-profile-'));
    writeFileSync(join(state, 'profile'), 'single\n');
    const mismatch = stackCli(['up', '--profile', 'cluster'], { MDP_STATE: state });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('PROFILE_MISMATCH: this state dir holds a single stack');
    rmSync(state, { recursive: true });
  });

  it('rejects logs without a service with exit 2', () => {
    expect(stackCli(['logs']).code).toBe(2);
  });
});
