import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/fake/random.js';
import { FastCsvUnsupported, createFastCsvParser } from '../../src/load/fast-csv.js';
import { createCsvLayout } from '../../src/load/layout.js';
import { csvParserOptions } from '../../src/load/read.js';

/** What csv-parse reads from `bytes` with the loader's options, or 'refused'. */
function csvParse(bytes: Buffer): string[][] | 'refused' {
  try {
    const records: unknown = parse(bytes, csvParserOptions());
    return records as string[][];
  } catch {
    return 'refused';
  }
}

/** The blank lines of the last file {@link fastParse} read. */
let blankLines = 0;

/** What the fast parser reads from `bytes` fed in the chunks `cuts` makes, or 'gave up'. */
function fastParse(bytes: Buffer, cuts: number[]): string[][] | 'gave up' {
  const parser = createFastCsvParser();
  const records: string[][] = [];
  try {
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      records.push(...parser.feed(bytes.subarray(from, cut)));
      from = cut;
    }
    records.push(...parser.end());
    blankLines = parser.blankLines;
    return records;
  } catch (err) {
    if (err instanceof FastCsvUnsupported) return 'gave up';
    throw err;
  }
}

const wholeAndSplit = (text: string | Buffer) => {
  const bytes = Buffer.from(text);
  const whole = fastParse(bytes, []);
  for (let cut = 1; cut < bytes.length; cut++)
    expect(fastParse(bytes, [cut]), `split at byte ${cut}`).toEqual(whole);
  return whole;
};

describe('the fast CSV parser', () => {
  it('reads quotes, escaped quotes, quoted delimiters and every line ending, split anywhere', () => {
    const text = 'id,name\r\n1,"a ""b"", c"\n2,"x\r\ny"\r3,é\n\r\n4,\n';
    expect(wholeAndSplit(text)).toEqual([
      ['id', 'name'],
      ['1', 'a "b", c'],
      ['2', 'x\r\ny'],
      ['3', 'é'],
      ['4', ''],
    ]);
    expect(wholeAndSplit(text)).toEqual(csvParse(Buffer.from(text)));
    expect(blankLines).toBe(1);
  });

  it('drops a leading BOM and reads a last record without a line break', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2')]);
    expect(wholeAndSplit(bytes)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('gives up where csv-parse would refuse the file or read it in a way of its own', () => {
    for (const text of ['a,b\n1,"open', 'a,b\n1,"x"y\n', 'a,b\n1,x"y\n'])
      expect(wholeAndSplit(text), text).toBe('gave up');
  });

  it('gives up on a record longer than its limit (an unclosed quote makes the rest of a file one)', () => {
    const parser = createFastCsvParser(12);
    expect(parser.feed(Buffer.from('a,b\n1,"x\n2,y\n'))).toEqual([['a', 'b']]);
    expect(() => parser.feed(Buffer.from('3,z\n'))).toThrow(FastCsvUnsupported);
  });

  it('reads what csv-parse reads from random files, or gives up; never something else', () => {
    const random = createRandom(20261205);
    const alphabet = ['a', 'b', ' ', 'é', ',', ',', '"', '"', '\n', '\n', '\r', '\r\n'];
    let read = 0;
    for (let n = 0; n < 3000; n++) {
      const parts = Array.from({ length: random.between(0, 24) }, () => random.pick(alphabet));
      const bytes = Buffer.from((random.chance(0.1) ? '\ufeff' : '') + parts.join(''));
      const cuts = [
        ...new Set(Array.from({ length: random.int(4) }, () => random.int(bytes.length + 1))),
      ];
      const fast = fastParse(
        bytes,
        cuts.sort((x, y) => x - y),
      );
      if (fast === 'gave up') continue;
      read++;
      expect(fast, JSON.stringify(bytes.toString())).toEqual(csvParse(bytes));
      const layout = createCsvLayout();
      layout.feed(bytes);
      expect(blankLines, `blank lines of ${JSON.stringify(bytes.toString())}`).toBe(
        layout.blankLines,
      );
    }
    // the comparison is not vacuous: most random files are read, not given up on
    expect(read).toBeGreaterThan(1000);
  });
});
