// JSON Lines into the rows table. DuckDB reads each line as text (its CSV reader, one field
// a line: its JSON reader wants 32 MiB of buffer a thread) and parses it; blank lines are
// no records. The line's text is kept as written, so trusted rows are written back byte
// for byte, and the columns rules read are extracted once, as text and the value's JSON
// type (a number stays apart from the text "1" in a uniqueness key). A line that is not
// JSON, or not an object, is a row of NULLs as Spark reads it, marked malformed, with
// JSON.parse's reason.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { absentCell, type CellSql } from '../sql/cells.ts';
import { text } from '../sql/quote.ts';
import type { Database } from './duckdb.ts';
import { type FormatReader, type ReadObject, ROWS_TABLE, rowCount } from './rows-table.ts';
import { csvLine } from './sink.ts';
import { openStaged } from './source.ts';
import type { DiskBudget, StagedObject } from './stage.ts';

const NUMBER_TYPES = ['BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE'];
/** DuckDB's read buffer for lines (its JSON reader's own needs 32 MiB a thread). */
const BUFFER_BYTES = 4 * 1024 * 1024;
/** Never in a JSON line (control characters are escaped there): lines read as one field. */
const NO_DELIMITER = '\u001f';

/** A JSON Pointer to a top-level key ("/a~1b" for "a/b"). */
function pointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

export const JSON_LINE_COLUMN = '_j';

export class JsonLinesFormatReader implements FormatReader {
  private readonly db: Database;
  /** The columns rules read: extracted at load, as t<i> (text) and g<i> (type). */
  private readonly referenced: string[];
  private readonly scratch: string;
  private readonly budget: DiskBudget;

  constructor(db: Database, referenced: string[], scratch: string, budget: DiskBudget) {
    this.db = db;
    this.referenced = [...new Set(referenced)];
    this.scratch = scratch;
    this.budget = budget;
  }

  /** The rows table's own columns: the line, and each referenced column's text and type. */
  tableColumns(): string[] {
    return [
      `${JSON_LINE_COLUMN} VARCHAR`,
      ...this.referenced.flatMap((_, i) => [`t${i} VARCHAR`, `g${i} VARCHAR`]),
    ];
  }

  /** INSERT of the lines a `read_csv` gives (one field, `line`), parsed as JSON. */
  private insert(index: number, lines: string): string {
    const numbers = NUMBER_TYPES.map((t) => text(t)).join(', ');
    const extracted = this.referenced.flatMap((_, i) => {
      const v = `v[${i + 1}]`;
      return [
        `CASE WHEN json_type(${v}) IN ('VARCHAR', 'BOOLEAN') THEN json_extract_string(${v}, '$')
              WHEN json_type(${v}) IN (${numbers}) THEN sw_js_number(CAST(json_extract_string(${v}, '$') AS DOUBLE))
              WHEN json_type(${v}) IN ('OBJECT', 'ARRAY') THEN CAST(${v} AS VARCHAR) END`,
        `CASE WHEN json_type(${v}) = 'BOOLEAN' THEN 'boolean' WHEN json_type(${v}) IN (${numbers}) THEN 'number' ELSE 'string' END`,
      ];
    });
    const paths = this.referenced.map((c) => text(pointer(c))).join(', ');
    const targets = this.referenced.flatMap((_, i) => [`t${i}`, `g${i}`]);
    return `INSERT INTO ${ROWS_TABLE} (_o, _m, ${[JSON_LINE_COLUMN, ...targets].join(', ')})
      SELECT ${index},
        CASE WHEN j IS NULL THEN 'invalid JSON' WHEN json_type(j) <> 'OBJECT' THEN 'a JSON line must be an object' END,
        line${extracted.map((e) => `, ${e}`).join('')}
      FROM (SELECT line, j${paths ? `, CASE WHEN json_type(j) = 'OBJECT' THEN json_extract(j, [${paths}]) END AS v` : ''}
            FROM (SELECT line, TRY_CAST(line AS JSON) AS j FROM ${lines} WHERE sw_trim(line) <> ''))`;
  }

