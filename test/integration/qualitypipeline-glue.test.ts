// QualityPipeline, engine glue, against the strict local AWS: the Glue resources as
// specified (tags, schedule, workflow), a steady-state check with zero writes, drift
// corrected and reported, ownership respected, runs surfaced from GetJobRuns and the
// results document, deletion under each policy. The job role is a real role of the
// test's account (the person made it for Glue: it trusts glue.amazonaws.com and may use
// the bucket), so a run succeeds only if Seawall's set-up lets it (docs/local-aws.md, i).
// Emulator gaps, worked around and said so:
// - Job runs move on moto's state manager and triggers never fire: a run is held in
//   progress with /moto-api/state-manager/set-transition, and the results document the
//   script would write is written by the test (no Spark runs here).
import {
  CreateJobCommand,
  DeleteJobCommand,
  GetCrawlerCommand,
  GetJobCommand,
  GetJobRunCommand,
  GetTagsCommand,
  GetTriggerCommand,
  GetWorkflowCommand,
  StopTriggerCommand,
  UpdateJobCommand,
} from '@aws-sdk/client-glue';
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotations, OWNER_TAG } from '../../src/api/common.ts';
import type { QualityPipeline, QualityPipelineSpec } from '../../src/api/qualitypipeline.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { GLUE_POLICY_NAME } from '../../src/aws/glue/role.ts';
import { scriptChecksum } from '../../src/aws/glue/script.ts';
import { glueNames } from '../../src/kinds/qualitypipeline/glue-engine.ts';
import { createQualityPipelineReconciler } from '../../src/kinds/qualitypipeline/reconciler.ts';
import { reconcileOnce } from '../../src/runtime/reconcile-once.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { stackInfo, uniqueName } from '../harness/kube.ts';
import {
  createBucket,
  getText,
  listKeys,
  putText,
  qpObject,
  reconcileDeps,
} from './qualitypipeline-fixtures.ts';

const NS = 'qp-glue';
const RULES = 'Rules = [ IsComplete "meter_id", ColumnValues "rate" between 0 and 20 ]';

