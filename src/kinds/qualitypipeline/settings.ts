// The spec with every default applied and every check the API server cannot make (the
// DQDL ruleset, the schedule beyond its shape). Pure: reconcileOnce tests and
// `seawall plan` see specs that never went through the API server's defaulting.
import type { QualityPipeline, QualityPipelineSpec } from '../../api/qualitypipeline.ts';
import { quantityBytes } from '../../api/quantities.ts';
import { ownerValue } from '../../aws/ownership.ts';
import { parseRuleset, undefinedReferences, validateForEmbedded } from '../../dq/index.ts';
import { parseDuration } from '../../runtime/durations.ts';
import { StalledError } from '../../runtime/errors.ts';
import { DEFAULT_SCHEDULE, type GlueCron, parseGlueCron } from '../../schedule/glue-cron.ts';

export const DEFAULT_HISTORY_LIMIT = 10;
export const DEFAULT_SCRIPT_PREFIX = 'seawall/glue-scripts/';

export type Engine = 'embedded' | 'glue';

export interface Destination {
  /** Unset: the source bucket (known only once a bucketRef is resolved). */
  bucketName: string | undefined;
  prefix: string;
}

export interface GlueSettings {
  roleArn: string | undefined;
  glueVersion: string;
  workerType: string;
  numberOfWorkers: number;
  timeoutMinutes: number;
  scriptPrefix: string;
  crawlerDatabase: string | undefined;
}

export interface EmbeddedLimits {
  memoryBytes: number;
  timeoutMs: number;
}

export interface ReferenceSettings {
  alias: string;
  bucketName: string | undefined;
  prefix: string;
  format: 'csv' | 'jsonl' | 'parquet';
  catalogTable: { database: string; table: string } | undefined;
}

export const DEFAULT_MEMORY_LIMIT = '384Mi';
export const DEFAULT_RUN_TIMEOUT = '1h';

/** Bytes of a Kubernetes quantity such as 512Mi or 2G. */
export function parseQuantity(text: string): number {
  const bytes = quantityBytes(text);
  if (bytes === undefined)
    throw new StalledError('InvalidSpec', `invalid quantity ${JSON.stringify(text)}`);
  return bytes;
}

export interface PipelineSettings {
  namespace: string;
  name: string;
  /** The owner tag value: `<namespace>/QualityPipeline/<name>`. */
  owner: string;
  engine: Engine;
  schedule: string;
  cron: GlueCron;
  source: {
    bucketRef: string | undefined;
    bucketName: string | undefined;
    prefix: string;
    format: 'csv' | 'jsonl' | 'parquet';
    compression: 'auto' | 'gzip' | 'none';
    csv: { delimiter?: string; quote?: string; escape?: string };
    catalogTable: { database: string; table: string } | undefined;
  };
  referenceData: ReferenceSettings[];
  embedded: EmbeddedLimits;
  trusted: Destination;
  quarantine: Destination;
  results: Destination;
  rules: string;
  minScore: number | undefined;
  historyLimit: number;
  deletionPolicy: 'Retain' | 'Delete';
  glue: GlueSettings;
}

