import { describe, expect, it } from 'vitest';
import { verdictSummary } from '../../src/validate/report.js';
import type { ValidateResult } from '../../src/validate/run.js';

const passed = { ok: true, count: 0, examples: [] };
const stats = (table: string, records: number) => ({
  table,
  records,
  tombstones: 0,
  keys: records,
  duplicates: 0,
  reorderings: 0,
});

function result(changes: Partial<ValidateResult> = {}): ValidateResult {
  return {
    ok: true,
    tables: [stats('orders', 30), stats('customers', 12)],
    checks: {
      decoding: passed,
      ordering: passed,
      completeness: passed,
      'event-log': passed,
      'business-rules': passed,
    },
    watermark: '0/3A2F1C8',
    caughtUp: true,
    connectorLsn: '0/3A2F1C8',
    connectorState: 'RUNNING',
    ...changes,
  };
}

describe('the verdict in one line (kept for pipeline:status and the console)', () => {
  it('consistent, with what it read', () => {
    expect(verdictSummary(result())).toBe(
      'consistent (42 records of 2 tables, watermark LSN 0/3A2F1C8)',
    );
  });

  it('inconsistent names each failing check with its count, and a stream that did not catch up', () => {
    const failing = { ok: false, count: 3, examples: [] };
    expect(
      verdictSummary(
        result({
          ok: false,
          caughtUp: false,
          checks: { ...result().checks, completeness: failing },
        }),
      ),
    ).toBe(
      'INCONSISTENT, the stream did not catch up: completeness 3 (42 records of 2 tables, watermark LSN 0/3A2F1C8)',
    );
  });
});
