/**
 * From scanned files to table plans: the primary key candidates (`id`,
 * `<singular>_id`, then the unique columns; a generated `row_id` when none),
 * references (`<singular>_id` naming another table's key), final column
 * types, and an order where referenced tables come first.
 */
import { formatLocation, quoteValue } from './errors.js';
import { referenceNames } from './names.js';
import { namedKeyCandidates } from './scan.js';
import type { ScannedTable } from './scan.js';
import { sqlType } from './types.js';
import type { ColumnType } from './types.js';

export interface ColumnPlan {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

interface ForeignKeyPlan {
  column: string;
  refTable: string;
  refColumn: string;
}

export interface TablePlan {
  table: string;
  file: string;
  path: string;
  rows: number;
  bytes: number;
  columns: ColumnPlan[];
  /**
   * Columns that may be the primary key, best first: PostgreSQL takes the first that is
   * unique (the scan proves most; past its memory budget, only PostgreSQL can).
   */
  keyCandidates: string[];
  /** Why a named key candidate (`id`, `<singular>_id`) cannot be the key. */
  rejectedKeys: RejectedKey[];
  /** The key if the first candidate holds, or the generated key's name when none is left. */
  primaryKey: string;
  /** The name of a generated key column (`row_id`), when no column of the file is a key. */
  generatedKey: string | undefined;
  foreignKeys: ForeignKeyPlan[];
  /** See ScannedTable.rawCopySafe. */
  rawCopySafe: boolean;
  /** See ScannedTable.blankLinesAreRows. */
  blankLinesAreRows: boolean;
}

const INTEGER_KINDS = ['smallint', 'integer', 'bigint'] as const;
type IntegerKind = (typeof INTEGER_KINDS)[number];

function isIntegerKind(kind: string): kind is IntegerKind {
  return (INTEGER_KINDS as readonly string[]).includes(kind);
}

export interface RejectedKey {
  column: string;
  reason: string;
}

/** The generated key's name: `row_id`, or `row_id_2`... when the file has such a column. */
export function generatedKeyName(columns: readonly string[]): string {
  let name = 'row_id';
  for (let n = 2; columns.includes(name); n++) name = `row_id_${n}`;
  return name;
}

/** Why a named key column is not a key, as the scan found it. */
function rejection(scan: ScannedTable, name: string): RejectedKey | undefined {
  const index = scan.columns.findIndex((c) => c.name === name);
  const { uniqueness } = scan.columns[index]!;
  const at = (line: number | undefined) =>
    formatLocation({ file: scan.file, line, column: index + 1 });
  if (uniqueness.kind === 'null')
    return { column: name, reason: `empty at ${at(uniqueness.line)}` };
  if (uniqueness.kind === 'repeated') {
    return {
      column: name,
      reason: `value ${quoteValue(uniqueness.value)} repeats at ${at(uniqueness.line)}`,
    };
  }
  return undefined;
}

function keyPlanOf(
  scan: ScannedTable,
): Pick<TablePlan, 'keyCandidates' | 'rejectedKeys' | 'primaryKey' | 'generatedKey'> {
  const names = scan.columns.map((c) => c.name);
  const named = namedKeyCandidates(scan.table).filter((key) => names.includes(key));
  const rejectedKeys = named.flatMap((key) => rejection(scan, key) ?? []);
  const possible = (kind: string) => kind === 'unique' || kind === 'unknown';
  const others =
    scan.rows === 0
      ? []
      : scan.columns
          .filter((c) => !named.includes(c.name) && possible(c.uniqueness.kind))
          .map((c) => c.name);
  const keyCandidates = [
    ...named.filter((key) => !rejectedKeys.some((r) => r.column === key)),
    ...others,
  ];
  const generatedKey = keyCandidates.length === 0 ? generatedKeyName(names) : undefined;
  return {
    keyCandidates,
    rejectedKeys,
    primaryKey: keyCandidates[0] ?? generatedKey!,
    generatedKey,
  };
}

function keyColumnPrefix(column: string): string | undefined {
  return /^(.+)_id$/.exec(column)?.[1];
}

export function planTables(scans: ScannedTable[]): TablePlan[] {
  const plans = new Map<string, TablePlan>();
  for (const scan of scans) {
    const keyPlan = keyPlanOf(scan);
    const { primaryKey } = keyPlan;
    const columns = scan.columns.map((column): ColumnPlan => {
      const isKey = column.name === primaryKey || keyColumnPrefix(column.name) !== undefined;
      const inferred = column.inferrer.result({ minInteger: isKey ? 'integer' : 'smallint' });
      return {
        name: column.name,
        type: column.declared ?? inferred.type,
        nullable: inferred.nullable,
      };
    });
    plans.set(scan.table, {
      table: scan.table,
      file: scan.file,
      path: scan.path,
      rows: scan.rows,
      bytes: scan.bytes,
      columns,
      ...keyPlan,
      foreignKeys: [],
      rawCopySafe: scan.rawCopySafe,
      blankLinesAreRows: scan.blankLinesAreRows,
    });
  }

  for (const plan of plans.values()) {
    for (const column of plan.columns) {
      const prefix = keyColumnPrefix(column.name);
      if (prefix === undefined || column.name === plan.primaryKey) continue;
      const target = [...plans.values()].find(
        (other) =>
          other !== plan &&
          other.generatedKey === undefined &&
          referenceNames(other.table).includes(prefix),
      );
      if (target === undefined) continue;
      const key = target.columns.find((c) => c.name === target.primaryKey)!;
      if (isIntegerKind(column.type.kind) && isIntegerKind(key.type.kind)) {
        const wider =
          INTEGER_KINDS[
            Math.max(INTEGER_KINDS.indexOf(column.type.kind), INTEGER_KINDS.indexOf(key.type.kind))
          ]!;
        column.type = { kind: wider };
        key.type = { kind: wider };
      } else if (sqlType(column.type) !== sqlType(key.type)) {
        continue; // different kinds of value: not a reference
      }
      plan.foreignKeys.push({ column: column.name, refTable: target.table, refColumn: key.name });
    }
  }
  return dependencyOrder([...plans.values()]);
}

/** Referenced tables first; input order otherwise; a cycle keeps input order. */
function dependencyOrder(plans: TablePlan[]): TablePlan[] {
  const ordered: TablePlan[] = [];
  const pending = [...plans];
  while (pending.length > 0) {
    const ready = pending.find((plan) =>
      plan.foreignKeys.every(
        (fk) => fk.refTable === plan.table || ordered.some((done) => done.table === fk.refTable),
      ),
    );
    const next = ready ?? pending[0]!;
    ordered.push(next);
    pending.splice(pending.indexOf(next), 1);
  }
  return ordered;
}
