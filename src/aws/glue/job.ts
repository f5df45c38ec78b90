// The Glue ETL job that runs the generated script: a Glue resource (resource.ts), and its
// definition facet. Drift covers what decides what the job does and what it may touch:
// script location, role, worker type and count, Glue version, timeout and arguments.
// UpdateJob replaces the whole definition, so it is always sent complete.
import {
  CreateJobCommand,
  DeleteJobCommand,
  GetJobCommand,
  type JobUpdate,
  UpdateJobCommand,
} from '@aws-sdk/client-glue';
import { diffFields, type FieldDiff } from '../facet.ts';
import { type GlueApi, type GlueRef, glueDefinitionFacet, glueResource } from './resource.ts';

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

/** Pure: the create and update requests carry the same definition. */
export function jobCommandInput(ref: GlueRef<JobDefinition>): JobUpdate & {
  Role: string;
  Command: NonNullable<JobUpdate['Command']>;
} {
  const d = ref.definition;
  return {
    Description: ref.description,
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

/** Pure: field by field. */
export function diffJob(desired: JobDefinition, observed: JobDefinition): FieldDiff[] {
  return diffFields(desired, observed);
}

export const jobApi: GlueApi<JobDefinition, JobDefinition> = {
  type: 'job',
  calls: ['glue:GetJob', 'glue:CreateJob', 'glue:DeleteJob'],
  async read(ref) {
    const { Job } = await ref.glue.send(new GetJobCommand({ JobName: ref.name }));
    if (!Job) return undefined;
    return {
      Role: Job.Role ?? '',
      ScriptLocation: Job.Command?.ScriptLocation ?? '',
      GlueVersion: Job.GlueVersion ?? '',
      WorkerType: Job.WorkerType ?? '',
      NumberOfWorkers: Job.NumberOfWorkers ?? 0,
      Timeout: Job.Timeout ?? 0,
      DefaultArguments: Job.DefaultArguments ?? {},
    };
  },
  async create(ref, tags) {
    await ref.glue.send(
      new CreateJobCommand({ Name: ref.name, ...jobCommandInput(ref), Tags: tags }),
    );
  },
  async delete(ref) {
    await ref.glue.send(new DeleteJobCommand({ JobName: ref.name }));
  },
};

export const glueJob = glueResource(jobApi);

/** glue.job.definition: UpdateJob replaces the whole definition, so it is sent complete. */
export const jobDefinitionFacet = glueDefinitionFacet<JobDefinition, JobDefinition>('job', {
  calls: ['glue:UpdateJob'],
  diff: diffJob,
  async apply(ctx) {
    await ctx.ref.glue.send(
      new UpdateJobCommand({ JobName: ctx.ref.name, JobUpdate: jobCommandInput(ctx.ref) }),
    );
  },
});