async function setJobRunTransition(transition: Record<string, unknown> | undefined): Promise<void> {
  const endpoint = stackInfo().awsEndpoint;
  const path = transition ? 'set-transition' : 'unset-transition';
  const body = transition
    ? { model_name: 'glue::job_run', transition }
    : { model_name: 'glue::job_run' };
  const response = await fetch(`${endpoint}/moto-api/state-manager/${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`moto state manager: ${response.status}`);
}

describe('QualityPipeline (glue) against moto', () => {
  let account: TestAccount;
  let log: CallLog;
  let bucket: string;
  let roleArn: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    log = new CallLog();
    account.operator.clients.observe(log.observer);
    bucket = uniqueName('qp-glue');
    await createBucket(account.admin.clients.s3(), bucket);
    // The city's Glue role, made by a person long before: trusted by Glue, may use the bucket,
    // and under Seawall's path (the only roles the operator may pass).
    const iam = account.admin.clients.iam();
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: 'city-glue',
        Path: '/seawall/',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'glue.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'city-glue',
        PolicyName: 'city-data',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:*',
              Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
            },
          ],
        }),
      }),
    );
    await account.strict.settle(account.accountId);
    roleArn = Role?.Arn ?? '';
  });
  afterAll(async () => {
    await setJobRunTransition(undefined);
  });

  const reconciler = () =>
    createQualityPipelineReconciler({
      aws: account.operator.clients,
      buckets: { get: async () => undefined },
      glueRunPollMs: 1000,
    });
  const spec = (extra: Partial<QualityPipelineSpec> = {}): QualityPipelineSpec => ({
    source: { bucketName: bucket, prefix: 'raw/meters/' },
    rules: RULES,
    engine: 'glue',
    schedule: 'cron(0 2 ? * MON *)',
    glue: { roleArn, workerType: 'G.2X', numberOfWorkers: 5, timeoutMinutes: 30 },
    ...extra,
  });
  const reconcile = async (object: QualityPipeline, r = reconciler()) => {
    const result = await reconcileOnce(r, object, reconcileDeps());
    return { ...result, object: { ...object, status: result.status } as QualityPipeline };
  };

  it('creates the script, workflow, job and an activated scheduled trigger, all owned; steady state makes zero writes', async () => {
    const name = uniqueName('meters');
    const names = glueNames(NS, name);
    const glue = account.admin.clients.glue();
    const first = await reconcile(qpObject(NS, name, spec()));
    expect(first.error).toBeUndefined();
    expect(first.outcome).toBe('ready');
    const status = first.status;
    expect(status.glue).toMatchObject({
      jobName: names.jobName,
      workflowName: names.workflowName,
      triggerName: names.triggerName,
      roleArn,
    });

    const scriptKeys = await listKeys(
      account.admin.clients.s3(),
      bucket,
      `seawall/glue-scripts/${NS}/${name}/`,
    );
    expect(scriptKeys).toHaveLength(1);
    expect(status.glue?.scriptLocation).toBe(`s3://${bucket}/${scriptKeys[0]}`);
    expect(await getText(account.admin.clients.s3(), bucket, scriptKeys[0] ?? '')).toContain(
      JSON.stringify(RULES),
    );

    const { Job } = await glue.send(new GetJobCommand({ JobName: names.jobName }));
    expect(Job).toMatchObject({
      Role: roleArn,
      Command: { Name: 'glueetl', ScriptLocation: status.glue?.scriptLocation },
      GlueVersion: '4.0',
      WorkerType: 'G.2X',
      NumberOfWorkers: 5,
      Timeout: 30,
      ExecutionProperty: { MaxConcurrentRuns: 1 },
    });
    expect(Job?.DefaultArguments).toMatchObject({
      '--seawall_source_bucket': bucket,
      '--seawall_source_prefix': 'raw/meters/',
      '--seawall_trusted_prefix': `trusted/${name}/`,
      '--seawall_quarantine_prefix': `quarantine/${name}/`,
      '--seawall_results_prefix': `results/${name}/`,
    });
    const { Trigger } = await glue.send(new GetTriggerCommand({ Name: names.triggerName }));
    expect(Trigger).toMatchObject({
      Type: 'SCHEDULED',
      Schedule: 'cron(0 2 ? * MON *)',
      WorkflowName: names.workflowName,
      State: 'ACTIVATED',
      Actions: [{ JobName: names.jobName }],
    });
    const { Workflow } = await glue.send(new GetWorkflowCommand({ Name: names.workflowName }));
    expect(Workflow?.Name).toBe(names.workflowName);
    const arn = (type: string, n: string) =>
      `arn:aws:glue:us-east-1:${account.accountId}:${type}/${n}`;
    for (const [type, n] of [
      ['job', names.jobName],
      ['workflow', names.workflowName],
      ['trigger', names.triggerName],
    ] as const) {
      const { Tags } = await glue.send(new GetTagsCommand({ ResourceArn: arn(type, n) }));
      expect(Tags?.[OWNER_TAG]).toBe(`${NS}/QualityPipeline/${name}`);
    }

    log.clear();
    const steady = await reconcile(first.object);
    expect(steady.outcome).toBe('ready');
    expect(steady.drift).toEqual([]);
    expect(log.writes()).toEqual([]);
  });

  it('corrects a trigger stopped by hand; reports (driftPolicy Report) a job role changed by hand', async () => {
    const name = uniqueName('drift');
    const names = glueNames(NS, name);
    const glue = account.admin.clients.glue();
    const first = await reconcile(qpObject(NS, name, spec()));
    expect(first.outcome).toBe('ready');

    await glue.send(new StopTriggerCommand({ Name: names.triggerName }));
    const corrected = await reconcile(first.object);
    expect(corrected.drift.map((d) => [d.facet, d.field, d.observed, d.action])).toEqual([
      ['glue.trigger.definition', 'State', 'DEACTIVATED', 'Corrected'],
    ]);
    expect(
      (await glue.send(new GetTriggerCommand({ Name: names.triggerName }))).Trigger?.State,
    ).toBe('ACTIVATED');

    // By hand: UpdateJob replaces the whole definition, so it restates every field.
    const { Job } = await glue.send(new GetJobCommand({ JobName: names.jobName }));
    await glue.send(
      new UpdateJobCommand({
        JobName: names.jobName,
        JobUpdate: {
          Role: 'arn:aws:iam::123456789012:role/someone-else',
          Description: Job?.Description,
          Command: Job?.Command ?? { Name: 'glueetl' },
          DefaultArguments: Job?.DefaultArguments,
          ExecutionProperty: Job?.ExecutionProperty,
          GlueVersion: Job?.GlueVersion,
          WorkerType: Job?.WorkerType,
          NumberOfWorkers: Job?.NumberOfWorkers,
          Timeout: Job?.Timeout,
        },
      }),
    );
    const report = {
      ...corrected.object,
      spec: { ...corrected.object.spec, driftPolicy: 'Report' as const },
    };
    const reported = await reconcile(report);
    expect(reported.outcome).toBe('drifted');
    expect(reported.drift.map((d) => [d.facet, d.field, d.expected, d.observed, d.action])).toEqual(
      [
        [
          'glue.job.definition',
          'Role',
          roleArn,
          'arn:aws:iam::123456789012:role/someone-else',
          'Reported',
        ],
      ],
    );
  });

  it('never overwrites a job it does not own: Stalled NotOwned', async () => {
    const name = uniqueName('taken');
    const names = glueNames(NS, name);
    const glue = account.admin.clients.glue();
    await glue.send(
      new CreateJobCommand({
        Name: names.jobName,
        Role: 'arn:aws:iam::123456789012:role/theirs',
        Command: { Name: 'glueetl', ScriptLocation: 's3://x/y.py' },
      }),
    );
    const result = await reconcile(qpObject(NS, name, spec()));
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe('NotOwned');
    expect((await glue.send(new GetJobCommand({ JobName: names.jobName }))).Job?.Role).toBe(
      'arn:aws:iam::123456789012:role/theirs',
    );
  });

  it('optionally adds a crawler of the trusted prefix, started by a CONDITIONAL trigger after the job succeeds', async () => {
    const name = uniqueName('crawl');
    const names = glueNames(NS, name);
    const glue = account.admin.clients.glue();
    const result = await reconcile(
      qpObject(NS, name, spec({ glue: { roleArn, crawler: { databaseName: 'city_trusted' } } })),
    );
    expect(result.error).toBeUndefined();
    const { Crawler } = await glue.send(new GetCrawlerCommand({ Name: names.crawlerName }));
    expect(Crawler).toMatchObject({
      Role: roleArn,
      DatabaseName: 'city_trusted',
      Targets: { S3Targets: [{ Path: `s3://${bucket}/trusted/${name}/` }] },
    });
    const { Trigger } = await glue.send(new GetTriggerCommand({ Name: names.crawlerTriggerName }));
    expect(Trigger).toMatchObject({
      Type: 'CONDITIONAL',
      WorkflowName: names.workflowName,
      State: 'ACTIVATED',
      Predicate: {
        Conditions: [{ LogicalOperator: 'EQUALS', JobName: names.jobName, State: 'SUCCEEDED' }],
      },
      Actions: [{ CrawlerName: names.crawlerName }],
    });
    log.clear();
    const steady = await reconcile(result.object);
    expect(steady.drift).toEqual([]);
    expect(log.writes()).toEqual([]);
  });

  it('Parquet with reference datasets: job arguments, script and role (request shapes: moto cannot run Glue Data Quality)', async () => {
    const name = uniqueName('refs');
    const names = glueNames(NS, name);
    const rules =
      'Rules = [ ReferentialIntegrity "meter_id" "registry.meter_id" = 1.0, RowCountMatch "registry" >= 0.9, SchemaMatch "registry" = 1.0, DatasetMatch "registry" "meter_id" >= 0.9 ]';
    const result = await reconcile(
      qpObject(
        NS,
        name,
        spec({
          rules,
          source: { bucketName: bucket, prefix: 'raw/meters/', format: 'parquet' },
          referenceData: [{ alias: 'registry', prefix: 'reference/meters/', format: 'parquet' }],
          glue: {},
        }),
      ),
    );
    expect(result.error).toBeUndefined();
    const glue = account.admin.clients.glue();
    const { Job } = await glue.send(new GetJobCommand({ JobName: names.jobName }));
    expect(Job?.DefaultArguments).toMatchObject({
      '--seawall_format': 'parquet',
      '--seawall_source_catalog': '{}',
      '--seawall_reference_data': JSON.stringify([
        { alias: 'registry', bucket, prefix: 'reference/meters/', format: 'parquet' },
      ]),
    });
    const script = await getText(
      account.admin.clients.s3(),
      bucket,
      (result.status.glue?.scriptLocation ?? '').replace(`s3://${bucket}/`, ''),
    );
    expect(script).toContain('additional_data_sources=reference_frames(glue_context, args)');
    expect(script).toContain('format="parquet" if dataset["format"] == "parquet" else "json"');
    const policy = await account.admin.clients
      .iam()
      .send(new GetRolePolicyCommand({ RoleName: names.roleName, PolicyName: GLUE_POLICY_NAME }));
    expect(decodeURIComponent(policy.PolicyDocument ?? '')).toContain(
      `arn:aws:s3:::${bucket}/reference/meters/*`,
    );
  });

  it('reads a Data Catalog table (request shapes: moto cannot run Glue jobs)', async () => {
    const name = uniqueName('catalog');
    const names = glueNames(NS, name);
    const result = await reconcile(
      qpObject(
        NS,
        name,
        spec({
          source: {
            bucketName: bucket,
            prefix: 'raw/meters/',
            catalogTable: { database: 'city', table: 'parking_meters' },
          },
        }),
      ),
    );
    expect(result.error).toBeUndefined();
    const { Job } = await account.admin.clients
      .glue()
      .send(new GetJobCommand({ JobName: names.jobName }));
    expect(Job?.DefaultArguments?.['--seawall_source_catalog']).toBe(
      JSON.stringify({ database: 'city', table: 'parking_meters' }),
    );
  });

  it('creates a least-privilege role when none is given', async () => {
    const name = uniqueName('role');
    const names = glueNames(NS, name);
    const result = await reconcile(qpObject(NS, name, spec({ glue: {} })));
    expect(result.error).toBeUndefined();
    const iam = account.admin.clients.iam();
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: names.roleName }));
    expect(result.status.glue?.roleArn).toBe(Role?.Arn);
    expect(Role?.Tags).toContainEqual({ Key: OWNER_TAG, Value: `${NS}/QualityPipeline/${name}` });
    const policy = await iam.send(
      new GetRolePolicyCommand({ RoleName: names.roleName, PolicyName: GLUE_POLICY_NAME }),
    );
    expect(decodeURIComponent(policy.PolicyDocument ?? '')).toContain(
      `arn:aws:s3:::${bucket}/trusted/${name}/*`,
    );
  });

  it('the role Seawall made: a trust policy and tags changed by hand are drift, and put back', async () => {
    const name = uniqueName('roledrift');
    const names = glueNames(NS, name);
    const owner = `${NS}/QualityPipeline/${name}`;
    const first = await reconcile(qpObject(NS, name, spec({ glue: {} })));
    expect(first.outcome).toBe('ready');
    const iam = account.admin.clients.iam();
    const trustedBy = async () => {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: names.roleName }));
      const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
        Statement: { Principal: { Service: string } }[];
      };
      const tags = Object.fromEntries((Role?.Tags ?? []).map((t) => [t.Key, t.Value]));
      return { services: trust.Statement.map((st) => st.Principal.Service), tags };
    };
    expect(await trustedBy()).toEqual({
      services: ['glue.amazonaws.com'],
      tags: { [OWNER_TAG]: owner },
    });

    // By hand: EC2 may assume it too; the owner tag goes and another comes.
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: names.roleName,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'glue.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    await iam.send(new UntagRoleCommand({ RoleName: names.roleName, TagKeys: [OWNER_TAG] }));
    await iam.send(
      new TagRoleCommand({ RoleName: names.roleName, Tags: [{ Key: 'team', Value: 'etl' }] }),
    );

    // A drift check: status records the role, so it is still ours without its tag.
    const corrected = await reconcile(first.object);
    expect(corrected.error).toBeUndefined();
    expect(corrected.drift.map((d) => [d.facet, d.field, d.action])).toEqual([
      ['role.trustPolicy', 'Statement', 'Corrected'],
      ['role.tags', `tag:${OWNER_TAG}`, 'Corrected'],
      ['role.tags', 'tag:team', 'Corrected'],
    ]);
    expect(await trustedBy()).toEqual({
      services: ['glue.amazonaws.com'],
      tags: { [OWNER_TAG]: owner },
    });
    log.clear();
    const steady = await reconcile(corrected.object);
    expect(steady.drift).toEqual([]);
    expect(log.writes()).toEqual([]);
  });

  it('a script overwritten by hand is drift, and put back byte for byte', async () => {
    const name = uniqueName('script');
    const first = await reconcile(qpObject(NS, name, spec()));
    expect(first.outcome).toBe('ready');
    const s3 = account.admin.clients.s3();
    const key = (first.status.glue?.scriptLocation ?? '').replace(`s3://${bucket}/`, '');
    const script = await getText(s3, bucket, key);
    // Uploaded with its SHA-256, which S3 checked and gives back: a steady state reads no body.
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumSHA256).toBe(scriptChecksum(script));

    await putText(s3, bucket, key, 'print("not the rules")');
    const corrected = await reconcile(first.object);
    expect(corrected.error).toBeUndefined();
    expect(corrected.drift.map((d) => [d.facet, d.field, d.action])).toEqual([
      ['glue.script.content', 'ChecksumSHA256', 'Corrected'],
      ['glue.script.content', 'Owner', 'Corrected'],
    ]);
    expect(await getText(s3, bucket, key)).toBe(script);
  });

  it('a job deleted by hand: reported as missing under Report (nothing after it runs), created again under Correct', async () => {
    const name = uniqueName('gone');
    const names = glueNames(NS, name);
    const glue = account.admin.clients.glue();
    const first = await reconcile(qpObject(NS, name, spec()));
    expect(first.outcome).toBe('ready');
    await glue.send(new DeleteJobCommand({ JobName: names.jobName }));

    const report = {
      ...first.object,
      spec: { ...first.object.spec, driftPolicy: 'Report' as const },
    };
    log.clear();
    const reported = await reconcile(report);
    expect(reported.outcome).toBe('drifted');
    expect(reported.drift.map((d) => [d.facet, d.field, d.expected, d.observed, d.action])).toEqual(
      [['glue.job.exists', 'exists', 'true', 'false', 'Reported']],
    );
    expect(log.writes()).toEqual([]);
    // The steps after the job did not run: the trigger was not read.
    expect(log.reads().some((c) => c.operation === 'GetTrigger')).toBe(false);

    const corrected = await reconcile(first.object);
    expect(corrected.outcome).toBe('ready');
    expect(corrected.drift.map((d) => [d.facet, d.field, d.action])).toEqual([
      ['glue.job.exists', 'exists', 'Corrected'],
    ]);
    const { Tags } = await glue.send(
      new GetTagsCommand({
        ResourceArn: `arn:aws:glue:us-east-1:${account.accountId}:job/${names.jobName}`,
      }),
    );
    expect(Tags?.[OWNER_TAG]).toBe(`${NS}/QualityPipeline/${name}`);
  });

  it('surfaces runs: run-requested-at starts a job run, held RUNNING; its results document fills lastRun', async () => {
    const name = uniqueName('runs');
    const names = glueNames(NS, name);
    const glue = account.admin.clients.glue();
    const first = await reconcile(qpObject(NS, name, spec({ minScore: 0.5 })));
    expect(first.outcome).toBe('ready');

    await setJobRunTransition({ progression: 'manual', times: 1_000_000 });
    const requested = {
      ...first.object,
      metadata: { ...first.object.metadata, annotations: { [Annotations.runRequestedAt]: 'now' } },
    };
    const started = await reconcile(requested);
    const runId = started.status.currentRun?.id ?? '';
    expect(started.status.currentRun).toMatchObject({
      engine: 'glue',
      trigger: 'Manual',
      glueJobRunId: runId,
    });
    expect(started.status.handledRunRequest).toBe('now');
    expect(started.requeueAfterMs).toBe(1000);
    // Move the run to RUNNING and hold it there.
    await setJobRunTransition({ progression: 'manual', times: 1 });
    await glue.send(new GetJobRunCommand({ JobName: names.jobName, RunId: runId }));
    await setJobRunTransition({ progression: 'manual', times: 1_000_000 });
    expect(
      (await glue.send(new GetJobRunCommand({ JobName: names.jobName, RunId: runId }))).JobRun
        ?.JobRunState,
    ).toBe('RUNNING');
    const running = await reconcile(started.object);
    expect(running.status.currentRun?.id).toBe(runId);
    expect(running.status.lastRun).toBeUndefined();

    // The script's results document (moto runs no script), then the run finishes.
    await putText(
      account.admin.clients.s3(),
      bucket,
      `results/${name}/${runId}.json`,
      JSON.stringify({
        apiVersion: 'seawall.io/v1alpha1',
        kind: 'DataQualityRunResult',
        runId,
        engine: 'glue',
        status: 'SUCCEEDED',
        startedAt: '2026-11-30T02:00:00.000Z',
        finishedAt: '2026-11-30T02:07:00.000Z',
        score: 0.5,
        rules: { total: 2, passed: 1, failed: 1, errored: 0 },
        rows: { processed: 1000, passed: 990, failed: 10, malformed: 0 },
        ruleResults: [
          {
            name: 'Rule_1',
            rule: 'IsComplete "meter_id"',
            outcome: 'PASS',
            evaluatedMetrics: { 'Column.meter_id.Completeness': 1 },
            rowLevel: true,
            rowsFailed: 0,
          },
          {
            name: 'Rule_2',
            rule: 'ColumnValues "rate" between 0 and 20',
            outcome: 'FAIL',
            message: 'Value: 25',
            evaluatedMetrics: {},
            rowLevel: true,
            rowsFailed: 10,
          },
        ],
        source: { bucket, prefix: 'raw/meters/', format: 'csv', objects: [] },
        outputs: { trusted: [], quarantine: [] },
      }),
    );
    await setJobRunTransition({ progression: 'immediate' });
    const done = await reconcile(running.object);
    expect(done.status.currentRun).toBeUndefined();
    expect(done.status.lastRun).toMatchObject({
      id: runId,
      engine: 'glue',
      trigger: 'Manual',
      glueJobRunId: runId,
      state: 'Succeeded',
      score: 0.5,
      rows: { processed: 1000, trusted: 990, quarantined: 10, malformed: 0 },
      outputs: { results: `s3://${bucket}/results/${name}/${runId}.json` },
    });
    expect(done.status.conditions?.find((c) => c.type === 'LastRunSucceeded')?.status).toBe('True');

    // A run that wrote no results document is Failed, saying so; the resource stays Ready.
    const again = await reconcile({
      ...done.object,
      metadata: { ...done.object.metadata, annotations: { [Annotations.runRequestedAt]: 'again' } },
    });
    const secondId = again.status.currentRun?.id ?? '';
    const failed = await reconcile(again.object);
    expect(failed.status.lastRun).toMatchObject({ id: secondId, state: 'Failed' });
    expect(failed.status.lastRun?.message).toMatch(/wrote no results document/);
    expect(failed.outcome).toBe('ready');
    expect(failed.status.history?.map((h) => h.id)).toEqual([secondId, runId]);
  });

  it('deletion: Retain leaves every Glue resource; Delete removes what Seawall owns', async () => {
    const glue = account.admin.clients.glue();
    for (const policy of ['Retain', 'Delete'] as const) {
      const name = uniqueName(`del-${policy.toLowerCase()}`);
      const names = glueNames(NS, name);
      const first = await reconcile(qpObject(NS, name, spec({ deletionPolicy: policy })));
      expect(first.outcome).toBe('ready');
      const deleting = {
        ...first.object,
        metadata: { ...first.object.metadata, deletionTimestamp: new Date().toISOString() },
      };
      const gone = await reconcile(deleting);
      expect(gone.outcome).toBe('finalized');
      const exists = async (read: () => Promise<unknown>) =>
        read().then(
          () => true,
          () => false,
        );
      const present = [
        await exists(() => glue.send(new GetJobCommand({ JobName: names.jobName }))),
        await exists(() => glue.send(new GetWorkflowCommand({ Name: names.workflowName }))),
        await exists(() => glue.send(new GetTriggerCommand({ Name: names.triggerName }))),
      ];
      expect(present).toEqual(policy === 'Retain' ? [true, true, true] : [false, false, false]);
      const scripts = await listKeys(
        account.admin.clients.s3(),
        bucket,
        `seawall/glue-scripts/${NS}/${name}/`,
      );
      expect(scripts.length).toBe(policy === 'Retain' ? 1 : 0);
    }
  });
});
