// CSV into the rows table. DuckDB's reader reads a well-formed object (strict, every value
// as text, an empty field NULL as Spark reads it): that is the fast path, and nearly every
// object takes it. An object DuckDB refuses or reports a bad record in (ragged rows,
// broken quoting, mixed line endings, a record longer than its line limit) is read again
// by the engine's own reader, which decides every record as Spark's PERMISSIVE mode does —
// a ragged row padded with NULL or cut, a broken one kept with what could be read — and
// marks those malformed with the reason; DuckDB then loads that normalised copy. Either way
// the object's records enter in order and only as the engine's reader would read them.
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { absentCell, type CellSql } from '../sql/cells.ts';
import { ident, text } from '../sql/quote.ts';
import { CsvReader, type CsvRecord } from './csv-reader.ts';
import type { Database } from './duckdb.ts';
import {
  type FormatReader,
  presentIn,
  type ReadObject,
  ROWS_TABLE,
  rowCount,
} from './rows-table.ts';
import { csvLine } from './sink.ts';
import { type CsvOptions, openStaged } from './source.ts';
import type { DiskBudget, StagedObject } from './stage.ts';

/** DuckDB's read buffer: small enough for a run's memory, large enough to stay fast. */
const BUFFER_BYTES = 4 * 1024 * 1024;

/** The first record of an object (its header), or undefined for an empty object. */
async function readHeader(stream: Readable, options: CsvOptions): Promise<string[] | undefined> {
  const reader = new CsvReader(options);
  let first: CsvRecord | undefined;
  try {
    for await (const chunk of stream) {
      first = reader.push(chunk as Buffer)[0];
      if (first) break;
    }
    first ??= reader.end()[0];
  } finally {
    stream.destroy();
  }
  if (!first) return undefined;
  if (first.kind === 'malformed') throw new Error(`unreadable CSV header: ${first.reason}`);
  return first.values.map((v, i) => v ?? `_c${i}`);
}

export class CsvFormatReader implements FormatReader {
  private readonly db: Database;
  private readonly options: CsvOptions;
  private readonly scratch: string;
  private readonly budget: DiskBudget;
  /** `name\0occurrence` to the rows table's column. */
  private readonly physical = new Map<string, string>();
  /** Per column name: the rows table's column holding it (its last in a header) per object. */
  private readonly holders = new Map<string, Map<string, Set<number>>>();
  private readonly order: string[] = [];
  private objects = 0;

  constructor(db: Database, options: CsvOptions, scratch: string, budget: DiskBudget) {
    this.db = db;
    this.options = options;
    this.scratch = scratch;
    this.budget = budget;
  }

  private async column(name: string, occurrence: number): Promise<string> {
    const key = `${name}\u0000${occurrence}`;
    let column = this.physical.get(key);
    if (!column) {
      column = `c${this.physical.size}`;
      this.physical.set(key, column);
      await this.db.run(`ALTER TABLE ${ROWS_TABLE} ADD COLUMN ${column} VARCHAR`);
    }
    return column;
  }

  async read(index: number, staged: StagedObject): Promise<ReadObject> {
    this.objects++;
    const header = await readHeader(openStaged(staged.path, staged.gzip), this.options);
    if (!header) return { index, rows: 0, columns: [] };
    const occurrences = new Map<string, number>();
    const columns: ReadObject['columns'] = [];
    for (const name of header) {
      const n = occurrences.get(name) ?? 0;
      occurrences.set(name, n + 1);
      columns.push({ name, column: await this.column(name, n) });
    }
    // A name repeated in a header reads as its last column, as a map from names would.
    const last = new Map(columns.map((c) => [c.name, c.column]));
    for (const [name, column] of last) {
      if (!this.holders.has(name)) {
        this.holders.set(name, new Map());
        this.order.push(name);
      }
      const byColumn = this.holders.get(name)!;
      if (!byColumn.has(column)) byColumn.set(column, new Set());
      byColumn.get(column)!.add(index);
    }
    const before = await rowCount(this.db);
    const clean = await this.readWithDuckDB(
      index,
      staged,
      columns.map((c) => c.column),
    );
    if (!clean)
      await this.readWithEngineReader(
        index,
        staged,
        columns.map((c) => c.column),
      );
    return { index, rows: (await rowCount(this.db)) - before, columns };
  }

  private readOptions(): string {
    const delimiter = this.options.delimiter ?? ',';
    const quote = this.options.quote ?? '"';
    const escaping = this.options.escape ?? quote;
    return `delim = ${text(delimiter)}, quote = ${text(quote)}, escape = ${text(escaping)}`;
  }

