// The QualityPipeline reconciler, in ordered steps that stop at the first error:
//   settings (schedule and DQDL checked: Stalled with line and column) → source bucket
//   (bucketRef waits for a Ready ProtectedBucket) → engine:
//     embedded: a run in flight is polled; a finished one folds into status; a due one
//               (schedule slot, missed slot, run-requested-at) is recorded, then started.
//     glue:     script, job, workflow, scheduled trigger (and crawler) facets; job runs
//               read from Glue, their results documents from S3.
// Requeue: at the next run time, sooner while a run is in flight, never later than the
// drift interval.

import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type * as k8s from '@kubernetes/client-node';
import { Annotations } from '../../api/common.ts';
import {
  type QualityPipeline,
  type QualityPipelineSpec,
  type QualityPipelineStatus,
  qualityPipelineKind,
  type RunSummary,
} from '../../api/qualitypipeline.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { publishQualityScore } from '../../aws/cloudwatch/quality-metric.ts';
import { isAwsError } from '../../aws/errors.ts';
import type { IsolatedRunRequest } from '../../dq/index.ts';
import { removeCondition, setCondition } from '../../runtime/conditions.ts';
import { WaitingError } from '../../runtime/errors.ts';
import { driftIntervalMs } from '../../runtime/reconcile-once.ts';
import type { ReconcileRequest, ReconcileResult, Reconciler } from '../../runtime/reconciler.ts';
import { nextRunTime } from '../../schedule/glue-cron.ts';
import {
  bucketReadyCondition,
  kubeProtectedBuckets,
  type ProtectedBucketReader,
  requireUsableBucket,
  type UsableBucket,
} from '../protectedbucket/reference.ts';
import { EmbeddedRuns } from './embedded-runs.ts';
import { finalizeGlue, reconcileGlue } from './glue-engine.ts';
import {
  decideRun,
  failedSummary,
  lastRunCondition,
  newRunId,
  recordFinishedRun,
  s3Url,
  summaryFromResults,
} from './runs.ts';
import { type Locations, locations, type PipelineSettings, resolveSettings } from './settings.ts';

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

export interface PipelineContext {
  request: QpRequest;
  settings: PipelineSettings;
  where: Locations;
  source: SourceBucket;
  s3: S3Client;
  deps: QualityPipelineDeps;
}

export function createQualityPipelineReconciler(
  deps: QualityPipelineDeps,
): Reconciler<QualityPipelineSpec, QualityPipelineStatus> {
  const runs = deps.runs ?? new EmbeddedRuns();
  const full: QualityPipelineDeps = { ...deps, runs };
  return {
    kind: qualityPipelineKind,
    dependsOn: [
      {
        kind: 'ProtectedBucket',
        references: (object) =>
          object.spec.source.bucketRef ? [object.spec.source.bucketRef.name] : [],
      },
    ],
    async reconcile(request) {
      const ctx = await pipelineContext(request, full);
      request.status.engine = ctx.settings.engine;
      // Reported drift or a backup still converging on the ProtectedBucket is shown here;
      // it does not stop the pipeline (the data is there and readable).
      const pb = ctx.source.protectedBucket;
      request.status.conditions = pb
        ? setCondition(
            request.status.conditions,
            bucketReadyCondition([pb]),
            request.object.metadata.generation ?? 0,
            request.now,
          )
        : removeCondition(request.status.conditions, 'BucketReady');
      await requireBucketExists(ctx);
      return ctx.settings.engine === 'glue' ? reconcileGlue(ctx) : reconcileEmbedded(ctx, runs);
    },
    async finalize(request) {
      // The embedded engine creates no AWS resource: its outputs are data, never deleted.
      if ((request.object.spec.engine ?? 'embedded') !== 'glue') return;
      await finalizeGlue(request, full);
    },
  };
}

/** The operator's factory (src/kinds/index.ts): ProtectedBuckets read through the API server. */
export function qualityPipelineReconcilerFor(deps: { aws: AwsClients; kc: k8s.KubeConfig }) {
  return createQualityPipelineReconciler({
    aws: deps.aws,
    buckets: kubeProtectedBuckets(deps.kc),
  });
}

/** Settings, the source bucket (waiting for a bucketRef to be Ready) and the locations. */
export async function pipelineContext(
  request: QpRequest,
  deps: QualityPipelineDeps,
): Promise<PipelineContext> {
  const settings = resolveSettings(request.object as QualityPipeline);
  const source = await resolveSource(settings, deps);
  const s3 = deps.aws.s3(source.region);
  return {
    request,
    settings,
    source,
    where: locations(settings, source.bucket),
    s3,
    deps,
  };
}

async function resolveSource(
  settings: PipelineSettings,
  deps: QualityPipelineDeps,
): Promise<SourceBucket> {
  if (settings.source.bucketRef) {
    const pb = await requireUsableBucket(
      deps.buckets,
      settings.namespace,
      settings.source.bucketRef,
      deps.dependencyPollMs,
    );
    return { bucket: pb.bucketName, region: pb.region, protectedBucket: pb };
  }
  return { bucket: settings.source.bucketName ?? '', region: undefined };
}

/** A plain source bucket must exist: until it does the pipeline waits (it is someone else's). */
async function requireBucketExists(ctx: PipelineContext): Promise<void> {
  try {
    await ctx.s3.send(new HeadBucketCommand({ Bucket: ctx.where.sourceBucket }));
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NoSuchBucket', '404')) {
      throw new WaitingError(
        'DependencyNotReady',
        `source bucket ${ctx.where.sourceBucket} does not exist`,
        ctx.deps.dependencyPollMs ?? 5_000,
      );
    }
    throw error;
  }
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

