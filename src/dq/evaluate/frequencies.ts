import type { Cell, RowView } from './values.ts';

/**
 * Exact counts of each distinct value (or tuple of values) of some columns. This is the
 * state that grows with the data: one entry per distinct value. Uniqueness, IsUnique,
 * IsPrimaryKey, DistinctValuesCount, UniqueValueRatio and Entropy share one table per
 * (columns, where) pair.
 */
export class FrequencyTable {
  readonly columns: string[];
  readonly counts = new Map<string, number>();
  /** Rows whose key had at least one non-null column (the denominator of Uniqueness). */
  nonNullRows = 0;

  constructor(columns: string[]) {
    this.columns = columns;
  }

  /** The key of a row, or null when every column is NULL (such rows are not counted). */
  key(row: RowView): string | null {
    if (this.columns.length === 1) return keyPart(row.get(this.columns[0]!));
    let allNull = true;
    const parts: (string | null)[] = [];
    for (const column of this.columns) {
      const part = keyPart(row.get(column));
      if (part !== null) allNull = false;
      parts.push(part);
    }
    return allNull ? null : JSON.stringify(parts);
  }

  add(row: RowView): void {
    const key = this.key(row);
    if (key === null) return;
    this.nonNullRows++;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Distinct keys that occur exactly once. */
  singletons(): number {
    let n = 0;
    for (const c of this.counts.values()) if (c === 1) n++;
    return n;
  }

  entropy(): number {
    let h = 0;
    for (const c of this.counts.values()) {
      const p = c / this.nonNullRows;
      h -= p * Math.log(p);
    }
    return h;
  }
}

function keyPart(cell: Cell): string | null {
  if (cell === null || cell === undefined) return null;
  // Type-tagged so the JSON number 1 and the string "1" stay apart only when they differ in
  // source type; CSV values are all strings, so CSV keys compare as written.
  return typeof cell === 'string' ? cell : `${typeof cell}:${String(cell)}`;
}
