// Engine embedded: Seawall evaluates the rules itself, in a child process of the operator
// (src/dq). It creates no AWS resource — it reads the source and writes outputs and
// results documents, which are data and never deleted — so there is nothing to finalize.
// A reconcile polls a run in flight, folds a finished one into status, and records a due
// one (schedule slot, missed slot, run-requested-at) before the next reconcile starts it.
import { Annotations } from '../../api/common.ts';
import type { IsolatedRunRequest } from '../../dq/index.ts';
import type { ReconcileResult } from '../../runtime/reconciler.ts';
import type { EmbeddedRuns } from './embedded-runs.ts';
import {
  finishRun,
  outputsOf,
  type PipelineContext,
  type QualityEngine,
  recordNextRun,
  untilNextRun,
} from './engine.ts';
import { decideRun, failedSummary, newRunId, summaryFromResults } from './runs.ts';

export function embeddedEngine(runs: EmbeddedRuns): QualityEngine {
  return {
    name: 'embedded',
    reconcile: (ctx) => reconcileEmbedded(ctx, runs),
    finalize: async () => {},
  };
}

async function reconcileEmbedded(
  ctx: PipelineContext,
  runs: EmbeddedRuns,
): Promise<ReconcileResult> {
  const { request, settings } = ctx;
  const { status, now } = request;
  const next = recordNextRun(ctx);
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
  return untilNextRun(ctx, next);
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
