// Engine glue: the facets that make AWS Glue run the pipeline (script, role, workflow,
// job, scheduled trigger, optional crawler), the job runs read back from Glue with their
// results documents from S3, and the clean-up under deletionPolicy.
import {
  DeleteCrawlerCommand,
  DeleteJobCommand,
  DeleteTriggerCommand,
  DeleteWorkflowCommand,
  GetJobRunsCommand,
  type GlueClient,
  type JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Annotations } from '../../api/common.ts';
import type {
  QualityPipelineSpec,
  QualityPipelineStatus,
  RunSummary,
} from '../../api/qualitypipeline.ts';
import { accountOf } from '../../aws/account.ts';
import { isAwsError } from '../../aws/errors.ts';
import { type Facet, runFacet } from '../../aws/facet.ts';
import { crawlerFacet } from '../../aws/glue/crawler.ts';
import { jobFacet } from '../../aws/glue/job.ts';
import {
  type GlueResourceType,
  type GlueTarget,
  glueArn,
  glueName,
  isNotFound,
  readTags,
} from '../../aws/glue/resource.ts';
import {
  deleteGlueRole,
  glueRoleArn,
  glueRoleFacet,
  glueRoleName,
  pipelinePolicy,
} from '../../aws/glue/role.ts';
import { scriptFacet, scriptKey } from '../../aws/glue/script.ts';
import { triggerFacet } from '../../aws/glue/trigger.ts';
import { workflowFacet } from '../../aws/glue/workflow.ts';
import { ROLE_PATH } from '../../aws/iam/role.ts';
import { ownershipOf, ownerValue } from '../../aws/ownership.ts';
import type { ResultsDocument } from '../../dq/index.ts';
import { StalledError, WaitingError } from '../../runtime/errors.ts';
import type { ReconcileRequest, ReconcileResult } from '../../runtime/reconciler.ts';
import { nextRunTime } from '../../schedule/glue-cron.ts';
import { generateGlueScript, type ScriptArgument } from './glue-script.ts';
import type { PipelineContext, QualityPipelineDeps } from './reconciler.ts';
import { finishRun, outputsOf, requeueDelay } from './reconciler.ts';
import { failedSummary, type RunTrigger, s3Url, summaryFromResults } from './runs.ts';
import type { Locations, PipelineSettings } from './settings.ts';

export interface GlueNames {
  jobName: string;
  workflowName: string;
  triggerName: string;
  crawlerName: string;
  crawlerTriggerName: string;
  roleName: string;
}

export function glueNames(namespace: string, name: string): GlueNames {
  return {
    jobName: glueName(namespace, name),
    workflowName: glueName(namespace, name),
    triggerName: glueName(namespace, name, '-schedule'),
    crawlerName: glueName(namespace, name, '-trusted'),
    crawlerTriggerName: glueName(namespace, name, '-crawl'),
    roleName: glueRoleName(namespace, name),
  };
}

const IN_PROGRESS = new Set(['STARTING', 'RUNNING', 'STOPPING', 'WAITING']);

/** Pure: is this role under Seawall's IAM path (arn:…:role/seawall/…)? */
export function isSeawallRole(roleArn: string): boolean {
  return /^arn:[^:]+:iam::\d{12}:role\/seawall\//.test(roleArn);
}

/** Pure: the job arguments the generated script reads. */
export function jobArguments(
  settings: PipelineSettings,
  where: Locations,
): Record<`--${ScriptArgument}`, string> {
  // Outputs that live under the source prefix are not read back as source.
  const exclusions = [where.trusted, where.quarantine, where.results]
    .filter((o) => o.bucket === where.sourceBucket && o.prefix.startsWith(settings.source.prefix))
    .map((o) => o.prefix);
  return {
    '--seawall_pipeline': `${settings.namespace}/${settings.name}`,
    '--seawall_source_bucket': where.sourceBucket,
    '--seawall_source_prefix': settings.source.prefix,
    '--seawall_format': settings.source.format,
    '--seawall_compression': settings.source.compression,
    '--seawall_csv_delimiter': settings.source.csv.delimiter ?? ',',
    '--seawall_csv_quote': settings.source.csv.quote ?? '"',
    '--seawall_exclusions': JSON.stringify(exclusions),
    '--seawall_source_catalog': JSON.stringify(settings.source.catalogTable ?? {}),
    '--seawall_reference_data': JSON.stringify(
      settings.referenceData.map((r) =>
        r.catalogTable
          ? { alias: r.alias, catalogTable: r.catalogTable }
          : {
              alias: r.alias,
              bucket: r.bucketName ?? where.sourceBucket,
              prefix: r.prefix,
              format: r.format,
            },
      ),
    ),
    '--seawall_trusted_bucket': where.trusted.bucket,
    '--seawall_trusted_prefix': where.trusted.prefix,
    '--seawall_quarantine_bucket': where.quarantine.bucket,
    '--seawall_quarantine_prefix': where.quarantine.prefix,
    '--seawall_results_bucket': where.results.bucket,
    '--seawall_results_prefix': where.results.prefix,
  };
}

