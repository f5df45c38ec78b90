// The generated IAM policy on the strict local AWS, which evaluates every call of the
// operator's role against that role's policy (docs/local-aws.md, rule h): a role holding
// exactly `seawall iam-policy` reconciles a ProtectedBucket end to end (create, drift
// check, delete), and the operator under that role brings all three kinds to Ready; the
// same policy without one action leaves the resource Stalled with reason AccessDenied and
// a message naming the action.
import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ProtectedBucket, ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { iamPolicy } from '../../src/aws/iam-policy.generated.ts';
import { type PolicyDocument, withoutAction } from '../../src/aws/iam-policy.ts';
import { createReconcilers } from '../../src/kinds/index.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import { converge, pbObject, reconcile } from './protectedbucket-fixtures.ts';

interface Obj {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    lastRun?: { state?: string };
  };
}
const NS = 'iam-policy';

/** An account whose operator role holds `policy`, and that role's clients. */
async function operatorWith(
  policy: PolicyDocument,
): Promise<{ account: TestAccount; aws: AwsClients }> {
  const account = await isolatedAccount({ operatorPolicy: policy });
  // maxAttempts 1: an AccessDenied is final, no need to let the SDK retry.
  const aws = new AwsClients({
    endpoint: account.endpoint,
    credentials: account.operator.credentials,
    defaultRegion: 'us-east-1',
    maxAttempts: 1,
  });
  return { account, aws };
}

function spec(bucket: string): ProtectedBucketSpec {
  return {
    bucketName: bucket,
    region: 'ca-central-1',
    deletionPolicy: 'Delete',
    encryption: { rotation: { enabled: true, periodInDays: 180 } },
    tags: { team: 'data' },
    lifecycle: { noncurrentVersionExpirationDays: 90 },
    backup: { bucketName: `${bucket}-backup`, region: 'us-west-2' },
  };
}