/** A folder-like prefix: empty, or ending in "/". */
export function folder(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function destination(
  spec: { bucketName?: string; prefix?: string } | undefined,
  defaultPrefix: string,
): Destination {
  return { bucketName: spec?.bucketName, prefix: folder(spec?.prefix ?? defaultPrefix) };
}

/** Every default applied. Throws StalledError for what only Seawall can check. */
export function resolveSettings(object: QualityPipeline): PipelineSettings {
  const spec: QualityPipelineSpec = object.spec;
  const name = object.metadata.name ?? '';
  const namespace = object.metadata.namespace ?? '';
  const engine: Engine = spec.engine ?? 'embedded';
  const schedule = spec.schedule ?? DEFAULT_SCHEDULE;
  const cron = parseGlueCron(schedule);
  if (!cron.ok) throw new StalledError('InvalidSchedule', cron.message);
  validateRules(
    spec.rules,
    engine,
    (spec.referenceData ?? []).map((r) => r.alias),
  );
  return {
    namespace,
    name,
    owner: ownerValue({ namespace, kind: 'QualityPipeline', name }),
    engine,
    schedule,
    cron: cron.cron,
    source: {
      bucketRef: spec.source.bucketRef?.name,
      bucketName: spec.source.bucketName,
      prefix: folder(spec.source.prefix),
      format: spec.source.format ?? 'csv',
      compression: spec.source.compression ?? 'auto',
      csv: { ...(spec.source.csv ?? {}) },
      catalogTable: spec.source.catalogTable,
    },
    referenceData: (spec.referenceData ?? []).map((r) => ({
      alias: r.alias,
      bucketName: r.bucketName,
      prefix: folder(r.prefix ?? ''),
      format: r.format ?? 'csv',
      catalogTable: r.catalogTable,
    })),
    embedded: {
      memoryBytes: parseQuantity(spec.embedded?.memoryLimit ?? DEFAULT_MEMORY_LIMIT),
      timeoutMs: parseDuration(spec.embedded?.timeout ?? DEFAULT_RUN_TIMEOUT),
    },
    trusted: destination(spec.trusted, `trusted/${name}/`),
    quarantine: destination(spec.quarantine, `quarantine/${name}/`),
    results: destination(spec.results, `results/${name}/`),
    rules: spec.rules,
    minScore: spec.minScore,
    historyLimit: spec.historyLimit ?? DEFAULT_HISTORY_LIMIT,
    deletionPolicy: spec.deletionPolicy ?? 'Retain',
    glue: {
      roleArn: spec.glue?.roleArn,
      glueVersion: spec.glue?.glueVersion ?? '4.0',
      workerType: spec.glue?.workerType ?? 'G.1X',
      numberOfWorkers: spec.glue?.numberOfWorkers ?? 2,
      timeoutMinutes: spec.glue?.timeoutMinutes ?? 60,
      scriptPrefix: folder(spec.glue?.scriptPrefix ?? DEFAULT_SCRIPT_PREFIX),
      crawlerDatabase: spec.glue?.crawler?.databaseName,
    },
  };
}

/**
 * The ruleset must parse (a syntax error names line and column); on the embedded engine
 * every rule must be one it can evaluate (the message names the rule).
 */
export function validateRules(rules: string, engine: Engine, references: string[] = []): void {
  const parsed = parseRuleset(rules);
  if (!parsed.ok) {
    throw new StalledError(
      'InvalidRules',
      `spec.rules is not valid DQDL: ${parsed.errors.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`).join('; ')}`,
    );
  }
  if (engine !== 'embedded') {
    const missing = undefinedReferences(parsed.ruleset, references);
    if (missing.length > 0)
      throw new StalledError(
        'InvalidRules',
        `spec.rules: ${missing.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`).join('; ')}`,
      );
    return;
  }
  const unsupported = validateForEmbedded(parsed.ruleset);
  if (unsupported.length > 0) {
    throw new StalledError(
      'RuleNotSupported',
      `the embedded engine cannot run spec.rules: ${unsupported.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`).join('; ')}`,
    );
  }
}

export interface Locations {
  sourceBucket: string;
  trusted: { bucket: string; prefix: string };
  quarantine: { bucket: string; prefix: string };
  results: { bucket: string; prefix: string };
}

/** Destinations default to the source bucket. */
export function locations(settings: PipelineSettings, sourceBucket: string): Locations {
  const at = (d: Destination) => ({ bucket: d.bucketName ?? sourceBucket, prefix: d.prefix });
  return {
    sourceBucket,
    trusted: at(settings.trusted),
    quarantine: at(settings.quarantine),
    results: at(settings.results),
  };
}
