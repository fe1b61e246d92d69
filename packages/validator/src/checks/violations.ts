/** What the checks report: each problem is a value with the check that found it and where. */
type CheckName = 'decoding' | 'ordering' | 'completeness' | 'event-log' | 'business-rules';
type StreamViolationKind =
  'poison' | 'duplicate' | 'reordering' | 'missing' | 'extra' | 'mismatched' | 'event-missing';

export interface Violation {
  check: CheckName;
  /**
   * A business rule's kind is the name of the domain invariant it broke (e.g.
   * negative-stock); a rule of your own (validate --rules) names its kind `rule:<name>`.
   */
  kind: StreamViolationKind | (string & {});
  table: string;
  key?: string;
  /** topic/partition/offset of the record at fault, when there is one. */
  at?: string;
  detail: string;
}

/** Duplicates are tolerated (at-least-once delivery): counted, never a failure. */
const TOLERATED: ReadonlySet<Violation['kind']> = new Set(['duplicate']);

const CHECKS = [
  'decoding',
  'ordering',
  'completeness',
  'event-log',
  'business-rules',
] as const satisfies readonly CheckName[];

/** How many problems of a check a report shows. */
const EXAMPLES = 5;

export type CheckResults = Record<CheckName, { ok: boolean; count: number; examples: Violation[] }>;

/**
 * The violations sink of the stream's processors, with bounded state: per check a count of
 * the failing ones and their first examples (a tolerated one is shown only when no failing
 * one fills the examples).
 */
export function createViolationSink() {
  const failing = new Map<CheckName, { count: number; first: Violation[] }>();
  const tolerated = new Map<CheckName, Violation[]>();
  const keep = (list: Violation[], v: Violation) => list.length < EXAMPLES && list.push(v);
  return {
    next(v: Violation): void {
      if (TOLERATED.has(v.kind)) {
        const list = tolerated.get(v.check) ?? [];
        keep(list, v);
        tolerated.set(v.check, list);
        return;
      }
      const entry = failing.get(v.check) ?? { count: 0, first: [] };
      entry.count += 1;
      keep(entry.first, v);
      failing.set(v.check, entry);
    },
    /** Every check's result, with `more` (found at the verdict, not kept) counted in. */
    results(more: readonly Violation[]): CheckResults {
      const results = {} as CheckResults;
      for (const check of CHECKS) {
        const kept = failing.get(check) ?? { count: 0, first: [] };
        const mine = more.filter((v) => v.check === check);
        const failed = mine.filter((v) => !TOLERATED.has(v.kind));
        const count = kept.count + failed.length;
        results[check] = {
          ok: count === 0,
          count,
          examples: [
            ...kept.first,
            ...failed,
            ...(tolerated.get(check) ?? []),
            ...mine.filter((v) => TOLERATED.has(v.kind)),
          ].slice(0, EXAMPLES),
        };
      }
      return results;
    },
  };
}
