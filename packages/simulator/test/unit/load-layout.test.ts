import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvLayout, locateFields } from '../../src/load/layout.js';
import type { FieldRef } from '../../src/load/layout.js';
import { csvParserOptions, isEmptyRecord, readCsvBatches } from '../../src/load/read.js';
import { decimalShape, isDate, isInteger, timestampShape } from '../../src/load/types.js';

/** What csv-parse reads from `text` with the loader's options. */
function parseAll(text: string): string[][] {
  const records: unknown = parse(text, csvParserOptions());
  return records as string[][];
}

/** Start lines of `targets` in `text`, fed whole and then split at every byte. */
function linesOf(text: string | Buffer, targets: FieldRef[]): (number | undefined)[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const whole = createCsvLayout(targets);
  whole.feed(bytes);
  for (let cut = 1; cut < bytes.length; cut++) {
    const split = createCsvLayout(targets);
    split.feed(bytes.subarray(0, cut));
    split.feed(bytes.subarray(cut));
    expect(split.found, `split at byte ${cut}`).toEqual(whole.found);
  }
  return whole.found;
}

function blankLinesOf(text: string): number {
  const layout = createCsvLayout();
  layout.feed(Buffer.from(text));
  return layout.blankLines;
}

describe('CSV layout: physical lines of records and fields', () => {
  it('counts LF, CRLF and a lone CR as one line each', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const text = ['id,name', '1,a', '2,b', '3,c'].join(nl) + nl;
      expect(
        linesOf(text, [
          { record: 0, field: 0 },
          { record: 1, field: 1 },
          { record: 3, field: 0 },
        ]),
        JSON.stringify(nl),
      ).toEqual([1, 2, 4]);
    }
  });

  it('follows quoted newlines (LF, CRLF, CR), escaped quotes and quoted commas', () => {
    const text =
      'id,note,qty\r\n1,"two\r\nlines, ""quoted""",2\r\n2,"a\rb\nc",3\r\n3,"x,y",\r\n4,z,5';
    expect(
      linesOf(text, [
        { record: 1, field: 0 },
        { record: 1, field: 2 },
        { record: 2, field: 0 },
        { record: 2, field: 2 },
        { record: 3, field: 2 },
        { record: 4, field: 1 },
      ]),
    ).toEqual([2, 3, 4, 6, 7, 8]);
  });

  it('skips blank lines as csv-parse does, and counts them', () => {
    const text = '\nid,name\n\n1,a\r\n\r\n2,""\n\n';
    expect(
      linesOf(text, [
        { record: 0, field: 0 },
        { record: 1, field: 0 },
        { record: 2, field: 1 },
      ]),
    ).toEqual([2, 4, 6]);
    expect(blankLinesOf(text)).toBe(4);
    expect(blankLinesOf('id,name\r\n1,"a\n\nb"\r\n2,c\r\n')).toBe(0);
    expect(blankLinesOf('id\n1\n')).toBe(0);
    expect(blankLinesOf('id\n1')).toBe(0);
    expect(blankLinesOf('id\n1\n\r')).toBe(1);
  });

  it('ignores a BOM, even split from the rest of the file', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('"id",x\n1,2\n')]);
    expect(
      linesOf(bytes, [
        { record: 0, field: 1 },
        { record: 1, field: 1 },
      ]),
    ).toEqual([1, 2]);
    const layout = createCsvLayout();
    for (const byte of bytes) layout.feed(Uint8Array.of(byte));
    expect(layout.records).toBe(2);
  });

  it('counts the records csv-parse reads', () => {
    const texts = [
      'a,b\n1,2\n',
      'a,b\r\n1,"x\r\ny"\r\n\r\n2,3',
      '\ufeffa\n\n\n"b"\r"c"\n',
      'a,b\n,\n",",""\n',
    ];
    for (const text of texts) {
      const layout = createCsvLayout();
      layout.feed(Buffer.from(text));
      expect(layout.records, JSON.stringify(text)).toBe(parseAll(text).length);
    }
  });

  it('in a one-column file, counts blank lines after the header as rows, as csv-parse then reads them', () => {
    const text = '\n\nnote\nfirst\n\n""\r\nlast\r\n\r\n';
    const parsed: unknown = parse(text, csvParserOptions(true));
    const records = (parsed as string[][]).filter((fields, i, all) =>
      all.slice(0, i + 1).some((f) => !isEmptyRecord(f)),
    );
    expect(records).toEqual([['note'], ['first'], [''], [''], ['last'], ['']]);
    const layout = createCsvLayout(
      [
        { record: 2, field: 0 },
        { record: 5, field: 0 },
      ],
      true,
    );
    layout.feed(Buffer.from(text));
    expect(layout.records).toBe(records.length);
    expect(layout.found).toEqual([5, 8]);
    expect(layout.blankLines).toBe(4);
  });

  it('leaves a field the file does not reach undefined', () => {
    expect(linesOf('a,b\n1,2\n', [{ record: 5, field: 0 }])).toEqual([undefined]);
  });
});

