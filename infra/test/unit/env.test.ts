import { describe, expect, it } from 'vitest';
import { formatExports, parseEnvFile } from '../../src/index.js';

describe('formatExports', () => {
  it('quotes only what a shell would split or expand', () => {
    expect(formatExports({ A: 'plain-1.2:3', B: "it's $HOME" })).toBe(
      `export A=plain-1.2:3\nexport B='it'\\''s $HOME'`,
    );
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, skipping comments and blanks, unquoting values', () => {
    expect(parseEnvFile('# c\n\nA=1\r\nexport B="two words"\nC=x=y\n')).toEqual({
      A: '1',
      B: 'two words',
      C: 'x=y',
    });
  });
});
