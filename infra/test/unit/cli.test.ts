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
    expect(result.stderr).toContain('allowed: --help (-h), --follow (-f), --lines (-n), --json');
  });

  it('rejects an unknown MDP_LOG_LEVEL with exit 2, naming the allowed levels', () => {
    const result = stackCli(['status'], { MDP_LOG_LEVEL: 'loud' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MDP_LOG_LEVEL="loud" is not a log level: use one of fatal,');
  });

  it('rejects logs without a service with exit 2', () => {
    expect(stackCli(['logs']).code).toBe(2);
  });
});
