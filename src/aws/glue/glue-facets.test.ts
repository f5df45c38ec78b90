// Pure diffs of the Glue facets (table tests) and the request shapes of the calls moto
// does not implement (UpdateJob, UpdateTrigger, UpdateCrawler), checked with
// aws-sdk-client-mock: moto answers them with "not implemented", so only their shape can be
// tested locally.
import {
  GetCrawlerCommand,
  GetJobCommand,
  GetTagsCommand,
  GetTriggerCommand,
  GlueClient,
  StartTriggerCommand,
  UpdateCrawlerCommand,
  UpdateJobCommand,
  UpdateTriggerCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runFacet } from '../facet.ts';
import { OWNER_TAG } from '../ownership.ts';
import { crawlerFacet } from './crawler.ts';
import { diffJob, type JobDefinition, jobFacet } from './job.ts';
import { diffTrigger, type TriggerDefinition, triggerFacet, triggerPlan } from './trigger.ts';

const OWNER = 'ns/QualityPipeline/meters';
const JOB: JobDefinition = {
  Role: 'arn:aws:iam::123456789012:role/glue',
  ScriptLocation: 's3://b/seawall/glue-scripts/ns/meters/abc.py',
  GlueVersion: '4.0',
  WorkerType: 'G.1X',
  NumberOfWorkers: 2,
  Timeout: 60,
  DefaultArguments: { '--seawall_source_bucket': 'b' },
};
const SCHEDULED: TriggerDefinition = {
  Type: 'SCHEDULED',
  WorkflowName: 'wf',
  Schedule: 'cron(0 2 ? * MON *)',
  Actions: [{ JobName: 'job' }],
  State: 'ACTIVATED',
};

describe('diffJob', () => {
  it.each([
    ['missing job', { exists: false } as const, ['Job']],
    ['in line', { exists: true as const, ...JOB }, []],
    [
      'role changed by hand',
      { exists: true as const, ...JOB, Role: 'arn:aws:iam::1:role/x' },
      ['Role'],
    ],
    [
      'workers and version',
      { exists: true as const, ...JOB, NumberOfWorkers: 10, GlueVersion: '3.0' },
      ['GlueVersion', 'NumberOfWorkers'],
    ],
    [
      'an argument edited',
      { exists: true as const, ...JOB, DefaultArguments: { '--seawall_source_bucket': 'other' } },
      ['DefaultArguments'],
    ],
    [
      'script moved',
      { exists: true as const, ...JOB, ScriptLocation: 's3://b/old.py' },
      ['ScriptLocation'],
    ],
  ])('%s', (_case, observed, fields) => {
    expect(diffJob(JOB, observed).map((d) => d.field)).toEqual(fields);
  });
});

describe('diffTrigger and triggerPlan', () => {
  const observed = { exists: true as const, ...SCHEDULED, State: 'ACTIVATED' };
  it.each([
    [
      'missing',
      { exists: false } as const,
      ['Trigger'],
      { replace: true, update: false, start: false },
    ],
    ['in line', observed, [], { replace: false, update: false, start: false }],
    [
      'ACTIVATING counts as on',
      { ...observed, State: 'ACTIVATING' },
      [],
      { replace: false, update: false, start: false },
    ],
    [
      'stopped by hand',
      { ...observed, State: 'DEACTIVATED' },
      ['State'],
      { replace: false, update: false, start: true },
    ],
    [
      'schedule edited',
      { ...observed, Schedule: 'cron(0 3 ? * MON *)' },
      ['Schedule'],
      { replace: false, update: true, start: false },
    ],
    [
      'actions edited',
      { ...observed, Actions: [{ JobName: 'other' }] },
      ['Actions'],
      { replace: false, update: true, start: false },
    ],
    [
      'Glue-filled action defaults are not drift',
      { ...observed, Actions: [{ JobName: 'job', Arguments: {} }] },
      [],
      { replace: false, update: false, start: false },
    ],
    [
      'moved to another workflow: replaced',
      { ...observed, WorkflowName: 'x' },
      ['WorkflowName'],
      { replace: true, update: false, start: false },
    ],
    [
      'type changed: replaced',
      { ...observed, Type: 'ON_DEMAND' },
      ['Type'],
      { replace: true, update: false, start: false },
    ],
  ])('%s', (_case, state, fields, plan) => {
    const diffs = diffTrigger(SCHEDULED, state);
    expect(diffs.map((d) => d.field)).toEqual(fields);
    expect(triggerPlan(diffs)).toEqual(plan);
  });
});

