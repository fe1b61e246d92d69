/** The one form of a duration on every command line: `500ms`, `10s`, `2m`, `1h`; a bare number is seconds. */
export const DURATION_FORMS = '10s, 2m, 1h, 500ms (a bare number is seconds)';

/** Milliseconds of a duration flag's text, or NaN when it is not a positive duration. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(text.trim());
  const ms = m
    ? Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1)
    : NaN;
  return ms > 0 ? ms : NaN;
}
