// The embedded engine's run: a DQDL ruleset over every object under a source prefix, on
// DuckDB (ADR 23). Objects are staged to the run's scratch folder through the object store
// and read into one rows table; the ruleset, compiled to SQL (src/dq/sql/), gives every
// rule's outcome and metrics in one aggregate query and the quarantined rows with their
// reasons in another; DuckDB writes the trusted and quarantine objects, which the store
// uploads. Memory is DuckDB's memory_limit (a share of the run's), spilling to the scratch
// folder beyond it.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JS } from '@duckdb/node-api';
import type { Ruleset } from '../parser/ast.ts';
import { parseRuleset } from '../parser/parser.ts';
import type { ResultsDocument, RuleResult } from '../results.ts';
import { referencedColumns } from '../rules/columns.ts';
import { validateForEmbedded } from '../rules/embedded.ts';
import type { FrequencySummary } from '../sql/leaves.ts';
import { compilePlan, type Plan, scoreOf } from '../sql/plan.ts';
import { Database, duckdbMessage } from './duckdb.ts';
import { CsvFormatReader } from './ingest-csv.ts';
import { JSON_LINE_COLUMN, JsonLinesFormatReader } from './ingest-jsonl.ts';
import { ParquetFormatReader } from './ingest-parquet.ts';
import { type OutputObject, type Target, writeOutputs } from './outputs.ts';
import { createRowsTable, type FormatReader, ROWS_TABLE } from './rows-table.ts';
import { WriteError } from './sink.ts';
import { type Compression, type CsvOptions, listObjects, type SourceObject } from './source.ts';
import { DiskBudget, stageObject, verifyGzip } from './stage.ts';
import { type ObjectStore, s3Store } from './store.ts';

export { FAILED_RULES_COLUMN, FAILURE_REASONS_COLUMN } from './outputs.ts';

export interface S3Location {
  bucket: string;
  /** A folder-like prefix; a trailing "/" is added when missing. */
  prefix: string;
}

export type SourceFormat = 'csv' | 'jsonl' | 'parquet';

export interface EmbeddedPipelineOptions {
  /** Where objects are read and written; `s3` is shorthand for an S3 store. */
  store?: ObjectStore;
  s3?: S3Client;
  source: S3Location & {
    format: SourceFormat;
    /** Default auto: gzip when the key ends in .gz or the bytes say so. */
    compression?: Compression;
    /** CSV must have a header row. */
    csv?: CsvOptions;
    /** These objects (keys in the bucket) instead of every object under the prefix. */
    objects?: string[];
  };
  trusted: S3Location;
  quarantine: S3Location;
  results: S3Location;
  /** The DQDL ruleset text. */
  rules: string;
  /** Names the outputs: <prefix><runId>/<object> and <results prefix><runId>.json. */
  runId: string;
  /** What now() means in rules and DataFreshness; defaults to the clock at start. */
  now?: Date;
  /**
   * Memory the run may use (the spec's limit when isolated). DuckDB gets what is left after
   * Node, the S3 SDK and its own library (duckdbMemoryBytes) and spills to disk beyond it.
   * Default 256 MiB.
   */
  memoryBytes?: number;
  /** Folder for the run's scratch files: staged objects, DuckDB's spill, outputs (default: the system's temporary folder). */
  spillDirectory?: string;
  /**
   * Disk the run may use in its scratch folder (staged copies of objects, DuckDB's spill
   * files, one output at a time); a run that needs more fails saying so. Default: no limit
   * of the engine's own.
   */
  diskBytes?: number;
  /** false: evaluate only, write no trusted/quarantine objects and no results document. */
  writeOutputs?: boolean;
  /** Called with quarantined rows' failures, in source order (`seawall dq test` shows them). */
  onFailedRow?: (failure: FailedRow) => void;
  /** At most this many rows go to onFailedRow (default: every quarantined row). */
  failedRowLimit?: number;
}

/** A row that failed, for people: where it came from, its values and why it failed. */
export interface FailedRow {
  object: string;
  /** 1-based record number within its object (the header not counted). */
  record: number;
  values: Record<string, unknown>;
  failures: { rule: string; name: string; reason: string }[];
}

const MiB = 1024 * 1024;
const DEFAULT_MEMORY_BYTES = 256 * MiB;
/**
 * What a run's process holds before DuckDB holds data: Node, the S3 SDK, the engine and
 * DuckDB's library (measured: 140 MiB).
 */
const BASELINE_BYTES = 140 * MiB;
/**
 * The resident memory DuckDB adds runs to about twice its memory_limit at its peak, more
 * when the allocator keeps memory per thread (measured on 1.5 M distinct ids at a 320 MiB
 * limit: peaks of 200-225 MiB with a quarter, up to 310 MiB with a third): its limit is a
 * quarter of what is left.
 */
