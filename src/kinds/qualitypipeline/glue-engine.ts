// Engine glue: AWS Glue runs the pipeline. A reconcile makes the Glue resources exist as
// the spec says (glue-resources.ts), then reads the job's runs (glue-runs.ts). Deletion
// under deletionPolicy Delete removes what carries this pipeline's owner tag.
import { glueCrawler } from '../../aws/glue/crawler.ts';
import { glueJob } from '../../aws/glue/job.ts';
import type { GlueName } from '../../aws/glue/resource.ts';
import { glueScript, parseScriptUrl } from '../../aws/glue/script.ts';
import { glueTrigger } from '../../aws/glue/trigger.ts';
import { glueWorkflow } from '../../aws/glue/workflow.ts';
import { serviceRole } from '../../aws/iam/role.ts';
import { retire } from '../../aws/lifecycle.ts';
import { ownerValue } from '../../aws/ownership.ts';
import type { ReconcileResult } from '../../runtime/reconciler.ts';
import { endsAtMissing } from '../steps.ts';
import {
  type PipelineContext,
  type QpRequest,
  type QualityEngine,
  type QualityPipelineDeps,
  recordNextRun,
  untilNextRun,
} from './engine.ts';
import {
  type EnsuredGlue,
  ensureGlueResources,
  glueNames,
  glueRoleRef,
  glueTarget,
} from './glue-resources.ts';
import { glueRuns } from './glue-runs.ts';

// The names of a pipeline's Glue resources, for those who look them up (tests, tools).
export { type GlueNames, glueNames } from './glue-resources.ts';

export const glueEngine: QualityEngine = {
  name: 'glue',
  reconcile: reconcileGlue,
  finalize: finalizeGlue,
};

async function reconcileGlue(ctx: PipelineContext): Promise<ReconcileResult> {
  const { request, deps } = ctx;
  let resources: EnsuredGlue;
  try {
    resources = await ensureGlueResources(ctx);
  } catch (error) {
    // A resource missing in a drift check under Report: recorded as drift, nothing after
    // it can be checked.
    return endsAtMissing(error);
  }
  request.status.glue = resources.record;
  const next = recordNextRun(ctx);
  if (resources.jobPlanned) return { message: 'the Glue job has no runs yet' };

  const inFlight = await glueRuns(ctx, resources.target.glue, resources.names.jobName);
  if (inFlight) {
    return {
      requeueAfterMs: deps.glueRunPollMs ?? 30_000,
      message: `Glue job run ${request.status.currentRun?.id ?? ''} is running`,
    };
  }
  return untilNextRun(ctx, next);
}

/**
 * deletionPolicy Delete: triggers, workflow, job, crawler, the role Seawall created and
 * the script — each only when it carries our owner tag (the script: its metadata). Data
 * (sources, outputs, results) is never deleted. (Under Retain, reconcileOnce never calls
 * this.)
 */
async function finalizeGlue(request: QpRequest, deps: QualityPipelineDeps): Promise<void> {
  const { object, status } = request;
  const namespace = object.metadata.namespace ?? '';
  const name = object.metadata.name ?? '';
  const owner = ownerValue({ namespace, kind: 'QualityPipeline', name });
  const region = status.glue?.region ?? deps.aws.config.defaultRegion;
  const target = await glueTarget(deps.aws, region);
  const names = glueNames(namespace, name);
  const named = (resource: string): GlueName => ({ ...target, name: resource });
  // Triggers first (they start the job and the crawler), the workflow that holds them,
  // then what they started.
  await retire(glueTrigger, named(names.crawlerTriggerName), owner);
  await retire(glueTrigger, named(names.triggerName), owner);
  await retire(glueWorkflow, named(names.workflowName), owner);
  await retire(glueJob, named(names.jobName), owner);
  await retire(glueCrawler, named(names.crawlerName), owner);
  if (!object.spec.glue?.roleArn) {
    await retire(serviceRole, { ...glueRoleRef(namespace, name), iam: deps.aws.iam() }, owner);
  }
  const script = parseScriptUrl(status.glue?.scriptLocation);
  if (script) await retire(glueScript, { ...script, s3: deps.aws.s3(region) }, owner);
}