  async read(index: number, staged: StagedObject): Promise<ReadObject> {
    const before = await rowCount(this.db);
    const rejects = `rejects_${index}`;
    await this.db.run('BEGIN TRANSACTION');
    let clean = false;
    try {
      await this.db.run(
        this.insert(
          index,
          `read_csv(${text(staged.path)}, header = false, auto_detect = false, columns = {'line': 'VARCHAR'},
            delim = ${text(NO_DELIMITER)}, quote = '', escape = '', compression = ${text(staged.gzip ? 'gzip' : 'none')},
            strict_mode = true, buffer_size = ${BUFFER_BYTES}, store_rejects = true,
            rejects_table = ${text(rejects)}, rejects_scan = ${text(`${rejects}_scan`)})`,
        ),
      );
      clean = Number((await this.db.row(`SELECT count(*) AS n FROM ${rejects}`)).n) === 0;
    } catch (error) {
      if (/out of memory/i.test(error instanceof Error ? error.message : String(error))) {
        await this.db.run('ROLLBACK');
        throw error;
      }
    }
    await this.db.run(clean ? 'COMMIT' : 'ROLLBACK');
    await this.db.run(`DROP TABLE IF EXISTS ${rejects}`);
    await this.db.run(`DROP TABLE IF EXISTS ${rejects}_scan`);
    if (!clean) await this.readWithEngineReader(index, staged);
    const rows = (await rowCount(this.db)) - before;
    await this.explainInvalid(before);
    return { index, rows, columns: [] };
  }

  /**
   * Lines DuckDB's CSV reader would not take as one field (a record longer than its line
   * limit, a line holding the unit separator, mixed line endings): read as lines by Node,
   * written as one quoted field each, and loaded from there.
   */
  private async readWithEngineReader(index: number, staged: StagedObject): Promise<void> {
    const path = join(this.scratch, `lines-${index}.csv`);
    const out = createWriteStream(path);
    let longest = 0;
    let bytes = 0;
    try {
      const stream = openStaged(staged.path, staged.gzip);
      const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        const field = csvLine([line], ',');
        longest = Math.max(longest, Buffer.byteLength(field));
        if (!out.write(field)) await once(out, 'drain');
      }
      if (stream.errored) throw stream.errored;
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      });
      bytes = (await stat(path)).size;
      this.budget.take(bytes, 'a normalised copy of a JSON Lines object');
      const limit = Math.max(BUFFER_BYTES / 2, longest + 1);
      await this.db.run(
        this.insert(
          index,
          `read_csv(${text(path)}, header = false, auto_detect = false, columns = {'line': 'VARCHAR'},
            delim = ',', quote = '"', escape = '"', strict_mode = true, max_line_size = ${limit}, buffer_size = ${2 * limit})`,
        ),
      );
    } finally {
      out.destroy();
      await rm(path, { force: true });
      this.budget.give(bytes);
    }
  }

  /** A line that is not JSON gets JSON.parse's reason, as the engine has always given it. */
  private async explainInvalid(first: number): Promise<void> {
    for (;;) {
      const invalid = await this.db.rows(
        `SELECT rowid AS rid, ${JSON_LINE_COLUMN} AS line FROM ${ROWS_TABLE}
         WHERE rowid >= ${first} AND _m = 'invalid JSON' ORDER BY rowid LIMIT 500`,
      );
      if (invalid.length === 0) return;
      const fixes = invalid.map((row) => {
        let reason = 'invalid JSON: DuckDB cannot read it as JSON';
        try {
          JSON.parse(String(row.line));
        } catch (error) {
          reason = `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
        }
        return `(${row.rid}, ${text(reason)})`;
      });
      await this.db.run(
        `UPDATE ${ROWS_TABLE} SET _m = f.reason FROM (VALUES ${fixes.join(', ')}) f(rid, reason)
         WHERE ${ROWS_TABLE}.rowid = f.rid`,
      );
    }
  }

  async columns(): Promise<string[]> {
    // Keys of every object line, in the order they were first seen.
    const rows = await this.db.rows(
      `SELECT key FROM (
         SELECT rowid AS r, unnest(json_keys(${JSON_LINE_COLUMN})) AS key,
                generate_subscripts(json_keys(${JSON_LINE_COLUMN}), 1) AS position
         FROM ${ROWS_TABLE} WHERE _m IS NULL)
       GROUP BY key ORDER BY min(r), arg_min(position, r)`,
    );
    return rows.map((r) => String(r.key));
  }

  cell(column: string): CellSql {
    const i = this.referenced.indexOf(column);
    // Spark reads a key a line leaves out as NULL: JSON rows have every column.
    if (i < 0) return absentCell(true);
    return { text: `t${i}`, tag: { sql: `g${i}` }, present: 'TRUE' };
  }
}
