// Crash-consistent creation: for every kind of resource Seawall creates, a failure right
// after the create call — the next call dies, as it would with the process killed there —
// leaves what was created recognisably Seawall's. The process "dies": the reconcile starts
// again from the status the API server holds (the create journal's checkpoint, nothing
// later), with fresh clients, and must converge — no NotOwned, no second resource.
//
// The failure is injected by the strict local AWS on the call after the create (every SDK
// attempt gets its connection reset), never by a mock.

import { GetJobCommand } from '@aws-sdk/client-glue';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeawallObject } from '../../src/api/common.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { replicationRoleName } from '../../src/aws/iam/replication-role.ts';
import { createCostMonitorReconciler } from '../../src/kinds/costmonitor/reconciler.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { glueNames } from '../../src/kinds/qualitypipeline/glue-engine.ts';
import { createQualityPipelineReconciler } from '../../src/kinds/qualitypipeline/reconciler.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { converge } from '../harness/reconcile.ts';
import type { FaultMatch } from '../harness/strict-aws.ts';
import { costMonitor, FakeBuckets } from './costmonitor-fixtures.ts';
import { ownedKeys, pbObject } from './protectedbucket-fixtures.ts';
import { createBucket, qpObject } from './qualitypipeline-fixtures.ts';

const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';

// biome-ignore lint/suspicious/noExplicitAny: any kind's object.
type AnyObject = SeawallObject<any, any>;

describe('crash-consistent creation', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  /** A fresh set of operator clients: a restarted process has no caches. */
  const restartedClients = () =>
    new AwsClients({
      endpoint: account.endpoint,
      credentials: account.operator.credentials,
      defaultRegion: 'us-east-1',
    });

  /**
   * Converges `object` until the call after the create dies, then again from what the API
   * server holds, with a new process's reconciler. Returns the second convergence.
   */
  async function crashAfterCreate(
    after: FaultMatch,
    object: AnyObject,
    reconcilerFor: (aws: AwsClients) => Reconciler<never, never>,
  ) {
    await account.strict.addFault({
      match: { ...after, account: account.accountId },
      effect: 'reset',
      count: 3,
    });
    const crashed = await converge(reconcilerFor(account.operator.clients), object, {
      until: ['retrying'],
    });
    expect(crashed.error).toMatchObject({ kind: 'transient' });
    const restarted = await converge(reconcilerFor(restartedClients()), crashed.stored);
    expect(restarted.error).toBeUndefined();
    expect(restarted.outcome).toBe('ready');
    expect(restarted.status.pendingCreations).toBeUndefined();
    return restarted;
  }

  describe('ProtectedBucket', () => {
    const pb = (reconciler: (aws: AwsClients) => unknown) =>
      reconciler as (aws: AwsClients) => Reconciler<never, never>;
    const reconcilerFor = pb((aws) => createProtectedBucketReconciler({ aws }));
    const object = (bucket: string) =>
      pbObject('crash', uniqueName('pb'), {
        bucketName: bucket,
        region: REGION,
        backup: { bucketName: `${bucket}-bk`, region: BACKUP_REGION },
      });

    it.each([
      ['the bucket', 'GetBucketEncryption', REGION, (b: string) => b],
      ['the backup bucket', 'GetBucketEncryption', BACKUP_REGION, (b: string) => `${b}-bk`],
    ])(
      'a crash right after CreateBucket of %s: recognised, not NotOwned',
      async (_what, next, region, name) => {
        const bucket = uniqueName('sw-cc');
        const restarted = await crashAfterCreate(
          { service: 's3', operation: next, region, resource: name(bucket) },
          object(bucket),
          reconcilerFor,
        );
        expect(restarted.status.bucketArn).toBe(`arn:aws:s3:::${bucket}`);
      },
    );

    it('a crash right after CreateRole: the role is recognised by its tag, one role', async () => {
      const bucket = uniqueName('sw-cc');
      const restarted = await crashAfterCreate(
        { service: 'iam', operation: 'GetRolePolicy' },
        object(bucket),
        reconcilerFor,
      );
      const role = await account.admin.clients
        .iam()
        .send(new GetRoleCommand({ RoleName: replicationRoleName(bucket) }));
      expect(role.Role?.Arn).toBe(restarted.status.replicationRoleArn);
      const owner = restarted.object.metadata.name;
      expect(
        await ownedKeys(account.admin.clients.kms(REGION), `crash/ProtectedBucket/${owner}`),
      ).toHaveLength(1);
    });
  });

  describe('CostMonitor', () => {
    const buckets = new FakeBuckets();
    const reconcilerFor = (aws: AwsClients) =>
      createCostMonitorReconciler({ aws, buckets }) as Reconciler<never, never>;

    it.each([
      [
        'CreateTopic',
        { service: 'sns', operation: 'ListSubscriptionsByTopic', region: 'us-east-1' },
      ],
      ['CreateTrail', { service: 'cloudtrail', operation: 'GetEventSelectors' }],
      ['CreateBucket (its log bucket)', { service: 's3', operation: 'GetBucketEncryption' }],
    ] as const)('a crash right after %s: recognised, one of each', async (_what, next) => {
      const name = uniqueName('cm');
      const topicName = uniqueName('alerts');
      await crashAfterCreate(
        next,
        costMonitor('crash', name, {
          region: REGION,
          notifications: {
            topicName,
            subscriptions: [{ protocol: 'email', endpoint: 'a@example.org' }],
          },
          billing: { thresholds: [{ name: 'hard', amountUSD: 100 }] },
          auditTrail: {
            name: uniqueName('audit'),
            logBucket: { bucketName: uniqueName('sw-cc-log') },
          },
        }),
        reconcilerFor,
      );
      // Billing alarms live in us-east-1, and so does the topic they notify.
      const topics = await account.admin.clients.sns('us-east-1').send(new ListTopicsCommand({}));
      expect(
        (topics.Topics ?? []).filter((t) => t.TopicArn?.endsWith(`:${topicName}`)),
      ).toHaveLength(1);
    });
  });

  describe('QualityPipeline (glue)', () => {
    it.each([
      ['CreateWorkflow', 'GetJob'],
      ['CreateJob', 'GetTrigger'],
    ])('a crash right after %s: recognised by its tag, never NotOwned', async (_create, next) => {
      const bucket = uniqueName('sw-cc-qp');
      await createBucket(account.admin.clients.s3(), bucket);
      const name = uniqueName('qp');
      await crashAfterCreate(
        { service: 'glue', operation: next },
        qpObject('crash', name, {
          source: { bucketName: bucket, prefix: 'raw/' },
          rules: 'Rules = [ RowCount > 0 ]',
          engine: 'glue',
        }),
        (aws) =>
          createQualityPipelineReconciler({
            aws,
            buckets: { get: async () => undefined },
          }) as Reconciler<never, never>,
      );
      const { Job } = await account.admin.clients
        .glue()
        .send(new GetJobCommand({ JobName: glueNames('crash', name).jobName }));
      expect(Job?.Name).toBe(glueNames('crash', name).jobName);
    });
  });
});