export async function reconcileGlue(ctx: PipelineContext): Promise<ReconcileResult> {
  const { request, settings, where, deps } = ctx;
  const { status, now } = request;
  const region = ctx.source.region ?? deps.aws.config.defaultRegion;
  const glue = deps.aws.glue(region);
  const target: GlueTarget = {
    glue,
    region,
    accountId: (await accountOf(deps.aws)).accountId,
    owner: settings.owner,
  };
  const names = glueNames(settings.namespace, settings.name);
  const description = `Seawall QualityPipeline ${settings.namespace}/${settings.name}`;
  let missing = false;
  const step = async <C, O, D>(facet: Facet<C, O, D>, facetCtx: C) => {
    const outcome = await runFacet(facet, facetCtx, request.mode, now);
    request.recordDrift(outcome.drift);
    // A resource that is absent and may not be created now (report, plan): later steps
    // that need it only observe what is there.
    if (!outcome.applied && outcome.diffs.some((d) => d.expected === 'present')) missing = true;
  };

  // 1. The script, content-addressed under the Seawall prefix of the source bucket.
  const text = generateGlueScript({
    pipeline: `${settings.namespace}/${settings.name}`,
    rules: settings.rules,
  });
  const key = scriptKey(settings.glue.scriptPrefix, settings.namespace, settings.name, text);
  await step(scriptFacet, {
    s3: ctx.s3,
    bucket: where.sourceBucket,
    key,
    text,
    owner: settings.owner,
  });
  const scriptLocation = s3Url(where.sourceBucket, key);

  // 2. The role: the spec's, or one Seawall creates. The operator may pass only roles
  // under Seawall's path (its IAM policy says so): a role elsewhere would fail later, at
  // CreateJob, with a bare AccessDenied on iam:PassRole.
  let roleArn = settings.glue.roleArn;
  if (roleArn && !isSeawallRole(roleArn)) {
    throw new StalledError(
      'RoleNotPassable',
      `spec.glue.roleArn ${roleArn} is not under the IAM path ${ROLE_PATH}: Seawall may pass only roles under it to Glue (see \`seawall iam-policy\`). Create the role with --path ${ROLE_PATH}, or leave roleArn out and Seawall makes one`,
    );
  }
  if (!roleArn) {
    const iam = deps.aws.iam();
    const policy = pipelinePolicy({
      read: [
        { bucket: where.sourceBucket, prefix: settings.source.prefix },
        { bucket: where.sourceBucket, prefix: settings.glue.scriptPrefix },
        // Reference datasets in S3 (catalog tables need glue.roleArn: see the API).
        ...settings.referenceData
          .filter((r) => !r.catalogTable)
          .map((r) => ({ bucket: r.bucketName ?? where.sourceBucket, prefix: r.prefix })),
      ],
      write: [where.trusted, where.quarantine, where.results],
      crawlerDatabase: settings.glue.crawlerDatabase,
    });
    await step(glueRoleFacet, { iam, roleName: names.roleName, owner: settings.owner, policy });
    roleArn =
      (await glueRoleArn(iam, names.roleName)) ??
      `arn:aws:iam::${target.accountId}:role/seawall/${names.roleName}`;
  }

  // 3. Workflow, job, the scheduled trigger in the workflow; the crawler when asked for.
  await step(workflowFacet, {
    ...target,
    workflowName: names.workflowName,
    definition: { Description: description, MaxConcurrentRuns: 1 },
  });
  await step(jobFacet, {
    ...target,
    jobName: names.jobName,
    description,
    definition: {
      Role: roleArn,
      ScriptLocation: scriptLocation,
      GlueVersion: settings.glue.glueVersion,
      WorkerType: settings.glue.workerType,
      NumberOfWorkers: settings.glue.numberOfWorkers,
      Timeout: settings.glue.timeoutMinutes,
      DefaultArguments: {
        '--job-language': 'python',
        '--enable-metrics': 'true',
        ...jobArguments(settings, where),
      },
    },
  });
  await step(triggerFacet, {
    ...target,
    triggerName: names.triggerName,
    description: `${description}: schedule`,
    definition: {
      Type: 'SCHEDULED',
      WorkflowName: names.workflowName,
      Schedule: settings.schedule,
      Actions: [{ JobName: names.jobName }],
      State: 'ACTIVATED',
    },
  });
  if (settings.glue.crawlerDatabase) {
    await step(crawlerFacet, {
      ...target,
      crawlerName: names.crawlerName,
      description: `${description}: trusted rows`,
      definition: {
        Role: roleArn,
        DatabaseName: settings.glue.crawlerDatabase,
        S3Paths: [s3Url(where.trusted.bucket, where.trusted.prefix)],
      },
    });
    await step(triggerFacet, {
      ...target,
      triggerName: names.crawlerTriggerName,
      description: `${description}: crawl trusted rows after a successful run`,
      definition: {
        Type: 'CONDITIONAL',
        WorkflowName: names.workflowName,
        Predicate: {
          Logical: 'AND',
          Conditions: [{ LogicalOperator: 'EQUALS', JobName: names.jobName, State: 'SUCCEEDED' }],
        },
        Actions: [{ CrawlerName: names.crawlerName }],
        State: 'ACTIVATED',
      },
    });
  }
  status.glue = {
    region,
    jobName: names.jobName,
    workflowName: names.workflowName,
    triggerName: names.triggerName,
    ...(settings.glue.crawlerDatabase
      ? { crawlerName: names.crawlerName, crawlerTriggerName: names.crawlerTriggerName }
      : {}),
    roleArn,
    scriptLocation,
  };
  const next = nextRunTime(settings.cron, now);
  if (next) status.nextRunTime = next.toISOString();
  else delete status.nextRunTime;
  if (missing) return { message: 'Glue resources are missing (not created under this mode)' };

  // 4. Runs: the job's runs from Glue, each finished one's results document from S3.
  const running = await observeJobRuns(ctx, glue, names.jobName);
  const manual = await startRequestedRun(ctx, glue, names.jobName, running);
  if (running || manual) {
    return {
      requeueAfterMs: deps.glueRunPollMs ?? 30_000,
      message: `Glue job run ${status.currentRun?.id ?? ''} is running`,
    };
  }
  return {
    requeueAfterMs: requeueDelay(ctx, next),
    message: next ? `Next run at ${next.toISOString()}` : 'The schedule never fires again',
  };
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

type QpFinalizeRequest = ReconcileRequest<QualityPipelineSpec, QualityPipelineStatus>;

/**
 * deletionPolicy Delete: triggers, workflow, job, crawler, the role Seawall created and
 * the script — each only when it carries our owner tag. Data (sources, outputs, results)
 * is never deleted. (Under Retain, reconcileOnce never calls this.)
 */
export async function finalizeGlue(
  request: QpFinalizeRequest,
  deps: QualityPipelineDeps,
): Promise<void> {
  const { object, status } = request;
  const namespace = object.metadata.namespace ?? '';
  const name = object.metadata.name ?? '';
  const owner = ownerValue({ namespace, kind: 'QualityPipeline', name });
  const region = status.glue?.region ?? deps.aws.config.defaultRegion;
  const glue = deps.aws.glue(region);
  const target: GlueTarget = {
    glue,
    region,
    accountId: (await accountOf(deps.aws)).accountId,
    owner,
  };
  const names = glueNames(namespace, name);
  const owned = async (type: GlueResourceType, resource: string) =>
    ownershipOf(await readTags(target, glueArn(target, type, resource)), owner) === 'owned';
  const ignoreMissing = (error: unknown) => {
    if (!isNotFound(error)) throw error;
  };
  if (await owned('trigger', names.crawlerTriggerName))
    await glue
      .send(new DeleteTriggerCommand({ Name: names.crawlerTriggerName }))
      .catch(ignoreMissing);
  if (await owned('trigger', names.triggerName))
    await glue.send(new DeleteTriggerCommand({ Name: names.triggerName })).catch(ignoreMissing);
  if (await owned('workflow', names.workflowName))
    await glue.send(new DeleteWorkflowCommand({ Name: names.workflowName })).catch(ignoreMissing);
  if (await owned('job', names.jobName))
    await glue.send(new DeleteJobCommand({ JobName: names.jobName })).catch(ignoreMissing);
  if (await owned('crawler', names.crawlerName))
    await glue.send(new DeleteCrawlerCommand({ Name: names.crawlerName })).catch(ignoreMissing);
  if (!object.spec.glue?.roleArn) await deleteGlueRole(deps.aws.iam(), names.roleName, owner);
  const script = status.glue?.scriptLocation?.match(/^s3:\/\/([^/]+)\/(.+)$/);
  if (script?.[1] && script[2]) {
    await deps.aws.s3(region).send(new DeleteObjectCommand({ Bucket: script[1], Key: script[2] }));
  }
}
