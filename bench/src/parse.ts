/**
 * Readers of what the platform's CLIs print. Each throws a BenchError with code
 * BENCH_UNREADABLE naming the line it expected, so a changed output format is
 * reported in the bench's row instead of producing a wrong figure.
 */
import { BenchError } from './errors.js';

function unreadable(what: string, expected: string, text: string): BenchError {
  const tail = text.trim().split('\n').slice(-3).join(' / ');
  return new BenchError(
    'BENCH_UNREADABLE',
    `${what}: no line like "${expected}" in its output (last lines: ${tail || 'none'})`,
  );
}

const num = (s: string) => Number(s.replaceAll(',', ''));

export interface LoadFigures {
  readonly orderRows: number;
  readonly psql: { seconds: number; rowsPerSec: number };
  readonly copyPass: { seconds: number; rowsPerSec: number; ratio: number; path: string };
  readonly scanAndCopy: { seconds: number; rowsPerSec: number; ratio: number };
  readonly wholeLoad: { rows: number; seconds: number; rowsPerSec: number };
}

/** The stdout of `pnpm bench:load`. */
export function parseLoadOutput(text: string): LoadFigures {
  const find = (re: RegExp, expected: string) => {
    const m = re.exec(text);
    if (!m) throw unreadable('bench:load', expected, text);
    return m;
  };
  const rows = find(/^orders\.csv: ([\d,]+) rows/m, 'orders.csv: N rows');
  const psql = find(
    /psql \\copy \(baseline[^)]*\):\s+([\d.]+) s\s+([\d,]+) rows\/s/,
    'psql \\copy (baseline…): X s  N rows/s',
  );
  const copy = find(
    /sim:load COPY pass \((\w+) path\):\s+([\d.]+) s\s+([\d,]+) rows\/s\s+ratio ([\d.]+)/,
    'sim:load COPY pass (P path): X s  N rows/s  ratio R',
  );
  const both = find(
    /sim:load scan\+COPY \(both passes\):\s+([\d.]+) s\s+([\d,]+) rows\/s\s+ratio ([\d.]+)/,
    'sim:load scan+COPY (both passes): X s  N rows/s  ratio R',
  );
  const whole = find(
    /whole sim:load of ([\d,]+) rows[^:]*: ([\d.]+) s, ([\d,]+) rows\/s/,
    'whole sim:load of N rows …: X s, N rows/s',
  );
  return {
    orderRows: num(rows[1]!),
    psql: { seconds: num(psql[1]!), rowsPerSec: num(psql[2]!) },
    copyPass: {
      path: copy[1]!,
      seconds: num(copy[2]!),
      rowsPerSec: num(copy[3]!),
      ratio: num(copy[4]!),
    },
    scanAndCopy: { seconds: num(both[1]!), rowsPerSec: num(both[2]!), ratio: num(both[3]!) },
    wholeLoad: { rows: num(whole[1]!), seconds: num(whole[2]!), rowsPerSec: num(whole[3]!) },
  };
}

export interface SimSpeedRun {
  readonly concurrency: number;
  readonly batchSize: number;
  readonly syncCommit: boolean;
  readonly eventsPerSec: number;
  readonly events: number;
}

/** The full-speed lines of `pnpm bench:sim --part speed`; the first is the baseline. */
export function parseSimSpeedOutput(text: string): SimSpeedRun[] {
  const runs: SimSpeedRun[] = [];
  const re =
    /concurrency\s+(\d+),\s+(\d+) event\(s\) a round trip, sync-commit (on|off)\s*:\s+([\d.]+) events\/s\s+\((\d+) events/g;
  for (const m of text.matchAll(re)) {
    runs.push({
      concurrency: Number(m[1]),
      batchSize: Number(m[2]),
      syncCommit: m[3] === 'on',
      eventsPerSec: Number(m[4]),
      events: Number(m[5]),
    });
  }
  if (runs.length < 2)
    throw unreadable(
      'bench:sim',
      'concurrency C, B event(s) a round trip, sync-commit off: N events/s (N events',
      text,
    );
  return runs;
}

export interface ValidateFigures {
  readonly records: number;
  readonly plainPerSec: number;
  readonly checkedPerSec: number;
  readonly ratio: number;
}

/** The stdout of `pnpm bench:validate`. */
export function parseValidateOutput(text: string): ValidateFigures {
  const plain = /^plain kafkajs\s+(\d+) records in [\d.]+ s = (\d+) records\/s/m.exec(text);
  const checked = /^decoded \+ checked\s+(\d+) records in [\d.]+ s = (\d+) records\/s/m.exec(text);
  const ratio = /^ratio decoded\+checked \/ plain = ([\d.]+)/m.exec(text);
  if (!plain)
    throw unreadable('bench:validate', 'plain kafkajs N records in X s = R records/s', text);
  if (!checked)
    throw unreadable('bench:validate', 'decoded + checked N records in X s = R records/s', text);
  if (!ratio) throw unreadable('bench:validate', 'ratio decoded+checked / plain = R', text);
  return {
    records: Number(plain[1]),
    plainPerSec: Number(plain[2]),
    checkedPerSec: Number(checked[2]),
    ratio: Number(ratio[1]),
  };
}

/** The summary line of `pnpm sim:run`. */
export function parseSimRunSummary(text: string): {
  events: number;
  seconds: number;
  eventsPerSec: number;
} {
  const m = /^sim:run: (\d+) events in ([\d.]+) s = ([\d.]+) events\/s/m.exec(text);
  if (!m) throw unreadable('sim:run', 'sim:run: N events in X s = R events/s', text);
  return { events: Number(m[1]), seconds: Number(m[2]), eventsPerSec: Number(m[3]) };
}

/**
 * Reads `pnpm stack:up`'s log (pino-pretty: `[HH:MM:ss] INFO: ready` then an
 * indented `service: "name"` line) one line at a time; returns the service a
 * line completes as ready (or done, for one-shot services).
 */
export function createReadyLineReader(): (
  line: string,
) => { service: string; kind: 'ready' | 'done' } | undefined {
  let pending: 'ready' | 'done' | undefined;
  return (raw) => {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
    const head = /^\[[\d:.]+\] INFO: (ready|done)\s*$/.exec(line);
    if (head) {
      pending = head[1] as 'ready' | 'done';
      return undefined;
    }
    const field = /^\s+service: "([^"]+)"/.exec(line);
    if (field && pending) {
      const kind = pending;
      pending = undefined;
      return { service: field[1]!, kind };
    }
    if (!/^\s/.test(line)) pending = undefined;
    return undefined;
  };
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