describe('request shapes of calls moto lacks (aws-sdk-client-mock)', () => {
  const glue = mockClient(GlueClient);
  const target = {
    glue: new GlueClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    accountId: '123456789012',
    owner: OWNER,
  };
  beforeEach(() => {
    glue.reset();
    glue.on(GetTagsCommand).resolves({ Tags: { [OWNER_TAG]: OWNER } });
  });

  it('UpdateJob (moto lacks it): a changed role sends the complete job definition', async () => {
    glue.on(GetJobCommand).resolves({
      Job: {
        Name: 'job',
        Role: 'arn:aws:iam::123456789012:role/changed-by-hand',
        Command: { Name: 'glueetl', ScriptLocation: JOB.ScriptLocation },
        GlueVersion: '4.0',
        WorkerType: 'G.1X',
        NumberOfWorkers: 2,
        Timeout: 60,
        DefaultArguments: JOB.DefaultArguments,
      },
    });
    glue.on(UpdateJobCommand).resolves({ JobName: 'job' });
    const outcome = await runFacet(
      jobFacet,
      { ...target, jobName: 'job', definition: JOB, description: 'd' },
      'correct',
      new Date(),
    );
    expect(outcome.drift.map((d) => [d.field, d.action])).toEqual([['Role', 'Corrected']]);
    const calls = glue.commandCalls(UpdateJobCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      JobName: 'job',
      JobUpdate: {
        Description: 'd',
        Role: JOB.Role,
        Command: { Name: 'glueetl', ScriptLocation: JOB.ScriptLocation, PythonVersion: '3' },
        DefaultArguments: JOB.DefaultArguments,
        GlueVersion: '4.0',
        WorkerType: 'G.1X',
        NumberOfWorkers: 2,
        Timeout: 60,
        ExecutionProperty: { MaxConcurrentRuns: 1 },
        MaxRetries: 0,
      },
    });
  });

  it('UpdateTrigger (moto lacks it): a changed schedule is updated in place, and a stopped trigger started', async () => {
    glue.on(GetTriggerCommand).resolves({
      Trigger: { ...SCHEDULED, Schedule: 'cron(0 3 ? * MON *)', State: 'DEACTIVATED' },
    });
    glue.on(UpdateTriggerCommand).resolves({});
    glue.on(StartTriggerCommand).resolves({});
    await runFacet(
      triggerFacet,
      { ...target, triggerName: 't', definition: SCHEDULED, description: 'd' },
      'converge',
      new Date(),
    );
    expect(glue.commandCalls(UpdateTriggerCommand)[0]?.args[0].input).toEqual({
      Name: 't',
      TriggerUpdate: {
        Name: 't',
        Description: 'd',
        Schedule: 'cron(0 2 ? * MON *)',
        Actions: [{ JobName: 'job' }],
      },
    });
    expect(glue.commandCalls(StartTriggerCommand)).toHaveLength(1);
  });

  it('UpdateCrawler (moto lacks it): a changed database sends the whole crawler', async () => {
    glue.on(GetCrawlerCommand).resolves({
      Crawler: {
        Name: 'c',
        Role: JOB.Role,
        DatabaseName: 'old',
        Targets: { S3Targets: [{ Path: 's3://b/trusted/' }] },
      },
    });
    glue.on(UpdateCrawlerCommand).resolves({});
    await runFacet(
      crawlerFacet,
      {
        ...target,
        crawlerName: 'c',
        description: 'd',
        definition: { Role: JOB.Role, DatabaseName: 'city', S3Paths: ['s3://b/trusted/'] },
      },
      'converge',
      new Date(),
    );
    expect(glue.commandCalls(UpdateCrawlerCommand)[0]?.args[0].input).toEqual({
      Name: 'c',
      Role: JOB.Role,
      DatabaseName: 'city',
      Description: 'd',
      Targets: { S3Targets: [{ Path: 's3://b/trusted/' }] },
    });
  });

  it('never updates a job it does not own', async () => {
    glue.on(GetTagsCommand).resolves({ Tags: {} });
    glue
      .on(GetJobCommand)
      .resolves({ Job: { Name: 'job', Role: 'x', Command: { Name: 'glueetl' } } });
    await expect(
      runFacet(
        jobFacet,
        { ...target, jobName: 'job', definition: JOB, description: 'd' },
        'converge',
        new Date(),
      ),
    ).rejects.toMatchObject({ name: 'StalledError', reason: 'NotOwned' });
    expect(glue.commandCalls(UpdateJobCommand)).toHaveLength(0);
  });
});
