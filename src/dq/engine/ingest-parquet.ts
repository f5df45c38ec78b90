// Parquet into the rows table, typed: outputs are written back with the source's types. A
// rule reads a typed value as the engine always has (Spark's reading of the file): numbers
// as numbers ("12.5", 64-bit integers beyond 2^53 as their digits), dates "YYYY-MM-DD",
// timestamps as ISO-8601 in UTC, binary as base64. The columns rules read get that text and
// type at load, once (x<i>, y<i>), so the rules' SQL reads plain columns. Nested columns are
// refused: Glue reads those.
import { absentCell, type CellSql, type Tag } from '../sql/cells.ts';
import { ident, text } from '../sql/quote.ts';
import type { Database } from './duckdb.ts';
import {
  type FormatReader,
  presentIn,
  type ReadObject,
  ROWS_TABLE,
  rowCount,
} from './rows-table.ts';
import type { StagedObject } from './stage.ts';

const NESTED = /STRUCT|MAP\(|UNION|\[\d*\]$/;
const SMALL_INTEGERS = /^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT|UINTEGER)$/;
const LARGE_INTEGERS = /^(BIGINT|UBIGINT|HUGEINT|UHUGEINT)$/;
const FRACTIONS = /^(FLOAT|DOUBLE|DECIMAL.*)$/;

/** How a typed Parquet value reads as text, and its type (SQL over the value `x`). */
function typedCell(x: string, type: string): { text: string; tag: string } {
  const is = (tag: Tag) => text(tag);
  if (type === 'BOOLEAN') return { text: `CAST(${x} AS VARCHAR)`, tag: is('boolean') };
  if (SMALL_INTEGERS.test(type)) return { text: `CAST(${x} AS VARCHAR)`, tag: is('number') };
  if (LARGE_INTEGERS.test(type))
    return {
      text: `CAST(${x} AS VARCHAR)`,
      // JavaScript reads a 64-bit integer as a number only while it is exact.
      tag: `CASE WHEN abs(${x}) <= 9007199254740991 THEN 'number' ELSE 'string' END`,
    };
  if (FRACTIONS.test(type))
    return { text: `sw_js_number(CAST(${x} AS DOUBLE))`, tag: is('number') };
  if (type === 'VARCHAR') return { text: x, tag: is('string') };
  if (type === 'BLOB') return { text: `to_base64(${x})`, tag: is('string') };
  if (type === 'DATE') return { text: `strftime(${x}, '%Y-%m-%d')`, tag: is('string') };
  if (type.startsWith('TIMESTAMP'))
    return {
      text: `strftime(CAST(${x} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')`,
      tag: is('string'),
    };
  return { text: `CAST(${x} AS VARCHAR)`, tag: is('string') };
}

export class ParquetFormatReader implements FormatReader {
  private readonly db: Database;
  /** Column name to the rows table's column, its type, and the objects that have it. */
  private readonly physical = new Map<
    string,
    { column: string; type: string; objects: Set<number> }
  >();
  private readonly order: string[] = [];
  /** The columns rules read: their text (x<i>) and type (y<i>) are kept at load. */
  private readonly referenced: string[];
  private objects = 0;

  constructor(db: Database, referenced: string[]) {
    this.db = db;
    this.referenced = [...new Set(referenced)];
  }

  /** The rows table's own columns: each referenced column's text and type. */
  tableColumns(): string[] {
    return this.referenced.flatMap((_, i) => [`x${i} VARCHAR`, `y${i} VARCHAR`]);
  }

  async read(index: number, staged: StagedObject): Promise<ReadObject> {
    this.objects++;
    const source = `read_parquet(${text(staged.path)})`;
    const schema = await this.db.rows(`DESCRIBE SELECT * FROM ${source}`);
    const fields = schema.map((r) => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
    const nested = fields.filter((f) => NESTED.test(f.type)).map((f) => f.name);
    if (nested.length > 0)
      throw new Error(
        `nested Parquet columns (${nested.join(', ')}) are not read by the embedded engine; use engine "glue"`,
      );
    const columns: ReadObject['columns'] = [];
    for (const field of fields) {
      let entry = this.physical.get(field.name);
      if (!entry) {
        entry = { column: `p${this.physical.size}`, type: field.type, objects: new Set() };
        this.physical.set(field.name, entry);
        this.order.push(field.name);
        await this.db.run(`ALTER TABLE ${ROWS_TABLE} ADD COLUMN ${entry.column} ${field.type}`);
      }
      entry.objects.add(index);
      columns.push({ name: field.name, column: entry.column });
    }
    const before = await rowCount(this.db);
    const targets = columns.map((c) => c.column);
    const values = fields.map((f) => ident(f.name));
    this.referenced.forEach((name, i) => {
      const field = fields.find((f) => f.name === name);
      if (!field) return;
      const cell = typedCell(ident(name), field.type);
      targets.push(`x${i}`, `y${i}`);
      values.push(cell.text, cell.tag);
    });
    if (columns.length > 0)
      await this.db.run(
        `INSERT INTO ${ROWS_TABLE} (_o, ${targets.join(', ')})
         SELECT ${index}, ${values.join(', ')} FROM ${source}`,
      );
    return { index, rows: (await rowCount(this.db)) - before, columns };
  }

  async columns(): Promise<string[]> {
    return this.order;
  }

  cell(name: string): CellSql {
    const entry = this.physical.get(name);
    const i = this.referenced.indexOf(name);
    if (!entry || i < 0) return absentCell(false);
    return {
      text: `x${i}`,
      tag: { sql: `y${i}` },
      present: presentIn(entry.objects, this.objects),
    };
  }
}
