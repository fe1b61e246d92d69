import { describe, expect, it } from 'vitest';
import { logLevelFromEnv } from '../src/index.js';

describe('logLevelFromEnv', () => {
  it('reads MDP_LOG_LEVEL, then the older LOG_LEVEL, else the default', () => {
    expect(logLevelFromEnv({ MDP_LOG_LEVEL: 'debug', LOG_LEVEL: 'error' }, 'info')).toBe('debug');
    expect(logLevelFromEnv({ LOG_LEVEL: 'Error' }, 'info')).toBe('error');
    expect(logLevelFromEnv({ MDP_LOG_LEVEL: '' }, 'warn')).toBe('warn');
    expect(logLevelFromEnv({}, 'info')).toBe('info');
  });

  it('refuses an unknown level, naming the variable and the allowed levels', () => {
    expect(() => logLevelFromEnv({ MDP_LOG_LEVEL: 'loud' }, 'info')).toThrow(
      'MDP_LOG_LEVEL="loud" is not a log level: use one of fatal, error, warn, info, debug, trace, silent',
    );
  });
});
