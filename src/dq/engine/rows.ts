import type { Cell, RowView } from '../evaluate/values.ts';

/** A CSV record seen through its object's header. */
export class CsvRow implements RowView {
  values: (string | null)[] = [];
  private readonly index: Map<string, number>;
  constructor(index: Map<string, number>) {
    this.index = index;
  }
  get(column: string): Cell {
    const i = this.index.get(column);
    return i === undefined ? undefined : this.values[i];
  }
  has(column: string): boolean {
    return this.index.has(column);
  }
}

/**
 * A JSON Lines record. An absent key reads as NULL, as Spark reads JSON: the columns of
 * JSON data are the union of keys, and a record need not repeat null fields.
 */
export class JsonRow implements RowView {
  value: Record<string, unknown> = {};
  get(column: string): Cell {
    const v = this.value[column];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return JSON.stringify(v);
  }
  has(_column: string): boolean {
    return true;
  }
}

/**
 * A Parquet record: typed values as Spark reads them. 64-bit integers become numbers when
 * exact (else their digits), dates "YYYY-MM-DD", timestamps ISO-8601 in UTC.
 */
export class ParquetRow implements RowView {
  value: Record<string, unknown> = {};
  private readonly columns: Set<string>;
  private readonly dateColumns: Set<string>;
  constructor(columns: string[], dateColumns: Set<string>) {
    this.columns = new Set(columns);
    this.dateColumns = dateColumns;
  }
  get(column: string): Cell {
    if (!this.columns.has(column)) return undefined;
    return parquetCell(this.value[column], this.dateColumns.has(column));
  }
  has(column: string): boolean {
    return this.columns.has(column);
  }
}

export function parquetCell(v: unknown, isDate: boolean): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }
  if (v instanceof Date) return isDate ? v.toISOString().slice(0, 10) : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}
