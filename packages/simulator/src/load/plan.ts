/**
 * From scanned files to table plans: the primary key (`id`, `<singular>_id`,
 * or the first unique column), references (`<singular>_id` naming another
 * table's key), final column types, and an order where referenced tables
 * come first.
 */
import { LoadError, formatLocation } from './errors.js';
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

export interface ForeignKeyPlan {
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
  primaryKey: string | undefined;
  foreignKeys: ForeignKeyPlan[];
  /** See ScannedTable.rawCopySafe. */
  rawCopySafe: boolean;
}

const INTEGER_KINDS = ['smallint', 'integer', 'bigint'] as const;
type IntegerKind = (typeof INTEGER_KINDS)[number];

function isIntegerKind(kind: string): kind is IntegerKind {
  return (INTEGER_KINDS as readonly string[]).includes(kind);
}

function primaryKeyOf(scan: ScannedTable): string | undefined {
  const names = scan.columns.map((c) => c.name);
  const named = namedKeyCandidates(scan.table).find((key) => names.includes(key));
  if (named !== undefined) {
    const column = scan.columns.find((c) => c.name === named)!;
    if (column.firstNullLine !== undefined) {
      const location = {
        file: scan.file,
        line: column.firstNullLine,
        column: names.indexOf(named) + 1,
        columnName: named,
      };
      throw new LoadError(
        'NULL_KEY',
        `${formatLocation(location)}: the primary key "${named}" is empty. Every row needs a key.`,
        { location, table: scan.table },
      );
    }
    return named;
  }
  return scan.uniqueColumns[0];
}

function keyColumnPrefix(column: string): string | undefined {
  return /^(.+)_id$/.exec(column)?.[1];
}

export function planTables(scans: ScannedTable[]): TablePlan[] {
  const plans = new Map<string, TablePlan>();
  for (const scan of scans) {
    const primaryKey = primaryKeyOf(scan);
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
      primaryKey,
      foreignKeys: [],
      rawCopySafe: scan.rawCopySafe,
    });
  }

  for (const plan of plans.values()) {
    for (const column of plan.columns) {
      const prefix = keyColumnPrefix(column.name);
      if (prefix === undefined || column.name === plan.primaryKey) continue;
      const target = [...plans.values()].find(
        (other) =>
          other !== plan &&
          other.primaryKey !== undefined &&
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
