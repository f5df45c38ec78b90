// One engine interface for a QualityPipeline: the reconciler resolves the settings and
// the source bucket, then hands the pipeline to its engine — embedded (embedded-engine.ts:
// Seawall runs the rules itself) or glue (glue-engine.ts: AWS Glue runs a generated job).
// What both engines share lives here: the pipeline's context, how a finished run folds
// into status and becomes the quality metric, and when to look again.
import type { S3Client } from '@aws-sdk/client-s3';
import type {
  QualityPipelineSpec,
  QualityPipelineStatus,
  RunSummary,
} from '../../api/qualitypipeline.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { publishQualityScore } from '../../aws/cloudwatch/quality-metric.ts';
import { setCondition } from '../../runtime/conditions.ts';
import { driftIntervalMs } from '../../runtime/reconcile-once.ts';
import type { ReconcileRequest, ReconcileResult } from '../../runtime/reconciler.ts';
import { nextRunTime } from '../../schedule/glue-cron.ts';
import type { ProtectedBucketReader, UsableBucket } from '../protectedbucket/reference.ts';
import type { ReconcileSteps } from '../steps.ts';
import type { EmbeddedRuns } from './embedded-runs.ts';
import { lastRunCondition, recordFinishedRun, s3Url } from './runs.ts';
import type { Engine, Locations, PipelineSettings } from './settings.ts';

export type QpRequest = ReconcileRequest<QualityPipelineSpec, QualityPipelineStatus>;

export interface QualityPipelineDeps {
  aws: AwsClients;
  buckets: ProtectedBucketReader;
  /** This process's embedded runs (one instance per operator process). */
  runs?: EmbeddedRuns;
  /** How often an embedded run in flight is polled (default 2 s). */
  runPollMs?: number;
  /** How often a Glue job run in flight is polled (default 30 s). */
  glueRunPollMs?: number;
  /** The controller-wide drift interval, the longest a pipeline goes unchecked (default 10 min). */
  defaultDriftIntervalMs?: number;
  /** Waiting for a ProtectedBucket: poll interval (default 5 s). */
  dependencyPollMs?: number;
}

export interface SourceBucket {
  bucket: string;
  region: string | undefined;
  /** The ProtectedBucket behind a bucketRef. */
  protectedBucket?: UsableBucket;
}

/** What an engine is handed: the request, the settings, where the data is, the steps. */
export interface PipelineContext {
  request: QpRequest;
  settings: PipelineSettings;
  where: Locations;
  source: SourceBucket;
  /** S3 in the source bucket's region. */
  s3: S3Client;
  deps: QualityPipelineDeps;
  /** The lifecycle and facets under the request's mode (drift, plan). */
  steps: ReconcileSteps<QualityPipelineSpec, QualityPipelineStatus>;
}

export interface QualityEngine {
  readonly name: Engine;
  /** Makes what the engine needs exist and runs (or watches) the pipeline's runs. */
  reconcile(ctx: PipelineContext): Promise<ReconcileResult>;
  /** deletionPolicy Delete: removes what the engine made in AWS (never data). */
  finalize(request: QpRequest, deps: QualityPipelineDeps): Promise<void>;
}

/**
 * Folds a finished run into status (lastRun, history, LastRunSucceeded, an Event) and
 * publishes its score as the CloudWatch metric CostMonitor dashboards chart.
 */
export async function finishRun(ctx: PipelineContext, run: RunSummary): Promise<void> {
  const { request, settings } = ctx;
  recordFinishedRun(request.status, run, settings.historyLimit);
  request.status.conditions = setCondition(
    request.status.conditions,
    lastRunCondition(run),
    request.object.metadata.generation ?? 0,
    request.now,
  );
  if (run.state === 'Succeeded')
    request.events.normal('RunSucceeded', `Run ${run.id}: ${run.message ?? ''}`);
  else request.events.warning('RunFailed', `Run ${run.id}: ${run.message ?? ''}`);
  request.log.info({ runId: run.id, state: run.state, score: run.score }, 'run finished');
  await publishScore(ctx, run);
}

/**
 * Best effort: the results document and status are the record of a run; a metric that
 * cannot be written (e.g. cloudwatch:PutMetricData not granted) is logged, not retried.
 */
async function publishScore(ctx: PipelineContext, run: RunSummary): Promise<void> {
  const { request } = ctx;
  if (request.mode === 'plan' || run.score === undefined) return;
  const region = ctx.source.region ?? ctx.deps.aws.config.defaultRegion;
  const pipeline = {
    namespace: request.object.metadata.namespace ?? '',
    name: request.object.metadata.name ?? '',
  };
  try {
    await publishQualityScore(
      ctx.deps.aws,
      region,
      pipeline,
      run.score,
      new Date(run.completedAt ?? request.now),
    );
  } catch (error) {
    request.log.warn({ err: error, runId: run.id }, 'could not publish the quality score metric');
  }
}

/** The next schedule slot, recorded in status.nextRunTime. */
export function recordNextRun(ctx: PipelineContext): Date | undefined {
  const { status, now } = ctx.request;
  const next = nextRunTime(ctx.settings.cron, now);
  if (next) status.nextRunTime = next.toISOString();
  else delete status.nextRunTime;
  return next;
}

/** Never later than the next run nor the drift interval; never in the past. */
export function requeueDelay(ctx: PipelineContext, next: Date | undefined): number {
  const interval = driftIntervalMs(
    ctx.request.object.spec,
    ctx.deps.defaultDriftIntervalMs ?? 10 * 60_000,
  );
  if (!next) return interval;
  return Math.max(0, Math.min(interval, next.getTime() - ctx.request.now.getTime()));
}

/** Nothing in flight: look again at the next run, or the drift interval. */
export function untilNextRun(ctx: PipelineContext, next: Date | undefined): ReconcileResult {
  return {
    requeueAfterMs: requeueDelay(ctx, next),
    message: next ? `Next run at ${next.toISOString()}` : 'The schedule never fires again',
  };
}

export function outputsOf(ctx: PipelineContext, runId: string) {
  const { trusted, quarantine, results } = ctx.where;
  return {
    trusted: s3Url(trusted.bucket, `${trusted.prefix}${runId}/`),
    quarantine: s3Url(quarantine.bucket, `${quarantine.prefix}${runId}/`),
    results: s3Url(results.bucket, `${results.prefix}${runId}.json`),
  };
}
