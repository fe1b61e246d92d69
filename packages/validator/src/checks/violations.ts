/** What the checks report: each problem is a value with the check that found it and where. */
type CheckName = 'decoding' | 'ordering' | 'completeness' | 'event-log' | 'business-rules';
export type ViolationKind =
  | 'poison'
  | 'duplicate'
  | 'reordering'
  | 'missing'
  | 'extra'
  | 'mismatched'
  | 'event-missing'
  | 'status-backwards'
  | 'cancelled-shipped'
  | 'negative-stock';

export interface Violation {
  check: CheckName;
  kind: ViolationKind;
  table: string;
  key?: string;
  /** topic/partition/offset of the record at fault, when there is one. */
  at?: string;
  detail: string;
}

/** Duplicates are tolerated (at-least-once delivery): counted, never a failure. */
export const TOLERATED: ReadonlySet<ViolationKind> = new Set(['duplicate']);