describe('the generated IAM policy, enforced by the strict local AWS', () => {
  it('enforcement is on: a role with no S3 permission is refused', async () => {
    const { aws } = await operatorWith({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Nothing', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' },
      ],
    });
    await expect(
      aws.s3().send(new HeadBucketCommand({ Bucket: uniqueName('anything') })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it('exactly the generated policy reconciles a ProtectedBucket: create, drift check, delete', async () => {
    const { aws } = await operatorWith(iamPolicy);
    const reconciler = createProtectedBucketReconciler({ aws });
    const bucket = uniqueName('sw-iam');
    const object = pbObject(NS, uniqueName('pb'), spec(bucket));

    const first = await converge(reconciler, object);
    expect(first.error).toBeUndefined();
    expect(first.outcome).toBe('ready');

    // A drift check (read calls, and a correction if anything differs) is allowed too.
    const second = await reconcile(reconciler, { ...first.object });
    expect(second.error).toBeUndefined();
    expect(second.outcome).toBe('ready');

    // deletionPolicy Delete: keys scheduled for deletion, empty buckets and the role removed.
    const deleting: ProtectedBucket = {
      ...second.object,
      metadata: { ...second.object.metadata, deletionTimestamp: new Date().toISOString() },
    };
    const gone = await reconcile(reconciler, deleting);
    expect(gone.error).toBeUndefined();
    expect(gone.outcome).toBe('finalized');
  });

  /** Runs the operator (all kinds) with AWS credentials bound to `policy`, in a fresh namespace. */
  async function withOperator(
    policy: PolicyDocument,
    body: (api: {
      create: (
        plural: string,
        kind: string,
        name: string,
        spec: object,
        annotations?: object,
      ) => Promise<unknown>;
      read: (plural: string, name: string) => Promise<Obj>;
      account: TestAccount;
    }) => Promise<void>,
  ): Promise<void> {
    const { account, aws } = await operatorWith(policy);
    const kc = adminKubeConfig();
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const namespace = await createNamespace(kc, 'iam-kinds');
    const operator = await startTestOperator({
      kc,
      namespace,
      aws,
      reconcilers: createReconcilers({ aws, kc }),
    });
    const api = { group: 'seawall.dev', version: 'v1alpha1', namespace };
    try {
      await body({
        create: (plural, kind, name, spec, annotations = {}) =>
          custom.createNamespacedCustomObject({
            ...api,
            plural,
            body: {
              apiVersion: 'seawall.dev/v1alpha1',
              kind,
              metadata: { name, annotations },
              spec,
            },
          }),
        read: async (plural, name) =>
          (await custom.getNamespacedCustomObject({ ...api, plural, name })) as Obj,
        account,
      });
    } finally {
      await operator.stop(1000);
    }
  }

  const condition = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type);

  /** Waits for Ready=True (and `extra`); a Stalled resource fails at once. */
  async function ready(
    read: (p: string, n: string) => Promise<Obj>,
    plural: string,
    name: string,
    extra: (o: Obj) => boolean = () => true,
  ) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const o = await read(plural, name);
      const stalled = condition(o, 'Stalled');
      if (stalled?.status === 'True')
        throw new Error(`${plural}/${name} is Stalled: ${stalled.message}`);
      if (condition(o, 'Ready')?.status === 'True' && extra(o)) return o;
      if (Date.now() > deadline)
        throw new Error(`${plural}/${name} not Ready: ${JSON.stringify(o.status)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const dataBucket = (bucket: string) => ({
    bucketName: bucket,
    region: 'us-east-1',
    backup: { bucketName: `${bucket}-backup`, region: 'us-west-2' },
  });

  const costMonitor = () => ({
    region: 'us-east-1',
    billing: { monthlyBudgetUSD: 300, thresholds: [{ name: 'ninety', percentOfBudget: 90 }] },
    buckets: [{ bucketRef: { name: 'data' }, maxObjects: 100 }],
    auditTrail: {
      name: uniqueName('audit'),
      logBucket: { bucketName: uniqueName('sw-iam-audit') },
    },
  });

  it('exactly the generated policy: the operator brings all three kinds to Ready', async () => {
    await withOperator(iamPolicy, async ({ create, read, account }) => {
      const bucket = uniqueName('sw-iam-data');
      await create('protectedbuckets', 'ProtectedBucket', 'data', dataBucket(bucket));
      await ready(read, 'protectedbuckets', 'data');
      await account.admin.clients.s3().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'raw/meters.csv',
          Body: 'meter_id,area,rate\nM1,Downtown,3.5\nM2,,2.0\nM3,Gastown,1.5\n',
        }),
      );
      await create(
        'qualitypipelines',
        'QualityPipeline',
        'meters',
        {
          source: { bucketRef: { name: 'data' }, prefix: 'raw/' },
          rules: 'Rules = [\n  IsComplete "area",\n  RowCount > 1\n]',
        },
        { 'seawall.dev/run-requested-at': 'iam-test' },
      );
      await create('costmonitors', 'CostMonitor', 'costs', costMonitor());
      const qp = await ready(
        read,
        'qualitypipelines',
        'meters',
        (o) => o.status?.lastRun?.state !== undefined,
      );
      expect(qp.status?.lastRun?.state).toBe('Succeeded');
      await ready(read, 'costmonitors', 'costs');
    });
  });

  it('without sns:CreateTopic a CostMonitor is Stalled with AccessDenied naming the action', async () => {
    await withOperator(withoutAction(iamPolicy, 'sns:CreateTopic'), async ({ create, read }) => {
      await create(
        'protectedbuckets',
        'ProtectedBucket',
        'data',
        dataBucket(uniqueName('sw-iam-data')),
      );
      await ready(read, 'protectedbuckets', 'data');
      await create('costmonitors', 'CostMonitor', 'costs', costMonitor());
      const stalled = await eventually(
        async () => {
          const c = condition(await read('costmonitors', 'costs'), 'Stalled');
          return c?.status === 'True' ? c : undefined;
        },
        { what: 'CostMonitor Stalled' },
      );
      expect(stalled).toMatchObject({ reason: 'AccessDenied' });
      expect(stalled.message).toContain('sns:CreateTopic');
    });
  });

  it.each([['iam:CreateRole'], ['iam:PutRolePolicy']])(
    'without %s the resource is Stalled with AccessDenied naming the action',
    async (action) => {
      const { aws } = await operatorWith(withoutAction(iamPolicy, action));
      const reconciler = createProtectedBucketReconciler({ aws });
      const result = await converge(
        reconciler,
        pbObject(NS, uniqueName('pb'), spec(uniqueName('sw-iam'))),
      );
      expect(result.outcome).toBe('stalled');
      const stalled = result.status.conditions?.find((c) => c.type === 'Stalled');
      expect(stalled).toMatchObject({ status: 'True', reason: 'AccessDenied' });
      expect(stalled?.message).toContain(action);
      expect(result.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    },
  );

  // AWS names the action in its message ("... is not authorized to perform: <action> ...");
  // for a bodiless 403 (HeadBucket) the AWS client's hint names it instead (see
  // docs/security.md, "AccessDenied messages").
  it.each([
    ['kms:EnableKeyRotation'],
    ['kms:CreateKey'],
    ['s3:PutBucketVersioning'],
    ['s3:PutBucketPolicy'],
  ])('without %s the resource is Stalled with AccessDenied naming the action', async (action) => {
    const { aws } = await operatorWith(withoutAction(iamPolicy, action));
    const reconciler = createProtectedBucketReconciler({ aws });
    const result = await converge(
      reconciler,
      pbObject(NS, uniqueName('pb'), spec(uniqueName('sw-iam'))),
    );
    expect(result.outcome).toBe('stalled');
    const stalled = result.status.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled).toMatchObject({ status: 'True', reason: 'AccessDenied' });
    expect(stalled?.message).toContain(action);
  });
});
