import type { Readable } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type RowFailure, RulesetEvaluator, scoreOf } from '../evaluate/evaluator.ts';
import { parseRuleset } from '../parser/parser.ts';
import type { ObjectRef, ResultsDocument, RuleResult } from '../results.ts';
import { validateForEmbedded } from '../rules/embedded.ts';
import { CsvRow, JsonRow } from './rows.ts';
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

export interface S3Location {
  bucket: string;
  /** A folder-like prefix; a trailing "/" is added when missing. */
  prefix: string;
}

export interface EmbeddedPipelineOptions {
  s3: S3Client;
  source: S3Location & {
    format: 'csv' | 'jsonl';
    /** Default auto: gzip when the key ends in .gz or the bytes say so. */
    compression?: Compression;
    /** CSV must have a header row. */
    csv?: CsvOptions;
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
  const evaluator = new RulesetEvaluator(parsed.ruleset, { now });
  const run = new Run(options, evaluator, document);
  try {
    const outputs = [options.trusted, options.quarantine, options.results]
      .filter((o) => o.bucket === options.source.bucket && folder(o.prefix) !== '')
      .map((o) => folder(o.prefix));
    const objects = await listObjects(options.s3, options.source.bucket, sourcePrefix, (key) =>
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
  await options.s3.send(
    new PutObjectCommand({
      Bucket: options.results.bucket,
      Key: `${folder(options.results.prefix)}${options.runId}.json`,
      Body: `${JSON.stringify(document, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
  return document;
}

/** The state of one run across objects and passes. */
class Run {
  private readonly options: EmbeddedPipelineOptions;
  private readonly evaluator: RulesetEvaluator;
  private readonly document: ResultsDocument;

  constructor(
    options: EmbeddedPipelineOptions,
    evaluator: RulesetEvaluator,
    document: ResultsDocument,
  ) {
    this.options = options;
    this.evaluator = evaluator;
    this.document = document;
  }

  async object(object: SourceObject, mode: Mode): Promise<void> {
    const { s3, source } = this.options;
    const where = `s3://${source.bucket}/${object.key}`;
    const sinks = new Sinks(this.options, object.key, mode !== 'observe');
    let records = 0;
    try {
      const opened = await openObject(s3, source.bucket, object.key, source.compression ?? 'auto');
      sinks.gzip = opened.gzip;
      records =
        source.format === 'csv'
          ? await this.csvObject(opened.stream, sinks, mode)
          : await this.jsonObject(opened.stream, sinks, mode);
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

  private async csvObject(stream: Readable, sinks: Sinks, mode: Mode): Promise<number> {
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
        let malformed = record.kind === 'malformed' ? record.reason : undefined;
        if (!malformed && record.values.length !== width) {
          malformed = `malformed CSV row: expected ${width} fields, found ${record.values.length}`;
        }
        if (malformed) {
          if (mode === 'observe') continue;
          this.count(true, true);
          const values = Array.from({ length: width }, (_, i) => record.values[i] ?? null);
          const wait = sinks.quarantine(
            csvLine([...values, '[]', JSON.stringify([malformed])], delimiter),
          );
          if (wait) await wait;
          continue;
        }
        row!.values = record.values;
        const failures = this.judgeRow(row!, mode);
        if (!failures) continue;
        this.count(failures.length > 0);
        const wait =
          failures.length === 0
            ? sinks.trusted(csvLine(record.values, delimiter))
            : sinks.quarantine(
                csvLine(
                  [
                    ...record.values,
                    JSON.stringify(failures.map((f) => f.rule)),
                    JSON.stringify(failures.map((f) => `${f.name}: ${f.reason}`)),
                  ],
                  delimiter,
                ),
              );
        if (wait) await wait;
      }
    }
    return records;
  }

  private async jsonObject(stream: Readable, sinks: Sinks, mode: Mode): Promise<number> {
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
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        if (mode === 'observe') continue;
        this.count(true, true);
        const reason =
          typeof value === 'string' ? `invalid JSON: ${value}` : 'a JSON line must be an object';
        const wait = sinks.quarantine(
          `${JSON.stringify({ _malformed: line, [FAILED_RULES_COLUMN]: [], [FAILURE_REASONS_COLUMN]: [reason] })}\n`,
        );
        if (wait) await wait;
        continue;
      }
      const record = value as Record<string, unknown>;
      row.value = record;
      if (mode !== 'judge') this.evaluator.seeColumns(Object.keys(record));
      const failures = this.judgeRow(row, mode);
      if (!failures) continue;
      this.count(failures.length > 0);
      const wait =
        failures.length === 0
          ? sinks.trusted(`${line}\n`)
          : sinks.quarantine(
              `${JSON.stringify({
                ...record,
                [FAILED_RULES_COLUMN]: failures.map((f) => f.rule),
                [FAILURE_REASONS_COLUMN]: failures.map((f) => `${f.name}: ${f.reason}`),
              })}\n`,
            );
      if (wait) await wait;
    }
    return records;
  }

  /** The row's failures in routing passes; undefined in an observe-only pass. */
  private judgeRow(row: CsvRow | JsonRow, mode: Mode): RowFailure[] | undefined {
    if (mode === 'judge') return this.evaluator.judge(row);
    const failures = this.evaluator.observe(row);
    return mode === 'route' ? failures : undefined;
  }
}

/** The trusted and quarantine objects of one source object, created on first use. */
class Sinks {
  gzip = false;
  private readonly options: EmbeddedPipelineOptions;
  private readonly relative: string;
  private readonly enabled: boolean;
  private header: { trusted: string; quarantine: string } | undefined;
  private trustedSink: ObjectSink | undefined;
  private quarantineSink: ObjectSink | undefined;

  constructor(options: EmbeddedPipelineOptions, key: string, enabled: boolean) {
    this.options = options;
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

  private open(target: S3Location, header: string | undefined): ObjectSink {
    const contentType = this.options.source.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
    const key = `${folder(target.prefix)}${this.options.runId}/${this.relative}`;
    const sink = new ObjectSink(this.options.s3, target.bucket, key, {
      gzip: this.gzip,
      contentType,
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

  async close(): Promise<{ trusted: ObjectRef[]; quarantine: ObjectRef[] }> {
    const trusted = this.trustedSink ? [await this.trustedSink.close()] : [];
    const quarantine = this.quarantineSink ? [await this.quarantineSink.close()] : [];
    return { trusted, quarantine };
  }

  async abort(): Promise<void> {
    await this.trustedSink?.abort();
    await this.quarantineSink?.abort();
  }
}
