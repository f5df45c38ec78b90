// The run's rows table: one row per source record, whatever the format, in source order
// (object by object, record by record; a row's rowid minus its object's first rowid is its
// record number). `_o` is the object's index, `_m` why the record could not be read as
// written (NULL for a good record). Each format adds the columns it reads into
// (ingest-csv.ts, ingest-jsonl.ts, ingest-parquet.ts) and says how a DQDL column reads
// from them (a CellSql).
import type { CellSql } from '../sql/cells.ts';
import type { Database } from './duckdb.ts';
import type { StagedObject } from './stage.ts';

export const ROWS_TABLE = 'source_rows';

/** A source object once read into the rows table. */
export interface ReadObject {
  /** Its index: the rows' `_o`. */
  index: number;
  rows: number;
  /** Output columns, in the object's order: the name to write and the rows table's column. */
  columns: { name: string; column: string }[];
}

/** Reads objects of one format into the rows table. */
export interface FormatReader {
  /** Appends an object's records; throws when the object cannot be read. */
  read(index: number, staged: StagedObject, where: string): Promise<ReadObject>;
  /** Every column of the dataset, in first-seen order (after every object was read). */
  columns(): Promise<string[]>;
  /** How a DQDL column reads from the rows table (after every object was read). */
  cell(column: string): CellSql;
}

export async function createRowsTable(db: Database, columns: string[] = []): Promise<void> {
  const extra = columns.map((c) => `, ${c}`).join('');
  await db.run(`CREATE TABLE ${ROWS_TABLE} (_o INTEGER, _m VARCHAR${extra})`);
}

/** Rows in the table now (a count DuckDB answers from metadata). */
export async function rowCount(db: Database): Promise<number> {
  const row = await db.row(`SELECT count(*) AS n FROM ${ROWS_TABLE}`);
  return Number(row.n);
}

/**
 * Where a column is present: everywhere, or only in some objects (a header or schema
 * without it), as an SQL condition on `_o`.
 */
export function presentIn(objects: Set<number>, all: number): string {
  if (objects.size === all) return 'TRUE';
  if (objects.size === 0) return 'FALSE';
  return `(_o IN (${[...objects].join(', ')}))`;
}
