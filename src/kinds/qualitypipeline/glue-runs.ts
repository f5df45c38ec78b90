// Engine glue's runs: the scheduled trigger starts them (Seawall never starts a scheduled
// run itself); each reconcile reads the job's runs from Glue, shows one in flight in
// status.currentRun, and folds each finished one — with the results document the script
// wrote to S3 — into lastRun. seawall.dev/run-requested-at calls StartJobRun.
import {
  GetJobRunsCommand,
  type GlueClient,
  type JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Annotations } from '../../api/common.ts';
import type { RunSummary } from '../../api/qualitypipeline.ts';
import { isAwsError } from '../../aws/errors.ts';
import type { ResultsDocument } from '../../dq/index.ts';
import { WaitingError } from '../../runtime/errors.ts';
import { finishRun, outputsOf, type PipelineContext } from './engine.ts';
import { failedSummary, type RunTrigger, summaryFromResults } from './runs.ts';

const IN_PROGRESS = new Set(['STARTING', 'RUNNING', 'STOPPING', 'WAITING']);

/** Folds finished runs into status and starts a requested one; true while one is in flight. */
export async function glueRuns(
  ctx: PipelineContext,
  glue: GlueClient,
  jobName: string,
): Promise<boolean> {
  const running = await observeJobRuns(ctx, glue, jobName);
  const manual = await startRequestedRun(ctx, glue, jobName, running);
  return running || manual;
}

function startedAt(run: JobRun): number {
  return run.StartedOn ? new Date(run.StartedOn).getTime() : 0;
}

/** Folds finished runs not yet recorded into status; returns true while one is in flight. */
async function observeJobRuns(
  ctx: PipelineContext,
  glue: GlueClient,
  jobName: string,
): Promise<boolean> {
  const { status } = ctx.request;
  const out = await glue.send(new GetJobRunsCommand({ JobName: jobName, MaxResults: 25 }));
  const recorded = new Set([
    ...(status.lastRun ? [status.lastRun.id] : []),
    ...(status.history ?? []).map((h) => h.id),
  ]);
  const since = status.lastRun ? new Date(status.lastRun.startedAt).getTime() : 0;
  const runs = (out.JobRuns ?? [])
    .filter((r) => r.Id && !recorded.has(r.Id) && startedAt(r) >= since)
    .sort((a, b) => startedAt(a) - startedAt(b));
  for (const run of runs) {
    const id = run.Id ?? '';
    const trigger: RunTrigger =
      status.currentRun?.id === id && status.currentRun.trigger
        ? status.currentRun.trigger
        : run.TriggerName
          ? 'Schedule'
          : 'Manual';
    if (IN_PROGRESS.has(run.JobRunState ?? '')) {
      status.currentRun = {
        id,
        engine: 'glue',
        trigger,
        startedAt: new Date(startedAt(run) || ctx.request.now.getTime()).toISOString(),
        glueJobRunId: id,
      };
      return true;
    }
    await finishRun(ctx, await summaryOfJobRun(ctx, run, trigger));
  }
  delete status.currentRun;
  return false;
}

async function readResults(
  ctx: PipelineContext,
  runId: string,
): Promise<ResultsDocument | undefined> {
  const { results } = ctx.where;
  try {
    const out = await ctx.s3.send(
      new GetObjectCommand({ Bucket: results.bucket, Key: `${results.prefix}${runId}.json` }),
    );
    return JSON.parse((await out.Body?.transformToString()) ?? '') as ResultsDocument;
  } catch (error) {
    if (isAwsError(error, 'NoSuchKey', 'NotFound') || error instanceof SyntaxError)
      return undefined;
    throw error;
  }
}

async function summaryOfJobRun(
  ctx: PipelineContext,
  run: JobRun,
  trigger: RunTrigger,
): Promise<RunSummary> {
  const id = run.Id ?? '';
  const document = await readResults(ctx, id);
  const completedAt = run.CompletedOn ? new Date(run.CompletedOn) : ctx.request.now;
  const current = {
    id,
    engine: 'glue',
    trigger,
    startedAt: new Date(startedAt(run) || completedAt.getTime()).toISOString(),
    glueJobRunId: id,
  };
  if (document) {
    // Glue's clock, not the script's, orders runs: later reconciles compare StartedOn.
    const summary = {
      ...summaryFromResults(
        document,
        { trigger, glueJobRunId: id },
        outputsOf(ctx, id),
        ctx.settings.minScore,
      ),
      startedAt: current.startedAt,
    };
    if (run.JobRunState !== 'SUCCEEDED' && summary.state === 'Succeeded') {
      return {
        ...summary,
        state: 'Failed',
        message: `Glue job run ${run.JobRunState}: ${run.ErrorMessage ?? ''}`,
      };
    }
    return summary;
  }
  const where = outputsOf(ctx, id).results;
  const message =
    run.JobRunState === 'SUCCEEDED'
      ? `the Glue job run succeeded but wrote no results document at ${where}`
      : `Glue job run ${run.JobRunState}: ${run.ErrorMessage ?? 'no error message'}`;
  return failedSummary(current, completedAt, message);
}

/** seawall.dev/run-requested-at: StartJobRun now, unless a run is in flight (one at a time). */
async function startRequestedRun(
  ctx: PipelineContext,
  glue: GlueClient,
  jobName: string,
  running: boolean,
): Promise<boolean> {
  const { request } = ctx;
  const { status } = request;
  const requested = request.object.metadata.annotations?.[Annotations.runRequestedAt];
  if (!requested || requested === status.handledRunRequest || request.mode === 'plan') return false;
  if (running) return false; // picked up once the run in flight has finished
  try {
    const out = await glue.send(new StartJobRunCommand({ JobName: jobName }));
    const id = out.JobRunId ?? '';
    status.handledRunRequest = requested;
    status.currentRun = {
      id,
      engine: 'glue',
      trigger: 'Manual',
      startedAt: request.now.toISOString(),
      glueJobRunId: id,
    };
    request.events.normal('RunStarting', `Glue job run ${id} (Manual) started`);
    return true;
  } catch (error) {
    if (isAwsError(error, 'ConcurrentRunsExceededException')) {
      throw new WaitingError(
        'RunInProgress',
        `a run of Glue job ${jobName} is already in flight`,
        ctx.deps.glueRunPollMs ?? 30_000,
      );
    }
    throw error;
  }
}
