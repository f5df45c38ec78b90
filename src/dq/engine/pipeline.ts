import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { type RowFailure, RulesetEvaluator, scoreOf } from '../evaluate/evaluator.ts';
import { parseRuleset } from '../parser/parser.ts';
import type { ObjectRef, ResultsDocument, RuleResult } from '../results.ts';
import { validateForEmbedded } from '../rules/embedded.ts';
import { openParquet, ParquetOutput, type ParquetSource } from './parquet.ts';
import { CsvRow, JsonRow, ParquetRow } from './rows.ts';
import { csvLine, ObjectSink, WriteError } from './sink.ts';
import {
  type Compression,
  type CsvOptions,
  csvRecords,
  jsonLines,
  listObjects,
  openObject,
  type SourceObject,
} from './source.ts';
import { type ObjectStore, s3Store } from './store.ts';

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
   * Memory the run may use (the spec's limit when isolated). The exact frequency tables of
   * uniqueness rules — the state that grows with the data — may hold an estimated 15 % of
   * it (their real size is about half the estimate, and V8 needs room to collect) and
   * spill to disk beyond. Default 256 MiB.
   */
  memoryBytes?: number;
  /** Folder for spill files (default: the system's temporary folder). */
  spillDirectory?: string;
  /** false: evaluate only, write no trusted/quarantine objects and no results document. */
  writeOutputs?: boolean;
  /** Called with each quarantined row's failures (`seawall dq test` shows the first ones). */
  onFailedRow?: (failure: FailedRow) => void;
}

/** A row that failed, for people: where it came from, its values and why it failed. */
export interface FailedRow {
  object: string;
  /** 1-based record number within its object (the header not counted). */
  record: number;
  values: Record<string, unknown>;
  failures: { rule: string; name: string; reason: string }[];
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

/** Columns added to quarantined rows (after the source's), as Glue's row-level outcomes. */
export const FAILED_RULES_COLUMN = 'DataQualityRulesFail';
export const FAILURE_REASONS_COLUMN = 'DataQualityFailureReasons';

type Mode = 'observe' | 'route' | 'judge';

function folder(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  const now = options.now ?? startedAt;
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
  const evaluator = new RulesetEvaluator(parsed.ruleset, {
    now,
    frequencyMemoryBytes: (options.memoryBytes ?? DEFAULT_MEMORY_BYTES) * FREQUENCY_SHARE,
    ...(options.spillDirectory ? { spillDirectory: options.spillDirectory } : {}),
  });
  const run = new Run(options, evaluator, document);
  try {
    const outputs = [options.trusted, options.quarantine, options.results]
      .filter((o) => o.bucket === options.source.bucket && folder(o.prefix) !== '')
      .map((o) => folder(o.prefix));
    const objects = options.source.objects
      ? await statObjects(storeOf(options), options.source.bucket, options.source.objects)
      : await listObjects(storeOf(options), options.source.bucket, sourcePrefix, (key) =>
          outputs.some((p) => key.startsWith(p)),
        );
    // One pass when row outcomes are known as rows stream by; two when a row-level rule
    // (IsUnique, IsPrimaryKey, Uniqueness) needs every row first to know duplicates.
    for (const object of objects)
      await run.object(object, evaluator.needsSecondPass ? 'observe' : 'route');
    if (evaluator.needsSecondPass) for (const object of objects) await run.object(object, 'judge');
    const results = evaluator.results();
    document.ruleResults = results;
    summarize(document, results);
  } catch (error) {
    document.status = 'FAILED';
    document.error = describeError(error);
  } finally {
    evaluator.dispose();
  }
  return finish(options, document);
}

const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;
/** The rest is the runtime, the SDK, buffers and output parts. */
const FREQUENCY_SHARE = 0.15;

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

/** The state of one run across objects and passes. */
class Run {
  private readonly options: EmbeddedPipelineOptions;
  private readonly store: ObjectStore;
  private readonly evaluator: RulesetEvaluator;
  private readonly document: ResultsDocument;

  constructor(
    options: EmbeddedPipelineOptions,
    evaluator: RulesetEvaluator,
    document: ResultsDocument,
  ) {
    this.options = options;
    this.store = storeOf(options);
    this.evaluator = evaluator;
    this.document = document;
  }

  async object(object: SourceObject, mode: Mode): Promise<void> {
    const { source } = this.options;
    const where = this.store.describe(source.bucket, object.key);
    const writes = mode !== 'observe' && this.options.writeOutputs !== false;
    const sinks = new Sinks(this.options, this.store, object.key, writes);
    let records = 0;
    try {
      if (source.format === 'parquet') {
        const parquet = await openParquet(this.store, source.bucket, object.key, object.size);
        records = await this.parquetObject(parquet, sinks, mode, where);
      } else {
        const opened = await openObject(
          this.store,
          source.bucket,
          object.key,
          source.compression ?? 'auto',
        );
        sinks.gzip = opened.gzip;
        records =
          source.format === 'csv'
            ? await this.csvObject(opened.stream, sinks, mode, where)
            : await this.jsonObject(opened.stream, sinks, mode, where);
      }
      const written = await sinks.close();
      this.document.outputs.trusted.push(...written.trusted);
      this.document.outputs.quarantine.push(...written.quarantine);
    } catch (error) {
      await sinks.abort();
      if (error instanceof WriteError) throw error;
      throw new Error(`could not read ${where}: ${describeError(error)}`);
    }
    if (mode !== 'judge')
      this.document.source.objects.push({
        bucket: source.bucket,
        key: object.key,
        rows: records,
        bytes: object.size,
      });
  }

