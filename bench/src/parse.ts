/**
 * Readers of the platform's CLIs: the JSON each prints alone on stdout with
 * `--json -`, and the JSON log lines a CLI writes when its stderr is piped. Each
 * throws a BenchError with code BENCH_UNREADABLE naming what it expected, so a
 * changed output is reported in the bench's row instead of producing a wrong figure.
 */
import { BenchError } from './errors.js';

function unreadable(what: string, expected: string, text: string): BenchError {
  const tail = text.trim().split('\n').slice(-3).join(' / ');
  return new BenchError(
    'BENCH_UNREADABLE',
    `${what}: expected ${expected} on its stdout (last lines: ${tail || 'none'})`,
  );
}

/**
 * The JSON document `text` holds, once every dotted path in `numbers` is a number
 * there (`a.b`; `a.*.b` for each element of the array at `a`).
 */
function jsonFigures<T>(what: string, text: string, numbers: readonly string[]): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unreadable(what, 'JSON (--json -)', text);
  }
  const at = (node: unknown, path: readonly string[]): boolean => {
    if (path.length === 0) return typeof node === 'number' && Number.isFinite(node);
    const [head, ...rest] = path;
    if (head === '*') return Array.isArray(node) && node.every((item) => at(item, rest));
    return (
      node !== null &&
      typeof node === 'object' &&
      at((node as Record<string, unknown>)[head!], rest)
    );
  };
  const missing = numbers.filter((path) => !at(value, path.split('.')));
  if (missing.length > 0)
    throw unreadable(what, `JSON with the numbers ${missing.join(', ')}`, text);
  return value as T;
}

export interface LoadFigures {
  readonly orderRows: number;
  readonly psql: { seconds: number; rowsPerSec: number };
  readonly copyPass: { seconds: number; rowsPerSec: number; ratio: number; path: string };
  readonly scanAndCopy: { seconds: number; rowsPerSec: number; ratio: number };
  readonly wholeLoad: { rows: number; seconds: number; rowsPerSec: number };
}

/** The stdout of `pnpm bench:load --json -`. */
export function parseLoadOutput(text: string): LoadFigures {
  return jsonFigures('bench:load', text, [
    'orderRows',
    'psql.seconds',
    'psql.rowsPerSec',
    'copyPass.seconds',
    'copyPass.rowsPerSec',
    'copyPass.ratio',
    'scanAndCopy.seconds',
    'scanAndCopy.rowsPerSec',
    'scanAndCopy.ratio',
    'wholeLoad.rows',
    'wholeLoad.seconds',
    'wholeLoad.rowsPerSec',
  ]);
}

export interface SimSpeedRun {
  readonly concurrency: number;
  readonly batchSize: number;
  readonly syncCommit: boolean;
  readonly eventsPerSec: number;
  readonly events: number;
}

/** The full-speed runs of `pnpm bench:sim --part speed --json -`; the first is the baseline. */
export function parseSimSpeedOutput(text: string): SimSpeedRun[] {
  const { speed } = jsonFigures<{ speed: SimSpeedRun[] }>('bench:sim', text, [
    'speed.*.concurrency',
    'speed.*.batchSize',
    'speed.*.eventsPerSec',
    'speed.*.events',
  ]);
  if (speed.length < 2)
    throw unreadable('bench:sim', 'a baseline run and at least one other', text);
  return speed;
}

export interface ValidateFigures {
  readonly records: number;
  readonly plainPerSec: number;
  readonly checkedPerSec: number;
  readonly ratio: number;
}

/** The stdout of `pnpm bench:validate --json -`. */
export function parseValidateOutput(text: string): ValidateFigures {
  return jsonFigures('bench:validate', text, ['records', 'plainPerSec', 'checkedPerSec', 'ratio']);
}

/** The summary of `pnpm sim:run --json -`. */
export function parseSimRunSummary(text: string): {
  events: number;
  seconds: number;
  eventsPerSec: number;
} {
  const summary = jsonFigures<{ applied: number; elapsedMs: number; ratePerSec: number }>(
    'sim:run',
    text,
    ['applied', 'elapsedMs', 'ratePerSec'],
  );
  return {
    events: summary.applied,
    seconds: summary.elapsedMs / 1000,
    eventsPerSec: summary.ratePerSec,
  };
}

/** The result of `pnpm stack:up --json`: how long stack:up itself counted. */
export function parseStackUpOutput(text: string): { seconds: number } {
  return jsonFigures('stack:up', text, ['seconds']);
}

/** A JSON log line of a piped CLI (pino), or undefined for any other line. */
export function logRecordOf(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const record: unknown = JSON.parse(line);
    return record !== null && typeof record === 'object' && !Array.isArray(record)
      ? (record as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The service a line of `pnpm stack:up`'s piped log says is ready (or done, for one-shot services). */
export function readyEventOf(
  line: string,
): { service: string; kind: 'ready' | 'done' } | undefined {
  const record = logRecordOf(line);
  if (!record || typeof record['service'] !== 'string') return undefined;
  const kind = record['msg'];
  return kind === 'ready' || kind === 'done' ? { service: record['service'], kind } : undefined;
}

/** The `Pss:` line of a `/proc/<pid>/smaps_rollup` file, in kB (undefined when absent). */
export function pssKbOf(smapsRollup: string): number | undefined {
  const m = /^Pss:\s+(\d+) kB$/m.exec(smapsRollup);
  return m ? Number(m[1]) : undefined;
}

/**
 * RSS in kB of a process and all its descendants, from `ps -e -o pid=,ppid=,rss=`.
 * Returns 0 when the pid is not listed.
 */
export function processTreeRssKb(psText: string, root: number): { rssKb: number; pids: number[] } {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const line of psText.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (!m) continue;
    const [pid, ppid, kb] = [Number(m[1]), Number(m[2]), Number(m[3])];
    rss.set(pid, kb);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  if (!rss.has(root)) return { rssKb: 0, pids: [] };
  const pids: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    if (pids.includes(pid)) continue;
    pids.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return { rssKb: pids.reduce((sum, pid) => sum + (rss.get(pid) ?? 0), 0), pids };
}
