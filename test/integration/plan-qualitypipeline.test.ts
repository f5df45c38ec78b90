// `seawall plan` of a QualityPipeline on engine glue, against the strict local AWS with
// read-only clients: a new pipeline lists every resource it would create — role, script,
// workflow, job, triggers, crawler — as a creation, saying what it would be; once the
// operator has made them, nothing; a trigger deleted by hand, that one creation. No write
// call leaves the process (the call log sees none, the read-only clients refuse none).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTriggerCommand } from '@aws-sdk/client-glue';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../../src/api/common.ts';
import type { QualityPipelineSpec } from '../../src/api/qualitypipeline.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { glueRoleName } from '../../src/aws/glue/role.ts';
import { type PlanDeps, planResources } from '../../src/cli/plan.ts';
import { loadResources } from '../../src/cli/validate.ts';
import { glueNames } from '../../src/kinds/qualitypipeline/glue-engine.ts';
import { createQualityPipelineReconciler } from '../../src/kinds/qualitypipeline/reconciler.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { converge } from '../harness/reconcile.ts';
import { repoRoot } from '../harness/stack.ts';
import { createBucket, qpObject } from './qualitypipeline-fixtures.ts';

const NS = 'plan-qp';
const REGION = 'us-east-1';

describe('seawall plan: QualityPipeline on engine glue', () => {
  let account: TestAccount;
  let bucket: string;
  let dir: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    bucket = uniqueName('sw-plan-qp');
    await createBucket(account.admin.clients.s3(REGION), bucket);
    dir = mkdtempSync(join(tmpdir(), 'seawall-plan-qp-'));
  });

  const spec = (): QualityPipelineSpec => ({
    source: { bucketName: bucket, prefix: 'raw/meters/' },
    rules: 'Rules = [ IsComplete "meter_id" ]',
    engine: 'glue',
    schedule: 'cron(0 2 ? * MON *)',
    glue: { crawler: { databaseName: 'city_trusted' } },
  });

  function manifest(name: string): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: API_VERSION,
        kind: 'QualityPipeline',
        metadata: { name, namespace: NS },
        spec: spec(),
      }),
    );
    return file;
  }

  function readOnly(log: CallLog): { aws: AwsClients; deps: PlanDeps } {
    const aws = new AwsClients({
      endpoint: account.endpoint,
      credentials: account.operator.credentials,
      defaultRegion: REGION,
      readOnly: true,
      observers: [log.observer],
    });
    const reconciler = createQualityPipelineReconciler({
      aws,
      buckets: { get: async () => undefined },
    });
    return { aws, deps: { aws, reconcilers: [reconciler as Reconciler<never, never>] } };
  }

  const arn = (type: string, name: string) =>
    `arn:aws:glue:${REGION}:${account.accountId}:${type}/${name}`;

  it('a new pipeline: the role, script, workflow, job, triggers and crawler are creations, with read calls only', async () => {
    const name = uniqueName('meters');
    const names = glueNames(NS, name);
    const log = new CallLog();
    const { aws, deps } = readOnly(log);
    const [plan] = await planResources(loadResources([manifest(name)]).resources, deps);

    expect(plan?.state).toBe('changes');
    expect(plan?.isNew).toBe(true);
    const creations = (plan?.changes ?? []).filter(
      (c) => c.action === 'create' && c.field === 'exists',
    );
    const role = `(new IAM role /seawall/${glueRoleName(NS, name)})`;
    expect(creations.map((c) => [c.facet, c.resource])).toEqual([
      [
        'glue.script.exists',
        expect.stringMatching(
          new RegExp(`^s3://${bucket}/seawall/glue-scripts/${NS}/${name}/[0-9a-f]{16}\\.py$`),
        ),
      ],
      ['role.exists', role],
      ['glue.workflow.exists', arn('workflow', names.workflowName)],
      ['glue.job.exists', arn('job', names.jobName)],
      ['glue.trigger.exists', arn('trigger', names.triggerName)],
      ['glue.crawler.exists', arn('crawler', names.crawlerName)],
      ['glue.trigger.exists', arn('trigger', names.crawlerTriggerName)],
    ]);
    // What each would be: the create request's substance, owner tag included.
    const created = (facet: string, resource: string) =>
      JSON.parse(
        creations.find((c) => c.facet === facet && c.resource === resource)?.expected ?? '{}',
      ) as Record<string, unknown>;
    const owner = { 'seawall.dev/owner': `${NS}/QualityPipeline/${name}` };
    expect(created('role.exists', role)).toMatchObject({
      create: 'IAM role',
      trustedBy: 'glue.amazonaws.com',
      tags: owner,
    });
    expect(created('glue.job.exists', arn('job', names.jobName))).toEqual({
      create: 'Glue job',
      name: names.jobName,
      tags: owner,
    });
    // The facets of what does not exist yet are not read: their values at creation, listed
    // with the creation they belong to.
    const updates = (plan?.changes ?? []).filter((c) => c.field === 'value at creation');
    expect(updates.every((c) => c.action === 'create')).toBe(true);
    expect((plan?.changes ?? []).filter((c) => c.action === 'update')).toEqual([]);
    expect(updates.map((c) => [c.facet, c.field])).toEqual([
      ['glue.script.content', 'value at creation'],
      ['role.trustPolicy', 'value at creation'],
      ['role.policy', 'value at creation'],
      ['role.tags', 'value at creation'],
      ['glue.workflow.definition', 'value at creation'],
      ['glue.job.definition', 'value at creation'],
      ['glue.trigger.definition', 'value at creation'],
      ['glue.crawler.definition', 'value at creation'],
      ['glue.trigger.definition', 'value at creation'],
    ]);
    const atCreation = (facet: string, resource: string) =>
      JSON.parse(
        updates.find((c) => c.facet === facet && c.resource === resource)?.expected ?? '{}',
      ) as Record<string, unknown>;
    expect(atCreation('glue.job.definition', arn('job', names.jobName))).toMatchObject({
      Role: role,
      WorkerType: 'G.1X',
      ScriptLocation: creations[0]?.resource,
    });
    expect(atCreation('glue.trigger.definition', arn('trigger', names.triggerName))).toEqual({
      Type: 'SCHEDULED',
      WorkflowName: names.workflowName,
      Schedule: 'cron(0 2 ? * MON *)',
      Actions: [{ JobName: names.jobName }],
      State: 'ACTIVATED',
    });
    expect(log.writes()).toEqual([]);
    expect(log.reads().length).toBeGreaterThan(0);
    expect(aws.blockedWrites).toEqual([]);
  });

  it('once the operator made them: no changes; a trigger deleted by hand is one creation', async () => {
    const name = uniqueName('made');
    const names = glueNames(NS, name);
    const operator = createQualityPipelineReconciler({
      aws: account.operator.clients,
      buckets: { get: async () => undefined },
    });
    const made = await converge(operator as Reconciler<never, never>, qpObject(NS, name, spec()));
    expect(made.outcome).toBe('ready');

    const file = manifest(name);
    const log = new CallLog();
    const { aws, deps } = readOnly(log);
    const withStatus = {
      ...deps,
      liveStatus: async () => made.status as Record<string, unknown>,
    };
    const [steady] = await planResources(loadResources([file]).resources, withStatus);
    expect([steady?.state, steady?.changes]).toEqual(['no-changes', []]);

    await account.admin.clients
      .glue(REGION)
      .send(new DeleteTriggerCommand({ Name: names.triggerName }));
    const [plan] = await planResources(loadResources([file]).resources, withStatus);
    expect(plan?.state).toBe('changes');
    expect(plan?.changes.map((c) => [c.action, c.facet, c.resource])).toEqual([
      ['create', 'glue.trigger.exists', arn('trigger', names.triggerName)],
      ['create', 'glue.trigger.definition', arn('trigger', names.triggerName)],
    ]);
    expect(log.writes()).toEqual([]);
    expect(aws.blockedWrites).toEqual([]);
  });

  it('the command prints the creations and exits 2', () => {
    const name = uniqueName('cli');
    const run = spawnSync(
      join(repoRoot, 'node_modules/.bin/node'),
      ['src/cli/main.ts', 'plan', '-f', manifest(name), '--no-color'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: {
          ...process.env,
          KUBECONFIG: '',
          AWS_ENDPOINT_URL: account.endpoint,
          AWS_ACCESS_KEY_ID: account.operator.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: account.operator.credentials.secretAccessKey,
          AWS_SESSION_TOKEN: account.operator.credentials.sessionToken ?? '',
          AWS_REGION: REGION,
        },
      },
    );
    expect(run.status, run.stderr).toBe(2);
    const names = glueNames(NS, name);
    expect(run.stdout).toContain(
      `+ ${arn('job', names.jobName)} [glue.job.exists]: will be created: {"create":"Glue job","name":"${names.jobName}","tags":{"seawall.dev/owner":"${NS}/QualityPipeline/${name}"}}`,
    );
    expect(run.stdout.match(/: will be created/g)).toHaveLength(7);
  });
});