/** Never later than the next run nor the drift interval; never in the past. */
export function requeueDelay(ctx: PipelineContext, next: Date | undefined): number {
  const interval = driftIntervalMs(
    ctx.request.object.spec,
    ctx.deps.defaultDriftIntervalMs ?? 10 * 60_000,
  );
  if (!next) return interval;
  return Math.max(0, Math.min(interval, next.getTime() - ctx.request.now.getTime()));
}

export function outputsOf(ctx: PipelineContext, runId: string) {
  const { trusted, quarantine, results } = ctx.where;
  return {
    trusted: s3Url(trusted.bucket, `${trusted.prefix}${runId}/`),
    quarantine: s3Url(quarantine.bucket, `${quarantine.prefix}${runId}/`),
    results: s3Url(results.bucket, `${results.prefix}${runId}.json`),
  };
}

async function reconcileEmbedded(
  ctx: PipelineContext,
  runs: EmbeddedRuns,
): Promise<ReconcileResult> {
  const { request, settings } = ctx;
  const { status, now } = request;
  const next = nextRunTime(settings.cron, now);
  if (next) status.nextRunTime = next.toISOString();
  else delete status.nextRunTime;
  const pollMs = ctx.deps.runPollMs ?? 2_000;

  // 1. A run in flight: poll it, start it (recorded by the previous reconcile), or find
  //    that it was cut short by the end of the process that ran it.
  const current = status.currentRun;
  if (current) {
    const progress = runs.progress(current.id);
    if (!progress && current.operator === runs.operatorId) {
      if (request.mode === 'plan') return { message: `run ${current.id} is about to start` };
      runs.start(current.id, await embeddedRequest(ctx, current.id));
      request.log.info({ runId: current.id, trigger: current.trigger }, 'run started');
      return { requeueAfterMs: pollMs, message: `run ${current.id} is running` };
    }
    if (!progress) {
      await finishRun(
        ctx,
        failedSummary(
          current,
          now,
          `the run was cut short: operator ${current.operator ?? 'unknown'} stopped while it ran; it is not repeated (set ${Annotations.runRequestedAt} to run again)`,
        ),
      );
    } else if (progress.state === 'running') {
      return { requeueAfterMs: pollMs, message: `run ${current.id} is running` };
    } else if (progress.state === 'crashed') {
      await finishRun(ctx, failedSummary(current, now, `the run failed: ${progress.message}`));
      runs.forget(current.id);
    } else {
      const summary = summaryFromResults(
        progress.document,
        current.trigger ? { trigger: current.trigger } : {},
        outputsOf(ctx, current.id),
        settings.minScore,
      );
      await finishRun(ctx, summary);
      runs.forget(current.id);
    }
  }

  // 2. A run due: record it first, start it on the next reconcile. The record is written
  //    before any row is read, so a crash mid-run is always found and never repeated.
  if (request.mode !== 'plan') {
    const decision = decideRun({
      cron: settings.cron,
      now,
      createdAt: new Date(request.object.metadata.creationTimestamp ?? now.toISOString()),
      lastScheduledTime: status.lastScheduledTime,
      handledRunRequest: status.handledRunRequest,
      runRequestedAt: request.object.metadata.annotations?.[Annotations.runRequestedAt],
    });
    if (decision.due) {
      const id = newRunId(now);
      status.currentRun = {
        id,
        engine: 'embedded',
        trigger: decision.trigger,
        startedAt: now.toISOString(),
        operator: runs.operatorId,
        ...(decision.scheduledTime ? { scheduledTime: decision.scheduledTime.toISOString() } : {}),
      };
      if (decision.scheduledTime) status.lastScheduledTime = decision.scheduledTime.toISOString();
      if (decision.runRequest) status.handledRunRequest = decision.runRequest;
      request.events.normal('RunStarting', `Run ${id} (${decision.trigger}) is starting`);
      return { requeueAfterMs: 0, message: `run ${id} is starting` };
    }
  }
  return {
    requeueAfterMs: requeueDelay(ctx, next),
    message: next ? `Next run at ${next.toISOString()}` : 'The schedule never fires again',
  };
}

/**
 * What the run's child process needs: the pipeline, S3 access as plain data (resolved
 * credentials only when the operator was given explicit ones; otherwise the child finds its
 * own, as the operator does) and the spec's limits.
 */
async function embeddedRequest(ctx: PipelineContext, runId: string): Promise<IsolatedRunRequest> {
  const { settings, where, deps } = ctx;
  const given = deps.aws.config.credentials;
  const credentials = typeof given === 'function' ? await given() : given;
  return {
    options: {
      source: {
        bucket: where.sourceBucket,
        prefix: settings.source.prefix,
        format: settings.source.format,
        compression: settings.source.compression,
        csv: settings.source.csv,
      },
      trusted: where.trusted,
      quarantine: where.quarantine,
      results: where.results,
      rules: settings.rules,
      runId,
      now: ctx.request.now,
      memoryBytes: settings.embedded.memoryBytes,
    },
    s3: {
      region: ctx.source.region ?? deps.aws.config.defaultRegion,
      endpoint: deps.aws.config.endpoint,
      ...(credentials ? { credentials } : {}),
    },
    limits: settings.embedded,
  };
}