describe('reading a file in batches', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mdp-layout-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the records csv-parse gives, and locates fields in the file', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) =>
      i % 7 === 0 ? `${i},"multi\r\nline, ${i}"` : `${i},plain ${i}`,
    );
    const text = `\ufeffid,note\r\n${rows.join('\r\n')}\r\n`;
    const path = join(dir, 'big.csv');
    await writeFile(path, text);
    const records: string[][] = [];
    let batches = 0;
    for await (const batch of readCsvBatches(path)) {
      batches++;
      records.push(...batch);
    }
    expect(records).toEqual(parseAll(text));
    expect(batches).toBeLessThan(records.length / 100);
    // Record r (r ≥ 1) starts after the header and the extra line of every multi-line row before it.
    const lineOf = (r: number) => 1 + r + Math.ceil((r - 1) / 7);
    expect(
      await locateFields(path, [
        { record: 1, field: 1 },
        { record: 2, field: 0 },
        { record: 29_999, field: 1 },
      ]),
    ).toEqual([lineOf(1), lineOf(2), lineOf(29_999)]);
  });

  it('fails with MALFORMED_CSV on a quote never closed', async () => {
    const path = join(dir, 'open.csv');
    await writeFile(path, 'id,name\n1,"Ann\n2,Bob\n');
    const read = async () => {
      for await (const batch of readCsvBatches(path)) void batch;
    };
    await expect(read()).rejects.toMatchObject({ code: 'MALFORMED_CSV' });
  });
});

describe('value shapes: the scanners implement their regular expressions', () => {
  const INTEGER = /^-?(?:0|[1-9]\d*)$/;
  const DECIMAL = /^-?(0|[1-9]\d*)(?:\.(\d+))?$/;
  const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  const TIMESTAMP =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/;
  const numbers = [
    ...[
      '',
      '-',
      '0',
      '-0',
      '00',
      '01',
      '1',
      '-1',
      '12',
      '+1',
      ' 1',
      '1 ',
      '1e5',
      '9007199254740993',
    ],
    ...['0.', '.5', '0.5', '-0.50', '1.2.3', '12.345', '1,5', '١٢', '1.', '-.5', '10.0x'],
  ];
  const dates = [
    ...['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '2024-04-31', '2024-12-31'],
    ...['2024-13-01', '2024-00-10', '2024-01-00', '0000-01-01', '2024-1-01', '2024-01-011'],
  ];
  const stamps = [
    '2024-01-02T03:04:05+01:00',
    '2024-01-02 03:04:05.123456Z',
    '2024-01-02T03:04-0530',
    '2024-01-02T03:04:05',
    '2024-01-02 03:04',
    '2024-01-02T24:00:00Z',
    '2024-01-02T23:60:00Z',
    '2024-01-02T23:59:60Z',
    '2024-01-02T03:04:05.1234567Z',
    '2024-01-02T03:04:05.Z',
    '2024-01-02T03:04:05+16',
    '2024-01-02T03:04:05+15:60',
    '2024-01-02T03:04:05+05:',
    '2024-01-02T03:04:05+053',
    '2024-01-02T03:04:05+05300',
    '2024-01-02T03:04:05z',
    '2024-01-02t03:04:05Z',
    '2024-01-02T03:04:5',
    '2024-02-30T00:00Z',
    '2024-01-02T03:04Zx',
  ];

  /** A real calendar day (Date rolls 2023-02-29 over to March). */
  function validDate(y: string, m: string, d: string): boolean {
    const date = new Date(Date.UTC(2000, Number(m) - 1, Number(d)));
    date.setUTCFullYear(Number(y));
    return (
      Number(y) >= 1 && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)
    );
  }

  function referenceDate(value: string): boolean {
    const m = DATE.exec(value);
    return m !== null && validDate(m[1]!, m[2]!, m[3]!);
  }

  function referenceStamp(value: string): 'tz' | 'naive' | undefined {
    const m = TIMESTAMP.exec(value);
    if (!m || !validDate(m[1]!, m[2]!, m[3]!)) return undefined;
    if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined;
    if (m[7] === undefined) return 'naive';
    if (m[7] !== 'Z' && (Number(m[8]) > 15 || Number(m[9] ?? 0) > 59)) return undefined;
    return 'tz';
  }

  it('integers and decimals', () => {
    for (const value of numbers) {
      expect(isInteger(value), value).toBe(INTEGER.test(value));
      const m = DECIMAL.exec(value);
      expect(decimalShape(value), value).toEqual(
        m ? { intDigits: m[1] === '0' ? 0 : m[1]!.length, scale: m[2]?.length ?? 0 } : undefined,
      );
    }
  });

  it('dates and timestamps', () => {
    for (const value of [...dates, ...stamps]) {
      expect(isDate(value), value).toBe(referenceDate(value));
      expect(timestampShape(value), value).toBe(referenceStamp(value));
    }
  });
});
