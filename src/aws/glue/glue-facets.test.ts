// Pure diffs of the Glue facets (table tests); the Glue resources' lifecycle (read with
// the tags, ownership decided once, create with the owner tag) and the request shapes of
// the update calls, checked with aws-sdk-client-mock. The same calls against the strict
// local AWS are in test/integration/qualitypipeline-glue.test.ts.
import {
  CreateJobCommand,
  GetJobCommand,
  type GetJobCommandOutput,
  GetTagsCommand,
  GlueClient,
  StartTriggerCommand,
  UpdateCrawlerCommand,
  UpdateJobCommand,
  UpdateTriggerCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runFacet } from '../facet.ts';
import { ensure, inspect } from '../lifecycle.ts';
import { OWNER_TAG } from '../ownership.ts';
import { crawlerDefinitionFacet } from './crawler.ts';
import { diffJob, glueJob, type JobDefinition, jobDefinitionFacet } from './job.ts';
import { parseScriptUrl, scriptChecksum } from './script.ts';
import {
  diffTrigger,
  type TriggerDefinition,
  triggerDefinitionFacet,
  triggerPlan,
} from './trigger.ts';

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
  it.each<[string, JobDefinition, string[]]>([
    ['in line', JOB, []],
    ['role changed by hand', { ...JOB, Role: 'arn:aws:iam::1:role/x' }, ['Role']],
    [
      'workers and version',
      { ...JOB, NumberOfWorkers: 10, GlueVersion: '3.0' },
      ['GlueVersion', 'NumberOfWorkers'],
    ],
    [
      'an argument edited',
      { ...JOB, DefaultArguments: { '--seawall_source_bucket': 'other' } },
      ['DefaultArguments'],
    ],
    ['script moved', { ...JOB, ScriptLocation: 's3://b/old.py' }, ['ScriptLocation']],
  ])('%s', (_case, observed, fields) => {
    expect(diffJob(JOB, observed).map((d) => d.field)).toEqual(fields);
  });
});

