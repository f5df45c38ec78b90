// The trusted and quarantine objects of a run: one of each per source object that has
// such rows, in the source's format, compression and row order. DuckDB writes each to the
// scratch folder (COPY), and the store uploads it from there, one object at a time so the
// scratch folder holds at most one output.
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectRef } from '../results.ts';
import type { QuarantineRule } from '../sql/plan.ts';
import { ident, text } from '../sql/quote.ts';
import type { Database } from './duckdb.ts';
import { JSON_LINE_COLUMN } from './ingest-jsonl.ts';
import type { ReadObject } from './rows-table.ts';
import { ROWS_TABLE } from './rows-table.ts';
import { csvLine, ObjectSink } from './sink.ts';
import type { DiskBudget } from './stage.ts';
import type { ObjectStore } from './store.ts';

/** Columns added to quarantined rows (after the source's), as Glue's row-level outcomes. */
export const FAILED_RULES_COLUMN = 'DataQualityRulesFail';
export const FAILURE_REASONS_COLUMN = 'DataQualityFailureReasons';

export type OutputFormat = 'csv' | 'jsonl' | 'parquet';

const CONTENT_TYPES: Record<OutputFormat, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
};

/** A unit separator: never in a JSON line, so DuckDB's CSV writer leaves lines as they are. */
const NO_DELIMITER = '\u001f';

export interface OutputObject extends ReadObject {
  /** How people name the source object. */
  where: string;
  /** Where outputs go under the run's prefixes: the key below the source prefix. */
  relative: string;
  gzip: boolean;
  /** Rows that failed, or could not be read (the rest are trusted). */
  quarantined: number;
}

export interface OutputSettings {
  db: Database;
  store: ObjectStore;
  format: OutputFormat;
  delimiter: string;
  /** The quarantine table (plan.quarantineSql) and its row-level rules. */
  quarantine: string;
  rules: QuarantineRule[];
  scratch: string;
  budget: DiskBudget;
}

export interface Target {
  bucket: string;
  /** `<prefix><runId>/`. */
  folder: string;
}

/** JSON text of the rules a quarantined row failed, and of its reasons (malformed first). */
export function failureJson(
  rules: QuarantineRule[],
  q: string,
): { rules: string; reasons: string } {
  const failed = rules.map(
    (r) => `CASE WHEN ${q}.${r.column} IS NOT NULL THEN ${text(r.rule)} END`,
  );
  const reasons = [
    `${q}._m`,
    ...rules.map(
      (r) =>
        `CASE WHEN ${q}.${r.column} IS NOT NULL THEN ${text(`${r.name}: `)} || ${q}.${r.column} END`,
    ),
  ];
  const json = (items: string[]) =>
    items.length === 0
      ? `'[]'`
      : `sw_json_list(list_filter([${items.join(', ')}], x -> x IS NOT NULL))`;
  return { rules: json(failed), reasons: json(reasons) };
}

/** The SELECT of one output: its columns, rows of one object, in source order. */
function outputQuery(settings: OutputSettings, object: OutputObject, quarantined: boolean): string {
  const { format } = settings;
  const json = failureJson(settings.rules, 'q');
  const from = quarantined
    ? `FROM ${ROWS_TABLE} s JOIN ${settings.quarantine} q ON s.rowid = q._rid WHERE s._o = ${object.index} ORDER BY q._rid`
    : `FROM ${ROWS_TABLE} s WHERE s._o = ${object.index} AND s._q IS NULL`;
  if (format === 'jsonl') {
    if (!quarantined) return `SELECT s.${JSON_LINE_COLUMN} ${from}`;
    // A JSON object keeps its text as written, with the two fields added at its end; a line
    // that is not one is kept as text under _malformed.
    const line = `s.${JSON_LINE_COLUMN}`;
    const added = `'"${FAILED_RULES_COLUMN}":' || ${json.rules} || ',"${FAILURE_REASONS_COLUMN}":' || ${json.reasons} || '}'`;
    return `SELECT CASE
        WHEN s._m IS NOT NULL THEN '{"_malformed":' || coalesce(sw_json(${line}), 'null') || ',' || ${added}
        ELSE regexp_replace(${line}, '\\}[ \\t\\r\\n]*$', '')
          || CASE WHEN regexp_full_match(${line}, '[ \\t\\r\\n]*\\{[ \\t\\r\\n]*\\}[ \\t\\r\\n]*') THEN '' ELSE ',' END
          || ${added}
      END ${from}`;
  }
  const columns = object.columns.map((c) => `s.${c.column} AS ${ident(c.name)}`);
  if (quarantined)
    columns.push(
      `${json.rules} AS ${ident(FAILED_RULES_COLUMN)}`,
      `${json.reasons} AS ${ident(FAILURE_REASONS_COLUMN)}`,
    );
  return `SELECT ${columns.join(', ')} ${from}`;
}

function copyOptions(settings: OutputSettings): string {
  if (settings.format === 'parquet') return 'FORMAT parquet';
  if (settings.format === 'jsonl')
    return `FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER ${text(NO_DELIMITER)}`;
  // As Spark writes CSV: NULL an empty field, the empty string "", quotes doubled.
  return `FORMAT csv, HEADER false, DELIMITER ${text(settings.delimiter)}, QUOTE '"', ESCAPE '"'`;
}

/** Writes one output object: DuckDB to the scratch folder, then the store. */
async function writeOutput(
  settings: OutputSettings,
  object: OutputObject,
  target: Target,
  quarantined: boolean,
  rows: number,
): Promise<ObjectRef> {
  const file = join(settings.scratch, `output-${object.index}-${quarantined ? 'q' : 't'}`);
  let bytes = 0;
  try {
    await settings.db.run(
      `COPY (${outputQuery(settings, object, quarantined)}) TO ${text(file)} (${copyOptions(settings)})`,
    );
    bytes = (await stat(file)).size;
    settings.budget.take(bytes, `writing ${object.relative}`);
    const sink = new ObjectSink(
      settings.store,
      target.bucket,
      `${target.folder}${object.relative}`,
      {
        gzip: object.gzip && settings.format !== 'parquet',
        contentType: CONTENT_TYPES[settings.format],
      },
    );
    try {
      if (settings.format === 'csv') {
        const names = object.columns.map((c) => c.name);
        if (quarantined) names.push(FAILED_RULES_COLUMN, FAILURE_REASONS_COLUMN);
        sink.write(csvLine(names, settings.delimiter));
      }
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
        await sink.writeBytes(chunk as Buffer);
      sink.rows = rows;
      return await sink.close();
    } catch (error) {
      await sink.abort();
      throw error;
    }
  } finally {
    await rm(file, { force: true });
    settings.budget.give(bytes);
  }
}

/** Writes every object's outputs; returns them in object order. */
export async function writeOutputs(
  settings: OutputSettings,
  objects: OutputObject[],
  trusted: Target,
  quarantine: Target,
): Promise<{ trusted: ObjectRef[]; quarantine: ObjectRef[] }> {
  const written = { trusted: [] as ObjectRef[], quarantine: [] as ObjectRef[] };
  for (const object of objects) {
    const good = object.rows - object.quarantined;
    if (good > 0) written.trusted.push(await writeOutput(settings, object, trusted, false, good));
    if (object.quarantined > 0)
      written.quarantine.push(
        await writeOutput(settings, object, quarantine, true, object.quarantined),
      );
  }
  return written;
}
