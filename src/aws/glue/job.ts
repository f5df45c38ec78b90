// glue.job: the Glue ETL job that runs the generated script. Drift covers what decides
// what the job does and what it may touch: script location, role, worker type and count,
// Glue version, timeout and arguments. UpdateJob replaces the whole definition, so it is
// always sent complete.
import {
  CreateJobCommand,
  GetJobCommand,
  type JobUpdate,
  UpdateJobCommand,
} from '@aws-sdk/client-glue';
import type { Facet, FieldDiff } from '../facet.ts';
import { diffFields } from '../facet.ts';
import { withOwnerTag } from '../ownership.ts';
import { type GlueTarget, glueArn, isNotFound, requireOwned } from './resource.ts';

export interface JobDefinition {
  Role: string;
  ScriptLocation: string;
  GlueVersion: string;
  WorkerType: string;
  NumberOfWorkers: number;
  /** Minutes. */
  Timeout: number;
  DefaultArguments: Record<string, string>;
}

export interface JobContext extends GlueTarget {
  jobName: string;
  definition: JobDefinition;
  description: string;
}

export type JobState = { exists: false } | ({ exists: true } & JobDefinition);

/** Pure: the create and update requests carry the same definition. */
export function jobCommandInput(ctx: JobContext): JobUpdate {
  const d = ctx.definition;
  return {
    Description: ctx.description,
    Role: d.Role,
    Command: { Name: 'glueetl', ScriptLocation: d.ScriptLocation, PythonVersion: '3' },
    DefaultArguments: d.DefaultArguments,
    GlueVersion: d.GlueVersion,
    WorkerType: d.WorkerType as JobUpdate['WorkerType'],
    NumberOfWorkers: d.NumberOfWorkers,
    Timeout: d.Timeout,
    // One run at a time per pipeline, in Glue as in the embedded engine.
    ExecutionProperty: { MaxConcurrentRuns: 1 },
    MaxRetries: 0,
  };
}

/** Pure: a missing job is one difference; otherwise field by field. */
export function diffJob(desired: JobDefinition, observed: JobState): FieldDiff[] {
  if (!observed.exists) return [{ field: 'Job', expected: 'present', observed: undefined }];
  const { exists: _, ...fields } = observed;
  return diffFields(desired, fields);
}

export const jobFacet: Facet<JobContext, JobState, JobDefinition> = {
  calls: ['glue:CreateJob', 'glue:GetJob', 'glue:GetTags', 'glue:UpdateJob'],
  name: 'glue.job',
  resource: (ctx) => glueArn(ctx, 'job', ctx.jobName),
  async observe(ctx) {
    try {
      const { Job } = await ctx.glue.send(new GetJobCommand({ JobName: ctx.jobName }));
      if (!Job) return { exists: false };
      await requireOwned(ctx, 'job', ctx.jobName);
      return {
        exists: true,
        Role: Job.Role ?? '',
        ScriptLocation: Job.Command?.ScriptLocation ?? '',
        GlueVersion: Job.GlueVersion ?? '',
        WorkerType: Job.WorkerType ?? '',
        NumberOfWorkers: Job.NumberOfWorkers ?? 0,
        Timeout: Job.Timeout ?? 0,
        DefaultArguments: Job.DefaultArguments ?? {},
      };
    } catch (error) {
      if (isNotFound(error)) return { exists: false };
      throw error;
    }
  },
  desired: (ctx) => ctx.definition,
  diff: diffJob,
  async apply(ctx, _desired, observed) {
    const input = jobCommandInput(ctx);
    if (!observed.exists) {
      await ctx.glue.send(
        new CreateJobCommand({
          Name: ctx.jobName,
          ...input,
          Role: ctx.definition.Role,
          Command: input.Command ?? { Name: 'glueetl' },
          Tags: withOwnerTag({}, ctx.owner),
        }),
      );
      return;
    }
    await ctx.glue.send(new UpdateJobCommand({ JobName: ctx.jobName, JobUpdate: input }));
  },
};