describe('diffTrigger and triggerPlan', () => {
  const observed = { ...SCHEDULED, State: 'ACTIVATED' };
  it.each([
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

describe('the script object', () => {
  it.each([
    [
      's3://b/seawall/glue-scripts/ns/p/abc.py',
      { bucket: 'b', key: 'seawall/glue-scripts/ns/p/abc.py' },
    ],
    ['s3://b/', undefined],
    ['arn:aws:s3:::b/k', undefined],
    [undefined, undefined],
  ])('parseScriptUrl(%s)', (url, location) => {
    expect(parseScriptUrl(url)).toEqual(location);
  });

  it('is compared by its SHA-256 as S3 reports it (base64)', () => {
    expect(scriptChecksum('')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
});

describe('a Glue resource through the lifecycle (aws-sdk-client-mock)', () => {
  const glue = mockClient(GlueClient);
  const target = {
    glue: new GlueClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    accountId: '123456789012',
  };
  const ref = { ...target, name: 'job', definition: JOB, description: 'd' };
  const arn = 'arn:aws:glue:us-east-1:123456789012:job/job';
  const existing: Omit<GetJobCommandOutput, '$metadata'> = {
    Job: {
      Name: 'job',
      Role: JOB.Role,
      Command: { Name: 'glueetl', ScriptLocation: JOB.ScriptLocation },
      GlueVersion: '4.0',
      WorkerType: 'G.1X',
      NumberOfWorkers: 2,
      Timeout: 60,
      DefaultArguments: JOB.DefaultArguments,
    },
  };
  beforeEach(() => glue.reset());

  it.each([
    ['untagged: NotOwned', {}, 'NotOwned'],
    [
      "another pipeline's: OwnedByAnother",
      { [OWNER_TAG]: 'ns/QualityPipeline/other' },
      'OwnedByAnother',
    ],
  ])('never takes a job it does not own (%s), and writes nothing', async (_case, tags, reason) => {
    glue.on(GetJobCommand).resolves(existing);
    glue.on(GetTagsCommand).resolves({ Tags: tags });
    await expect(
      ensure(glueJob, ref, { owner: OWNER, tags: { [OWNER_TAG]: OWNER }, mode: 'converge' }),
    ).rejects.toMatchObject({ name: 'StalledError', reason });
    expect(glue.commandCalls(GetTagsCommand)[0]?.args[0].input).toEqual({ ResourceArn: arn });
    expect(glue.commandCalls(CreateJobCommand)).toHaveLength(0);
    expect(glue.commandCalls(UpdateJobCommand)).toHaveLength(0);
  });

  it('reads an owned job as its definition', async () => {
    glue.on(GetJobCommand).resolves(existing);
    glue.on(GetTagsCommand).resolves({ Tags: { [OWNER_TAG]: OWNER } });
    const seen = await inspect(glueJob, ref, { owner: OWNER });
    expect(seen).toEqual({
      exists: true,
      found: { arn, definition: JOB, tags: { [OWNER_TAG]: OWNER } },
      tags: { [OWNER_TAG]: OWNER },
      decision: 'ours',
    });
  });

  it('creates a missing job with the owner tag in CreateJob, and reads no tags of it', async () => {
    glue
      .on(GetJobCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'EntityNotFoundException' }));
    glue.on(CreateJobCommand).resolves({ Name: 'job' });
    const ensured = await ensure(glueJob, ref, {
      owner: OWNER,
      tags: { [OWNER_TAG]: OWNER },
      mode: 'converge',
    });
    expect(ensured.state).toBe('created');
    expect(glue.commandCalls(GetTagsCommand)).toHaveLength(0);
    expect(glue.commandCalls(CreateJobCommand)[0]?.args[0].input).toMatchObject({
      Name: 'job',
      Role: JOB.Role,
      Command: { Name: 'glueetl', ScriptLocation: JOB.ScriptLocation, PythonVersion: '3' },
      Tags: { [OWNER_TAG]: OWNER },
    });
  });

  it('plans a missing job as a creation, its definition as the placeholder, and creates nothing', async () => {
    glue
      .on(GetJobCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'EntityNotFoundException' }));
    const ensured = await ensure(glueJob, ref, {
      owner: OWNER,
      tags: { [OWNER_TAG]: OWNER },
      mode: 'plan',
    });
    expect(ensured).toMatchObject({
      state: 'planned',
      found: { arn, definition: JOB },
      planned: { name: 'job', tags: { [OWNER_TAG]: OWNER } },
    });
    expect(glue.commandCalls(CreateJobCommand)).toHaveLength(0);
  });
});

describe('request shapes of the update calls (aws-sdk-client-mock)', () => {
  const glue = mockClient(GlueClient);
  const target = {
    glue: new GlueClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    accountId: '123456789012',
  };
  const found = <D>(type: string, name: string, definition: D) => ({
    arn: `arn:aws:glue:us-east-1:123456789012:${type}/${name}`,
    definition,
    tags: { [OWNER_TAG]: OWNER },
  });
  beforeEach(() => glue.reset());

  it('UpdateJob: a changed role sends the complete job definition', async () => {
    glue.on(UpdateJobCommand).resolves({ JobName: 'job' });
    const outcome = await runFacet(
      jobDefinitionFacet,
      {
        ref: { ...target, name: 'job', definition: JOB, description: 'd' },
        found: found('job', 'job', { ...JOB, Role: 'arn:aws:iam::123456789012:role/by-hand' }),
      },
      'correct',
      new Date(),
    );
    expect(outcome.drift.map((d) => [d.facet, d.field, d.action])).toEqual([
      ['glue.job.definition', 'Role', 'Corrected'],
    ]);
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

  it('UpdateTrigger: a changed schedule is updated in place, and a stopped trigger started', async () => {
    glue.on(UpdateTriggerCommand).resolves({});
    glue.on(StartTriggerCommand).resolves({});
    await runFacet(
      triggerDefinitionFacet,
      {
        ref: { ...target, name: 't', definition: SCHEDULED, description: 'd' },
        found: found('trigger', 't', {
          ...SCHEDULED,
          Schedule: 'cron(0 3 ? * MON *)',
          State: 'DEACTIVATED',
        }),
      },
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

  it('UpdateCrawler: a changed database sends the whole crawler', async () => {
    glue.on(UpdateCrawlerCommand).resolves({});
    const definition = { Role: JOB.Role, DatabaseName: 'city', S3Paths: ['s3://b/trusted/'] };
    await runFacet(
      crawlerDefinitionFacet,
      {
        ref: { ...target, name: 'c', description: 'd', definition },
        found: found('crawler', 'c', { ...definition, DatabaseName: 'old' }),
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
});