  private count(failed: boolean, malformed = false): void {
    const rows = this.document.rows;
    rows.processed++;
    if (failed) rows.failed++;
    else rows.passed++;
    if (malformed) rows.malformed++;
  }

  /**
   * A row's final failures (undefined in an observe-only pass), a malformed row's reason
   * first: a row that could not be read as written is never trusted, yet it is a row —
   * it counts in RowCount and its values (NULL where missing) meet the rules as Spark
   * would read them.
   */
  private judge(
    row: CsvRow | JsonRow | ParquetRow,
    mode: Mode,
    malformed: string | undefined,
  ): RowFailure[] | undefined {
    const failures = mode === 'judge' ? this.evaluator.judge(row) : this.evaluator.observe(row);
    if (mode === 'observe') return undefined;
    if (!failures) return undefined;
    if (malformed) return [{ name: 'Malformed', rule: '', reason: malformed }, ...failures];
    return failures;
  }

  private report(
    where: string,
    record: number,
    values: Record<string, unknown>,
    failures: RowFailure[],
  ): void {
    if (failures.length === 0 || !this.options.onFailedRow) return;
    this.options.onFailedRow({
      object: where,
      record,
      values,
      failures: failures.map((f) => ({ rule: f.rule, name: f.name, reason: f.reason })),
    });
  }

  private async csvObject(
    stream: Readable,
    sinks: Sinks,
    mode: Mode,
    where: string,
  ): Promise<number> {
    const delimiter = this.options.source.csv?.delimiter ?? ',';
    let header: string[] | undefined;
    let row: CsvRow | undefined;
    let records = 0;
    for await (const batch of csvRecords(stream, this.options.source.csv ?? {})) {
      for (const record of batch) {
        if (!header) {
          if (record.kind === 'malformed')
            throw new Error(`unreadable CSV header: ${record.reason}`);
          header = record.values.map((v, i) => v ?? `_c${i}`);
          if (mode !== 'judge') this.evaluator.seeColumns(header);
          row = new CsvRow(new Map(header.map((name, i) => [name, i])));
          sinks.csvHeader(header, delimiter);
          continue;
        }
        records++;
        const width = header.length;
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
        row!.values = values;
        const failures = this.judge(row!, mode, malformed);
        if (!failures) continue;
        this.count(failures.length > 0, malformed !== undefined);
        if (failures.length > 0)
          this.report(
            where,
            records,
            Object.fromEntries(header.map((h, i) => [h, values[i]])),
            failures,
          );
        const wait =
          failures.length === 0
            ? sinks.trusted(csvLine(values, delimiter))
            : sinks.quarantine(
                csvLine(
                  [
                    ...values,
                    JSON.stringify(failures.filter((f) => f.rule !== '').map((f) => f.rule)),
                    JSON.stringify(failures.map((f) => reasonText(f))),
                  ],
                  delimiter,
                ),
              );
        if (wait) await wait;
      }
    }
    return records;
  }

  private async jsonObject(
    stream: Readable,
    sinks: Sinks,
    mode: Mode,
    where: string,
  ): Promise<number> {
    const row = new JsonRow();
    let records = 0;
    for await (const line of jsonLines(stream)) {
      records++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        value = describeError(error);
      }
      let malformed: string | undefined;
      let record: Record<string, unknown>;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        // Spark reads such a line as a row of NULLs (PERMISSIVE mode).
        malformed =
          typeof value === 'string' ? `invalid JSON: ${value}` : 'a JSON line must be an object';
        record = {};
      } else {
        record = value as Record<string, unknown>;
        if (mode !== 'judge') this.evaluator.seeColumns(Object.keys(record));
      }
      row.value = record;
      const failures = this.judge(row, mode, malformed);
      if (!failures) continue;
      this.count(failures.length > 0, malformed !== undefined);
      if (failures.length > 0)
        this.report(where, records, malformed ? { _malformed: line } : record, failures);
      const wait =
        failures.length === 0
          ? sinks.trusted(`${line}\n`)
          : sinks.quarantine(
              `${JSON.stringify({
                ...(malformed ? { _malformed: line } : record),
                [FAILED_RULES_COLUMN]: failures.filter((f) => f.rule !== '').map((f) => f.rule),
                [FAILURE_REASONS_COLUMN]: failures.map((f) => reasonText(f)),
              })}\n`,
            );
      if (wait) await wait;
    }
    return records;
  }

  private async parquetObject(
    parquet: ParquetSource,
    sinks: Sinks,
    mode: Mode,
    where: string,
  ): Promise<number> {
    const row = new ParquetRow(parquet.columns, parquet.dateColumns);
    if (mode !== 'judge') this.evaluator.seeColumns(parquet.columns);
    sinks.parquetSchema(parquet);
    let records = 0;
    for await (const slice of parquet.slices()) {
      for (const record of slice) {
        records++;
        row.value = record;
        const failures = this.judge(row, mode, undefined);
        if (!failures) continue;
        this.count(failures.length > 0);
        const values = parquet.columns.map((c) => record[c]);
        if (failures.length === 0) {
          await sinks.trustedParquet(values);
        } else {
          this.report(where, records, record, failures);
          await sinks.quarantineParquet([
            ...values,
            JSON.stringify(failures.map((f) => f.rule)),
            JSON.stringify(failures.map((f) => reasonText(f))),
          ]);
        }
      }
    }
    return records;
  }
}

