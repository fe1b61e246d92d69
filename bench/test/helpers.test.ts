import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  benchPlot,
  overRun,
  groupJobs,
  jobKind,
  keepReport,
  previousReport,
  parseBatches,
  judgeStep,
  markdownTable,
  parseBenchArgs,
  parseLoadOutput,
  parseSoakArgs,
  parseSimSpeedOutput,
  parseValidateOutput,
  PARTS,
  percentile,
  parseSimRunSummary,
  parseStackUpOutput,
  processTreeRssKb,
  pssKbOf,
  readyEventOf,
  logRecordOf,
  renderReport,
  summarize,
  type BenchError,
  type Report,
} from '../src/index.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as BenchError).code;
  }
  return undefined;
};

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile([42], 50)).toBe(42);
  });
  it('is NaN without samples and refuses a percentile out of range', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
  it('summarizes without reordering the input', () => {
    const xs = [3, 1, 2];
    expect(summarize(xs)).toEqual({ n: 3, p50: 2, p95: 3, max: 3 });
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('args', () => {
  it('defaults to every part', () => {
    expect(parseBenchArgs([])).toEqual({
      quick: false,
      parts: PARTS,
      jsonFile: undefined,
      plotFile: undefined,
    });
  });
  it('reads --quick, --only (in run order), --json and --plot, after pnpm’s --', () => {
    expect(
      parseBenchArgs([
        '--',
        '--quick',
        '--only',
        'memory, load',
        '--json',
        'out.json',
        '--plot',
        'out.html',
      ]),
    ).toEqual({
      quick: true,
      parts: ['load', 'memory'],
      jsonFile: 'out.json',
      plotFile: 'out.html',
    });
  });
  it('returns help', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
    expect(parseBenchArgs(['-h'])).toBe('help');
  });
  it('refuses an unknown flag, listing the allowed ones', () => {
    let message = '';
    try {
      parseBenchArgs(['--fast']);
    } catch (err) {
      expect((err as BenchError).code).toBe('BENCH_USAGE');
      message = (err as Error).message;
    }
    expect(message).toContain('--quick');
    expect(message).toContain('--only');
  });
  it('refuses an unknown part, an empty --only, an empty --json and positionals', () => {
    expect(codeOf(() => parseBenchArgs(['--only', 'load,speed']))).toBe('BENCH_USAGE');
    expect(codeOf(() => parseBenchArgs(['--only', ',']))).toBe('BENCH_USAGE');
    expect(codeOf(() => parseBenchArgs(['--json', '']))).toBe('BENCH_USAGE');
    expect(codeOf(() => parseBenchArgs(['load']))).toBe('BENCH_USAGE');
  });
});

describe('soak flags', () => {
  it('defaults to an hour at 200/s with a fault every 5 minutes', () => {
    expect(parseSoakArgs([])).toEqual({ minutes: 60, rate: 200, faultEveryMinutes: 5 });
    expect(parseSoakArgs(['--', '--minutes', '10', '--fault-every', '2', '--json', 'x'])).toEqual({
      minutes: 10,
      rate: 200,
      faultEveryMinutes: 2,
      json: 'x',
    });
    expect(parseSoakArgs(['-h'])).toBe('help');
  });
  it('refuses an unknown flag, listing the allowed ones, and a rate that is not positive', () => {
    let message = '';
    try {
      parseSoakArgs(['--hours', '1']);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('--minutes');
    expect(message).toContain('--fault-every');
    expect(codeOf(() => parseSoakArgs(['--rate', '0']))).toBe('BENCH_USAGE');
    expect(codeOf(() => parseSoakArgs(['--minutes', 'soon']))).toBe('BENCH_USAGE');
  });
  it('--from draws a kept run, so it needs --plot', () => {
    expect(parseSoakArgs(['--from', 'run.json', '--plot', 'run.html'])).toMatchObject({
      from: 'run.json',
      plot: 'run.html',
    });
    expect(codeOf(() => parseSoakArgs(['--from', 'run.json']))).toBe('BENCH_USAGE');
  });
});

describe('--plot', () => {
  it('a chart over a run: seconds since its start, in time order, a value per series', () => {
    const chart = overRun({ id: 'lag', title: 'lag', unit: 'ms', labels: ['a', 'b'] }, 1000, [
      { atMs: 4000, values: [3, 4] },
      { atMs: 2000, values: [1] },
    ]);
    expect(chart.x).toEqual([1, 3]);
    expect(chart.series).toEqual([
      { label: 'a', values: [1, 3] },
      { label: 'b', values: [null, 4] },
    ]);
  });
  it("the bench's page: every figure's charts, distributions and memory beside the previous run's", () => {
    const lag = (values: number[]) =>
      overRun(
        { id: 'cdc-lag', title: 'lag', unit: 'ms', labels: ['lag'] },
        0,
        values.map((v, i) => ({ atMs: i * 1000, values: [v] })),
      );
    const report = (date: string, lags: number[], sparkBytes: number) => ({
      date,
      nproc: 2,
      loadAverageStart: [0.5, 0.4, 0.3],
      loadAverageEnd: [2, 1, 1],
      quick: false,
      parts: [
        {
          part: 'cdc-lag' as const,
          ok: true,
          seconds: 60,
          figures: [{ name: 'CDC lag', value: 'p50 25 ms', charts: [lag(lags)] }],
        },
        {
          part: 'memory' as const,
          ok: true,
          seconds: 1,
          figures: [
            {
              name: 'memory (PSS): spark',
              value: '',
              data: { service: 'spark', treePssBytes: sparkBytes, treeRssBytes: 2 * sparkBytes },
            },
            {
              name: 'memory (PSS): every service',
              value: '',
              data: { totalPssBytes: sparkBytes },
            },
          ],
        },
      ],
    });
    const page = benchPlot(
      report('2026-12-04T06:00:00.000Z', [30, 10, 20, 40], 2 * 1024 ** 3),
      report('2026-12-03T06:00:00.000Z', [50, 60], 3 * 1024 ** 3),
    );
    expect(page.charts.map((c) => c.id)).toEqual(['cdc-lag', 'cdc-lag-distribution', 'memory']);
    const [, distribution, memory] = page.charts;
    expect(distribution!.x).toHaveLength(101);
    // percentile 0, 25, 50, 100: nearest rank over 10, 20, 30, 40
    expect([0, 25, 50, 100].map((p) => distribution!.series[0]!.values[p])).toEqual([
      10, 10, 20, 40,
    ]);
    expect(distribution!.series[1]).toMatchObject({ label: 'previous run' });
    expect(memory!.series.map((s) => s.values)).toEqual([[2048], [3072]]);
    expect(page.notes.slice(0, 3)).toEqual([
      '2 cores; load average at the start 0.50 0.40 0.30, at the end 2.00 1.00 1.00',
      'previous run: 2026-12-03T06:00:00.000Z',
      'CDC lag: p50 25 ms',
    ]);
  });
});

describe('table', () => {
  it('escapes pipes and folds line breaks', () => {
    expect(markdownTable(['a', 'b'], [['x|y', 'one\ntwo']])).toBe(
      ['| a    | b       |', '| ---- | ------- |', '| x\\|y | one two |'].join('\n'),
    );
  });
  it('renders the machine, each figure beside its baseline, and a failed part with its reason', () => {
    const text = renderReport({
      date: '2026-01-01T00:00:00.000Z',
      nproc: 2,
      loadAverageStart: [1, 2, 3],
      loadAverageEnd: [4, 5, 6],
      quick: true,
      parts: [
        {
          part: 'validate',
          ok: true,
          seconds: 1,
          figures: [{ name: 'decode', value: '10 records/s', baseline: '20 records/s' }],
        },
        {
          part: 'memory',
          ok: false,
          seconds: 0,
          figures: [],
          error: { code: 'BENCH_X', message: 'no ps' },
        },
      ],
    });
    expect(text).toContain('nproc 2');
    expect(text).toContain('at start 1.00 2.00 3.00, at end 4.00 5.00 6.00');
    expect(text).toMatch(/\| validate +\| decode +\| 10 records\/s +\| 20 records\/s +\|/);
    expect(text).toMatch(/\| memory +\| FAILED .*BENCH_X: no ps/);
  });
});

describe('reading the CLIs’ JSON', () => {
  it('reads bench:load --json -', () => {
    const figures = {
      orderRows: 1_000_000,
      psql: { seconds: 2, rowsPerSec: 500_000 },
      copyPass: { path: 'binary', seconds: 2.5, rowsPerSec: 400_000, ratio: 0.8 },
      scanAndCopy: { seconds: 4, rowsPerSec: 250_000, ratio: 0.5 },
      wholeLoad: { rows: 1_600_000, seconds: 8, rowsPerSec: 200_000 },
    };
    expect(parseLoadOutput(JSON.stringify(figures))).toEqual(figures);
    expect(codeOf(() => parseLoadOutput('error: something'))).toBe('BENCH_UNREADABLE');
    const { wholeLoad: _missing, ...partial } = figures;
    expect(() => parseLoadOutput(JSON.stringify(partial))).toThrow(/wholeLoad\.rows/);
  });
  it('reads bench:sim --part speed --json -', () => {
    const speed = [
      { concurrency: 1, batchSize: 1, syncCommit: false, eventsPerSec: 45, events: 450 },
      { concurrency: 8, batchSize: 100, syncCommit: true, eventsPerSec: 1283, events: 12830 },
    ];
    expect(parseSimSpeedOutput(JSON.stringify({ seconds: 10, speed }))).toEqual(speed);
    expect(codeOf(() => parseSimSpeedOutput(''))).toBe('BENCH_UNREADABLE');
    expect(codeOf(() => parseSimSpeedOutput(JSON.stringify({ speed: speed.slice(1) })))).toBe(
      'BENCH_UNREADABLE',
    );
    expect(codeOf(() => parseSimSpeedOutput(JSON.stringify({ speed: [{}, {}] })))).toBe(
      'BENCH_UNREADABLE',
    );
  });
  it('reads bench:validate --json -, sim:run --json -, stack:up --json', () => {
    const validate = { records: 20000, plainPerSec: 20000, checkedPerSec: 5000, ratio: 0.25 };
    expect(parseValidateOutput(JSON.stringify(validate))).toEqual(validate);
    expect(codeOf(() => parseValidateOutput('plain kafkajs'))).toBe('BENCH_UNREADABLE');
    expect(
      parseSimRunSummary(JSON.stringify({ applied: 500, elapsedMs: 10_000, ratePerSec: 50 })),
    ).toEqual({ events: 500, seconds: 10, eventsPerSec: 50 });
    expect(codeOf(() => parseSimRunSummary('sim:run: 500 events in 10 s'))).toBe(
      'BENCH_UNREADABLE',
    );
    expect(parseStackUpOutput('{"alreadyUp":false,"seconds":31.3}').seconds).toBe(31.3);
  });
  it("reads stack:up's JSON log lines: ready and done, nothing else", () => {
    const lines = [
      '{"level":30,"time":1,"msg":"creating the PostgreSQL cluster (initdb)","dataDir":"/x"}',
      '{"level":30,"time":2,"service":"postgres-init","msg":"done"}',
      '{"level":30,"time":3,"service":"kafka","msg":"ready"}',
      '{"level":30,"time":4,"service":"kafka","msg":"starting"}',
      '[16:33:46] INFO: ready',
      '{not json',
    ];
    expect(lines.map(readyEventOf).filter(Boolean)).toEqual([
      { service: 'postgres-init', kind: 'done' },
      { service: 'kafka', kind: 'ready' },
    ]);
    expect(logRecordOf(lines[0]!)).toMatchObject({
      msg: 'creating the PostgreSQL cluster (initdb)',
    });
    expect(logRecordOf('[1] INFO: x')).toBeUndefined();
    expect(logRecordOf('[1, 2]')).toBeUndefined();
  });
  it('sums the RSS of a process tree', () => {
    const ps = [
      '  10     1   100',
      '  11    10  1000',
      '  12    11    50',
      '  13     1     7',
      'junk',
    ].join('\n');
    expect(processTreeRssKb(ps, 10)).toEqual({ rssKb: 1150, pids: [10, 11, 12] });
    expect(processTreeRssKb(ps, 99)).toEqual({ rssKb: 0, pids: [] });
  });
  it('reads the PSS of a process from its smaps_rollup', () => {
    const rollup = [
      '55d0c0a00000-7ffd6a1f2000 ---p 00000000 00:00 0                          [rollup]',
      'Rss:              483120 kB',
      'Pss:               76012 kB',
      'Pss_Anon:          20000 kB',
    ].join('\n');
    expect(pssKbOf(rollup)).toBe(76012);
    expect(pssKbOf('')).toBeUndefined();
  });
});

describe('sustained-rate rule', () => {
  const rows = (lag: (i: number) => number) =>
    Array.from({ length: 90 }, (_, i) => ({ commitMs: i * 1000, latencyMs: lag(i) }));
  it('passes a steady lag', () => {
    const v = judgeStep({ rate: 50, achievedPerSec: 50, rows: rows(() => 4000), catchUpMs: 4000 });
    expect(v).toMatchObject({ sustained: true, startLagMs: 4000, endLagMs: 4000 });
  });
  it('fails a growing lag, a slow simulator, and a silver that never caught up', () => {
    expect(
      judgeStep({
        rate: 50,
        achievedPerSec: 50,
        rows: rows((i) => 3000 + 200 * i),
        catchUpMs: 20000,
      }).sustained,
    ).toBe(false);
    expect(
      judgeStep({ rate: 800, achievedPerSec: 500, rows: rows(() => 4000), catchUpMs: 4000 })
        .sustained,
    ).toBe(false);
    expect(
      judgeStep({ rate: 50, achievedPerSec: 50, rows: rows(() => 4000), catchUpMs: NaN }).sustained,
    ).toBe(false);
    expect(judgeStep({ rate: 50, achievedPerSec: 50, rows: [], catchUpMs: 1 }).sustained).toBe(
      false,
    );
  });
});

describe('the Spark job as the bench reads it', () => {
  const line = (time: string, seconds: number, records: Record<string, number>) =>
    `<nil> INF ${JSON.stringify({ time, level: 'info', msg: 'batch written', seconds, records })}`;

  it('reads the batches that ended in the window from the job log, whatever prefixes a line', () => {
    const log = [
      line('2026-12-03T10:00:01.000Z', 9.5, { a: 400, b: 3 }),
      '<nil> INF not json {',
      '<nil> INF {"time": "2026-12-03T10:00:02.000Z", "msg": "ready"}',
      line('2026-12-03T10:00:09.000Z', 7.25, { a: 10 }),
      line('2026-12-03T10:01:00.000Z', 1, {}),
    ].join('\n');
    const from = Date.parse('2026-12-03T10:00:01.000Z');
    expect(parseBatches(log, from, from + 10_000)).toEqual([
      { endMs: from, seconds: 9.5, records: 403 },
      { endMs: from + 8000, seconds: 7.25, records: 10 },
    ]);
  });

  it('groups Spark UI jobs by kind, without versions, file counts or JVM call sites', () => {
    expect(jobKind({ name: 'x', description: 'Delta: Compute snapshot for version: 12' })).toBe(
      'Delta: Compute snapshot for version N',
    );
    expect(jobKind({ name: 'first at /repo/spark/mdp_spark/job.py:188' })).toBe(
      'first at job.py:188',
    );
    expect(jobKind({ name: 'save at NativeMethodAccessorImpl.java:0' })).toBe('save');
    const job = (description: string, start: string, end: string) => ({
      name: 'n',
      description,
      submissionTime: `2026-12-03T10:00:${start}GMT`,
      completionTime: `2026-12-03T10:00:${end}GMT`,
    });
    const from = Date.parse('2026-12-03T10:00:00.000Z');
    const kinds = groupJobs(
      [
        job('Rewriting 1 files', '01.000', '01.500'),
        job('Rewriting 3 files', '02.000', '02.250'),
        job('Compute snapshot for version: 3', '03.000', '05.000'),
        job('Compute snapshot for version: 4', '59.000', '59.100'),
      ],
      from,
      from + 30_000,
    );
    expect(kinds).toEqual([
      { kind: 'Compute snapshot for version N', jobs: 1, seconds: 2 },
      { kind: 'Rewriting K files', jobs: 2, seconds: 0.75 },
    ]);
  });
});

describe('the bench history', () => {
  const report = (date: string, quick: boolean, value: string): Report => ({
    date,
    nproc: 2,
    loadAverageStart: [0.5, 1, 1],
    loadAverageEnd: [1, 1, 1],
    quick,
    parts: [{ part: 'freshness', ok: true, seconds: 60, figures: [{ name: 'fresh', value }] }],
  });

  it('compares a run with the newest kept run of the same kind, skipping unreadable files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
    expect(await previousReport(dir, false)).toBeUndefined();
    await keepReport(dir, report('2026-12-01T10:00:00.000Z', false, 'p95 20 s'));
    await keepReport(dir, report('2026-12-02T10:00:00.000Z', true, 'p95 30 s'));
    writeFileSync(join(dir, '2026-12-03T10-00-00.000Z.json'), '{"date": "2026-12');
    const previous = await previousReport(dir, false);
    expect(previous?.date).toBe('2026-12-01T10:00:00.000Z');
    const table = renderReport(report('2026-12-04T10:00:00.000Z', false, 'p95 9 s'), previous);
    expect(table).toContain(
      'previous run (2026-12-01T10:00:00.000Z, load at start 0.50 1.00 1.00)',
    );
    expect(table).toMatch(/\| fresh +\| p95 9 s +\|.*\| p95 20 s +\|/);
    expect(renderReport(report('2026-12-04T10:00:00.000Z', false, 'p95 9 s'))).not.toContain(
      'previous',
    );
  });
});