  /** DuckDB's strict reader; false when it refused the object or a record of it. */
  private async readWithDuckDB(
    index: number,
    staged: StagedObject,
    targets: string[],
  ): Promise<boolean> {
    const fields = targets.map((_, i) => `${text(`f${i}`)}: 'VARCHAR'`).join(', ');
    const rejects = `rejects_${index}`;
    await this.db.run('BEGIN TRANSACTION');
    let clean = false;
    try {
      await this.db.run(
        `INSERT INTO ${ROWS_TABLE} (_o, ${targets.join(', ')}) SELECT ${index}, * FROM read_csv(${text(staged.path)},
          header = true, auto_detect = false, columns = {${fields}}, ${this.readOptions()},
          compression = ${text(staged.gzip ? 'gzip' : 'none')}, strict_mode = true, null_padding = false,
          buffer_size = ${BUFFER_BYTES}, store_rejects = true, rejects_table = ${text(rejects)},
          rejects_scan = ${text(`${rejects}_scan`)})`,
      );
      const found = await this.db.row(`SELECT count(*) AS n FROM ${ident(rejects)}`);
      clean = Number(found.n) === 0;
    } catch (error) {
      // Out of memory is the run's problem, not the object's: the engine's reader would not help.
      if (/out of memory/i.test(error instanceof Error ? error.message : String(error))) {
        await this.db.run('ROLLBACK');
        throw error;
      }
    }
    await this.db.run(clean ? 'COMMIT' : 'ROLLBACK');
    await this.db.run(`DROP TABLE IF EXISTS ${ident(rejects)}`);
    await this.db.run(`DROP TABLE IF EXISTS ${ident(`${rejects}_scan`)}`);
    return clean;
  }

  /**
   * The engine's reader over the whole object: each record as Spark's PERMISSIVE mode reads
   * it, written as clean CSV (one more field: why the record is malformed) for DuckDB.
   */
  private async readWithEngineReader(
    index: number,
    staged: StagedObject,
    targets: string[],
  ): Promise<void> {
    const width = targets.length;
    const path = join(this.scratch, `normalized-${index}.csv`);
    const out = createWriteStream(path);
    const write = (line: string): Promise<void> | undefined =>
      out.write(line) ? undefined : new Promise((resolve) => out.once('drain', () => resolve()));
    const reader = new CsvReader(this.options);
    let header = true;
    let longest = 0;
    const normalize = async (records: CsvRecord[]) => {
      for (const record of records) {
        if (header) {
          header = false;
          continue;
        }
        let values = record.values;
        let malformed = record.kind === 'malformed' ? record.reason : undefined;
        if (values.length !== width) {
          // Spark's PERMISSIVE reading: missing fields are NULL, extra ones dropped.
          if (!malformed) {
            const extra = values.slice(width).map((v) => JSON.stringify(v ?? ''));
            malformed = `malformed CSV row: expected ${width} fields, found ${values.length}${extra.length > 0 ? ` (dropped: ${extra.join(', ')})` : ''}`;
          }
          values = Array.from({ length: width }, (_, i) => values[i] ?? null);
        }
        const line = csvLine([...values, malformed ?? null], ',');
        longest = Math.max(longest, Buffer.byteLength(line));
        const wait = write(line);
        if (wait) await wait;
      }
    };
    let bytes = 0;
    try {
      for await (const chunk of openStaged(staged.path, staged.gzip))
        await normalize(reader.push(chunk as Buffer));
      await normalize(reader.end());
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      });
      bytes = (await stat(path)).size;
      this.budget.take(bytes, 'a normalised copy of a malformed CSV object');
      // DuckDB holds a whole record in its buffer: one as long as the longest, at least.
      const lineLimit = Math.max(BUFFER_BYTES / 2, longest + 1);
      const fields = [...targets.map((_, i) => `f${i}`), 'm']
        .map((f) => `${text(f)}: 'VARCHAR'`)
        .join(', ');
      await this.db.run(
        `INSERT INTO ${ROWS_TABLE} (_o, ${targets.join(', ')}, _m) SELECT ${index}, * FROM read_csv(${text(path)},
          header = false, auto_detect = false, columns = {${fields}}, delim = ',', quote = '"', escape = '"',
          strict_mode = true, max_line_size = ${lineLimit}, buffer_size = ${2 * lineLimit})`,
      );
    } finally {
      out.destroy();
      await rm(path, { force: true });
      this.budget.give(bytes);
    }
  }

  async columns(): Promise<string[]> {
    return this.order;
  }

  cell(name: string): CellSql {
    const byColumn = this.holders.get(name);
    if (!byColumn) return absentCell(false);
    const everywhere = new Set([...byColumn.values()].flatMap((s) => [...s]));
    const present = presentIn(everywhere, this.objects);
    if (byColumn.size === 1) return { text: [...byColumn.keys()][0]!, tag: 'string', present };
    const cases = [...byColumn]
      .map(([column, objects]) => `WHEN _o IN (${[...objects].join(', ')}) THEN ${column}`)
      .join(' ');
    return { text: `(CASE ${cases} END)`, tag: 'string', present };
  }
}
