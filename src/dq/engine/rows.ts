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