const DUCKDB_SHARE = 1 / 4;
/** Below this DuckDB's readers and out-of-core aggregates do not fit, even on one thread. */
const MIN_DUCKDB_BYTES = 32 * MiB;

/** DuckDB's memory_limit for a run that may use `memoryBytes` in all. */
export function duckdbMemoryBytes(memoryBytes: number): number {
  return Math.max(MIN_DUCKDB_BYTES, Math.floor((memoryBytes - BASELINE_BYTES) * DUCKDB_SHARE));
}

function folder(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Named objects, in the order given; each must exist. */
async function statObjects(
  store: ObjectStore,
  bucket: string,
  keys: string[],
): Promise<SourceObject[]> {
  const found: SourceObject[] = [];
  for (const key of keys) {
    const match = (await store.list(bucket, key)).find((o) => o.key === key);
    if (!match) throw new Error(`${store.describe(bucket, key)} does not exist`);
    found.push(match);
  }
  return found;
}

function storeOf(options: EmbeddedPipelineOptions): ObjectStore {
  if (options.store) return options.store;
  if (options.s3) return s3Store(options.s3);
  throw new Error('the pipeline needs a store or an S3 client');
}

/**
 * Runs a ruleset over every object under the source prefix: rows that pass every
 * row-level rule go to the trusted prefix, the others to the quarantine prefix (same
 * format and compression, one output object per source object), and one results document
 * goes to the results prefix. Never throws for bad data or bad rules: the returned (and
 * written) document has status FAILED and an error. S3 errors writing the results
 * document itself are thrown.
 */
export async function runEmbeddedPipeline(
  options: EmbeddedPipelineOptions,
): Promise<ResultsDocument> {
  const startedAt = new Date();
  const sourcePrefix = folder(options.source.prefix);
  const document: ResultsDocument = {
    apiVersion: 'seawall.io/v1alpha1',
    kind: 'DataQualityRunResult',
    runId: options.runId,
    engine: 'embedded',
    status: 'SUCCEEDED',
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    score: null,
    rules: { total: 0, passed: 0, failed: 0, errored: 0 },
    rows: { processed: 0, passed: 0, failed: 0, malformed: 0 },
    ruleResults: [],
    source: {
      bucket: options.source.bucket,
      prefix: sourcePrefix,
      format: options.source.format,
      objects: [],
    },
    outputs: { trusted: [], quarantine: [] },
  };

  const parsed = parseRuleset(options.rules);
  const problems = parsed.ok ? validateForEmbedded(parsed.ruleset) : parsed.errors;
  if (!parsed.ok || problems.length > 0) {
    document.status = 'FAILED';
    document.error = `invalid ruleset: ${problems.map((p) => `line ${p.line}:${p.column}: ${p.message}`).join('; ')}`;
    return finish(options, document);
  }
  const scratch = mkdtempSync(join(options.spillDirectory ?? tmpdir(), 'seawall-dq-'));
  let db: Database | undefined;
  try {
    await mkdir(join(scratch, 'spill'));
    const budget = new DiskBudget(options.diskBytes ?? Number.POSITIVE_INFINITY);
    db = await Database.open({
      memoryBytes: duckdbMemoryBytes(options.memoryBytes ?? DEFAULT_MEMORY_BYTES),
      tempDirectory: join(scratch, 'spill'),
      ...(options.diskBytes === undefined ? {} : { maxTempBytes: options.diskBytes }),
    });
    await new Run(options, parsed.ruleset, document, db, scratch, budget).run(startedAt);
  } catch (error) {
    document.status = 'FAILED';
    document.error = describeError(error);
  } finally {
    db?.close();
    await rm(scratch, { recursive: true, force: true });
  }
  return finish(options, document);
}

function summarize(document: ResultsDocument, results: RuleResult[]): void {
  document.score = scoreOf(results);
  document.rules = {
    total: results.length,
    passed: results.filter((r) => r.outcome === 'PASS').length,
    failed: results.filter((r) => r.outcome === 'FAIL').length,
    errored: results.filter((r) => r.outcome === 'ERROR').length,
  };
}

async function finish(
  options: EmbeddedPipelineOptions,
  document: ResultsDocument,
): Promise<ResultsDocument> {
  document.finishedAt = new Date().toISOString();
  if (options.writeOutputs === false) return document;
  await storeOf(options).put(
    options.results.bucket,
    `${folder(options.results.prefix)}${options.runId}.json`,
    `${JSON.stringify(document, null, 2)}\n`,
    'application/json',
  );
  return document;
}

const QUARANTINE_TABLE = 'quarantine';

/** One run, from listing the objects to the outputs. */
class Run {
  private readonly options: EmbeddedPipelineOptions;
  private readonly ruleset: Ruleset;
  private readonly document: ResultsDocument;
  private readonly db: Database;
  private readonly scratch: string;
  private readonly budget: DiskBudget;
  private readonly store: ObjectStore;

  constructor(
    options: EmbeddedPipelineOptions,
    ruleset: Ruleset,
    document: ResultsDocument,
    db: Database,
    scratch: string,
    budget: DiskBudget,
  ) {
    this.options = options;
    this.ruleset = ruleset;
    this.document = document;
    this.db = db;
    this.scratch = scratch;
    this.budget = budget;
    this.store = storeOf(options);
  }

  private reader(): { reader: FormatReader; columns: string[] } {
    const { source } = this.options;
    if (source.format === 'csv')
      return {
        reader: new CsvFormatReader(this.db, source.csv ?? {}, this.scratch, this.budget),
        columns: [],
      };
    if (source.format === 'jsonl') {
      const reader = new JsonLinesFormatReader(
        this.db,
        referencedColumns(this.ruleset),
        this.scratch,
        this.budget,
      );
      return { reader, columns: reader.tableColumns() };
    }
    const reader = new ParquetFormatReader(this.db, referencedColumns(this.ruleset));
    return { reader, columns: reader.tableColumns() };
  }

  async run(now: Date): Promise<void> {
    const { reader, objects, firstRows } = await this.readObjects();
    let plan: Plan;
    try {
      plan = await this.evaluate(reader, objects, now);
    } catch (error) {
      throw new Error(`could not evaluate the rules: ${duckdbMessage(error)}`);
    }
    if (this.options.onFailedRow)
      await this.reportFailedRows(plan.rowLevelRules, objects, firstRows);
    if (this.options.writeOutputs === false) return;
    try {
      this.document.outputs = await writeOutputs(
        {
          db: this.db,
          store: this.store,
          format: this.options.source.format,
          delimiter: this.options.source.csv?.delimiter ?? ',',
          quarantine: QUARANTINE_TABLE,
          rules: plan.rowLevelRules,
          scratch: this.scratch,
          budget: this.budget,
        },
        objects,
        this.target(this.options.trusted),
        this.target(this.options.quarantine),
      );
    } catch (error) {
      if (error instanceof WriteError) throw error;
      throw new Error(`could not write the outputs: ${duckdbMessage(error)}`);
    }
  }

  private target(location: S3Location): Target {
    return { bucket: location.bucket, folder: `${folder(location.prefix)}${this.options.runId}/` };
  }

  /** Every source object into the rows table, in order: staged, read, its copy removed. */
  private async readObjects(): Promise<{
    reader: FormatReader;
    objects: OutputObject[];
    firstRows: number[];
  }> {
    const { source } = this.options;
    const sourcePrefix = folder(source.prefix);
    const outputs = [this.options.trusted, this.options.quarantine, this.options.results]
      .filter((o) => o.bucket === source.bucket && folder(o.prefix) !== '')
      .map((o) => folder(o.prefix));
    const listed = source.objects
      ? await statObjects(this.store, source.bucket, source.objects)
      : await listObjects(this.store, source.bucket, sourcePrefix, (key) =>
          outputs.some((p) => key.startsWith(p)),
        );
    const { reader, columns } = this.reader();
    await createRowsTable(this.db, ['_q BOOLEAN', ...columns]);
    const objects: OutputObject[] = [];
    const firstRows: number[] = [];
    let rows = 0;
    for (const [index, object] of listed.entries()) {
      const where = this.store.describe(source.bucket, object.key);
      const staged = await stageObject(
        this.store,
        source.bucket,
        object,
        this.scratch,
        `object-${index}`,
        source.compression ?? 'auto',
        this.budget,
      ).catch((error: unknown) => {
        throw new Error(`could not read ${where}: ${describeError(error)}`);
      });
      try {
        if (staged.gzip && source.format !== 'parquet') await verifyGzip(staged.path);
        const result = await reader.read(index, staged, where);
        objects.push({
          ...result,
          where,
          relative: (object.key.startsWith(sourcePrefix)
            ? object.key.slice(sourcePrefix.length)
            : object.key
          ).replace(/^\/+/, ''),
          gzip: staged.gzip,
          quarantined: 0,
        });
        firstRows.push(rows);
        rows += result.rows;
        this.document.source.objects.push({
          bucket: source.bucket,
          key: object.key,
          rows: result.rows,
          bytes: object.size,
        });
      } catch (error) {
        const message = duckdbMessage(error).replaceAll(staged.path, where);
        throw new Error(`could not read ${where}: ${message}`);
      } finally {
        if (staged.copy) {
          await rm(staged.path, { force: true });
          this.budget.give(staged.bytes);
        }
      }
    }
    return { reader, objects, firstRows };
  }

  /**
   * The rules over the rows table: frequency tables, one aggregate query for every rule's
   * outcome, the quarantine table; fills the document's results and row counts.
   */
  private async evaluate(reader: FormatReader, objects: OutputObject[], now: Date): Promise<Plan> {
    const plan = compilePlan(this.ruleset, {
      now: this.options.now ?? now,
      dataset: { columns: await reader.columns() },
      cell: (c) => reader.cell(c),
      table: ROWS_TABLE,
      quarantine: QUARANTINE_TABLE,
    });
    // Until the outputs, no statement needs rows in order (the quarantine table is read in
    // rowid order): DuckDB may then stream results without buffering them in order.
    await this.db.run('SET preserve_insertion_order = false');
    const summaries = new Map<number, FrequencySummary>();
    for (const table of plan.frequencyTables) {
      for (const statement of table.create) await this.db.run(statement);
      const row = await this.db.row(table.summary);
      summaries.set(table.id, {
        rows: Number(row.rows),
        distinct: Number(row.distinct_keys),
        singletons: Number(row.singletons),
        entropy: row.entropy === undefined || row.entropy === null ? 0 : Number(row.entropy),
      });
    }
    const aggregates = await this.db.row(plan.aggregateSql);
    const { results, rows: counts } = plan.finish(aggregates, summaries);
    // The rows that failed: marked for the trusted outputs, counted per object.
    await this.db.run(plan.quarantineSql);
    for (const table of plan.frequencyTables)
      for (const name of table.drop) await this.db.run(`DROP TABLE ${name}`);
    await this.db.run(
      `UPDATE ${ROWS_TABLE} SET _q = TRUE FROM ${QUARANTINE_TABLE} q WHERE ${ROWS_TABLE}.rowid = q._rid`,
    );
    await this.db.run('SET preserve_insertion_order = true');
    const quarantined = await this.db.rows(
      `SELECT _o, count(*) AS n FROM ${QUARANTINE_TABLE} GROUP BY _o`,
    );
    for (const row of quarantined) objects[Number(row._o)]!.quarantined = Number(row.n);
    this.document.rows = {
      processed: counts.processed,
      passed: counts.processed - counts.failed,
      failed: counts.failed,
      malformed: counts.malformed,
    };
    this.document.ruleResults = results;
    summarize(this.document, results);
    return plan;
  }

  /** The first quarantined rows, in source order, to onFailedRow. */
  private async reportFailedRows(
    rules: { name: string; rule: string; column: string }[],
    objects: OutputObject[],
    firstRows: number[],
  ): Promise<void> {
    const limit = this.options.failedRowLimit ?? Number.POSITIVE_INFINITY;
    let after = -1;
    let reported = 0;
    while (reported < limit) {
      const page = Math.min(1000, limit - reported);
      const batch = await this.db.rows(
        `SELECT q.*, s.* EXCLUDE (_o, _m, _q) FROM ${QUARANTINE_TABLE} q JOIN ${ROWS_TABLE} s ON s.rowid = q._rid
         WHERE q._rid > ${after} ORDER BY q._rid LIMIT ${page}`,
      );
      if (batch.length === 0) return;
      for (const row of batch) {
        const index = Number(row._o);
        const object = objects[index]!;
        const failures: FailedRow['failures'] = [];
        if (row._m !== null) failures.push({ rule: '', name: 'Malformed', reason: String(row._m) });
        for (const rule of rules) {
          const reason = row[rule.column];
          if (reason !== null && reason !== undefined)
            failures.push({ rule: rule.rule, name: rule.name, reason: String(reason) });
        }
        this.options.onFailedRow!({
          object: object.where,
          record: Number(row._rid) - firstRows[index]! + 1,
          values: this.values(row, object),
          failures,
        });
        reported++;
      }
      after = Number(batch.at(-1)!._rid);
    }
  }

  /** A row's values as people read them: CSV text, JSON as parsed, Parquet as typed values. */
  private values(row: Record<string, JS>, object: OutputObject): Record<string, unknown> {
    if (this.options.source.format === 'jsonl') {
      const line = row[JSON_LINE_COLUMN];
      if (row._m !== null) return { _malformed: line };
      try {
        return JSON.parse(String(line)) as Record<string, unknown>;
      } catch {
        return { _malformed: line };
      }
    }
    return Object.fromEntries(object.columns.map((c) => [c.name, plain(row[c.column] ?? null)]));
  }
}

/** A DuckDB value as JSON can show it. */
function plain(value: JS): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