function reasonText(failure: RowFailure): string {
  return failure.rule === '' ? failure.reason : `${failure.name}: ${failure.reason}`;
}

const CONTENT_TYPES: Record<SourceFormat, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
};

/** The trusted and quarantine objects of one source object, created on first use. */
class Sinks {
  gzip = false;
  private readonly options: EmbeddedPipelineOptions;
  private readonly store: ObjectStore;
  private readonly relative: string;
  private readonly enabled: boolean;
  private header: { trusted: string; quarantine: string } | undefined;
  private parquet: ParquetSource | undefined;
  private trustedSink: ObjectSink | undefined;
  private quarantineSink: ObjectSink | undefined;
  private trustedOut: ParquetOutput | undefined;
  private quarantineOut: ParquetOutput | undefined;

  constructor(options: EmbeddedPipelineOptions, store: ObjectStore, key: string, enabled: boolean) {
    this.options = options;
    this.store = store;
    const prefix = folder(options.source.prefix);
    this.relative = (key.startsWith(prefix) ? key.slice(prefix.length) : key).replace(/^\/+/, '');
    this.enabled = enabled;
  }

  csvHeader(columns: string[], delimiter: string): void {
    this.header = {
      trusted: csvLine(columns, delimiter),
      quarantine: csvLine([...columns, FAILED_RULES_COLUMN, FAILURE_REASONS_COLUMN], delimiter),
    };
  }

  parquetSchema(source: ParquetSource): void {
    this.parquet = source;
  }

  private open(target: S3Location, header: string | undefined): ObjectSink {
    const key = `${folder(target.prefix)}${this.options.runId}/${this.relative}`;
    const sink = new ObjectSink(this.store, target.bucket, key, {
      gzip: this.gzip,
      contentType: CONTENT_TYPES[this.options.source.format],
    });
    // A header is far below the flush size, so this only buffers.
    if (header) sink.write(header);
    return sink;
  }

  /** Returns a promise only when the caller must wait (backpressure). */
  trusted(text: string): Promise<void> | undefined {
    if (!this.enabled) return undefined;
    this.trustedSink ??= this.open(this.options.trusted, this.header?.trusted);
    this.trustedSink.rows++;
    return this.trustedSink.write(text);
  }

  quarantine(text: string): Promise<void> | undefined {
    if (!this.enabled) return undefined;
    this.quarantineSink ??= this.open(this.options.quarantine, this.header?.quarantine);
    this.quarantineSink.rows++;
    return this.quarantineSink.write(text);
  }

  async trustedParquet(values: unknown[]): Promise<void> {
    if (!this.enabled) return;
    this.trustedSink ??= this.open(this.options.trusted, undefined);
    this.trustedOut ??= new ParquetOutput(this.trustedSink, this.parquet!.schema, []);
    this.trustedSink.rows++;
    await this.trustedOut.add(values);
  }

  async quarantineParquet(values: unknown[]): Promise<void> {
    if (!this.enabled) return;
    this.quarantineSink ??= this.open(this.options.quarantine, undefined);
    this.quarantineOut ??= new ParquetOutput(this.quarantineSink, this.parquet!.schema, [
      FAILED_RULES_COLUMN,
      FAILURE_REASONS_COLUMN,
    ]);
    this.quarantineSink.rows++;
    await this.quarantineOut.add(values);
  }

  async close(): Promise<{ trusted: ObjectRef[]; quarantine: ObjectRef[] }> {
    await this.trustedOut?.close();
    await this.quarantineOut?.close();
    const trusted = this.trustedSink ? [await this.trustedSink.close()] : [];
    const quarantine = this.quarantineSink ? [await this.quarantineSink.close()] : [];
    return { trusted, quarantine };
  }

  async abort(): Promise<void> {
    await this.trustedSink?.abort();
    await this.quarantineSink?.abort();
  }
}
