// The generated IAM policy against moto with IAM enforcement on: a user holding exactly
// `seawall iam-policy` reconciles a ProtectedBucket end to end (create, drift check,
// delete), and the operator under those credentials brings all three kinds to Ready;
// the same policy without one action leaves the resource Stalled with reason AccessDenied
// (and a message naming the action where the AWS error carries it).
//
// This file starts its own moto_server (the shared one has enforcement off): with
// INITIAL_NO_AUTH_ACTION_COUNT=N moto lets the first N requests through unauthenticated
// (here: create an admin user, give it a policy, create its key), then checks every
// request's signature and the caller's IAM policies.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as k8s from '@kubernetes/client-node';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtectedBucket, ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { iamPolicy } from '../../src/aws/iam-policy.generated.ts';
import { type PolicyDocument, withoutAction } from '../../src/aws/iam-policy.ts';
import { createReconcilers } from '../../src/kinds/index.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  freePort,
  type ManagedProcess,
  startProcess,
  waitUntilReady,
} from '../harness/processes.ts';
import { repoRoot } from '../harness/stack.ts';
import { pbObject, reconcile } from './protectedbucket-fixtures.ts';

const BOOTSTRAP_CALLS = 3;

interface Obj {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    lastRun?: { state?: string };
  };
}
const NS = 'iam-policy';

/**
 * moto checks two permissions under names AWS does not use, so the test user also gets
 * moto's names (nothing of the generated policy is added or removed):
 * - a HEAD bucket request is checked as `s3:HeadBucket` (AWS checks s3:ListBucket, which
 *   the policy grants);
 * - CloudWatch calls are checked under its SigV4 signing name, `monitoring:<Action>`
 *   (AWS's prefix is `cloudwatch:`).
 */
function forMoto(policy: PolicyDocument): PolicyDocument {
  const monitoring = policy.Statement.flatMap((st) => st.Action)
    .filter((a) => a.startsWith('cloudwatch:'))
    .map((a) => a.replace(/^cloudwatch:/, 'monitoring:'));
  return {
    ...policy,
    Statement: [
      ...policy.Statement,
      {
        Sid: 'MotoActionNames',
        Effect: 'Allow',
        Action: ['s3:HeadBucket', ...monitoring],
        Resource: '*',
      },
    ],
  };
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

describe('the generated IAM policy under moto IAM enforcement', () => {
  let moto: ManagedProcess;
  let endpoint: string;
  let admin: IAMClient;
  let adminCredentials: AwsCredentialIdentity;

  async function userWithPolicy(policy: PolicyDocument): Promise<AwsCredentialIdentity> {
    const name = uniqueName('seawall-operator');
    await admin.send(new CreateUserCommand({ UserName: name }));
    await admin.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'seawall-operator',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: name }));
    return {
      accessKeyId: AccessKey?.AccessKeyId ?? '',
      secretAccessKey: AccessKey?.SecretAccessKey ?? '',
    };
  }

  function clients(credentials: AwsCredentialIdentity): AwsClients {
    // maxAttempts 1: an AccessDenied is final, no need to let the SDK retry.
    return new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1', maxAttempts: 1 });
  }

  beforeAll(async () => {
    const motoServer = execFileSync('bash', [join(repoRoot, 'scripts/install-moto.sh')], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop() as string;
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'seawall-moto-iam-'));
    moto = startProcess(
      'moto_server (IAM enforced)',
      motoServer,
      ['-H', '127.0.0.1', '-p', String(port)],
      join(dir, 'moto.log'),
      { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(BOOTSTRAP_CALLS) },
    );
    await waitUntilReady(
      moto,
      async () => (await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) })).ok,
      60_000,
    );
    // The first BOOTSTRAP_CALLS requests are not checked: make an administrator.
    const bootstrap = new IAMClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIABOOTSTRAP', secretAccessKey: 'bootstrap' },
    });
    await bootstrap.send(new CreateUserCommand({ UserName: 'admin' }));
    await bootstrap.send(
      new PutUserPolicyCommand({
        UserName: 'admin',
        PolicyName: 'admin',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    const { AccessKey } = await bootstrap.send(new CreateAccessKeyCommand({ UserName: 'admin' }));
    adminCredentials = {
      accessKeyId: AccessKey?.AccessKeyId ?? '',
      secretAccessKey: AccessKey?.SecretAccessKey ?? '',
    };
    admin = new IAMClient({ endpoint, region: 'us-east-1', credentials: adminCredentials });
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('enforcement is on: a user with no policy is refused', async () => {
    const credentials = await userWithPolicy({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Nothing', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' },
      ],
    });
    const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'anything' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('exactly the generated policy reconciles a ProtectedBucket: create, drift check, delete', async () => {
    const credentials = await userWithPolicy(forMoto(iamPolicy));
    const reconciler = createProtectedBucketReconciler({ aws: clients(credentials) });
    const bucket = uniqueName('sw-iam');
    const object = pbObject(NS, uniqueName('pb'), spec(bucket));

    const first = await reconcile(reconciler, object);
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
    }) => Promise<void>,
  ): Promise<void> {
    const aws = clients(await userWithPolicy(policy));
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
    // moto enforces a TLS-only bucket policy on every PutObject (a moto gap).
    enforceTLS: false,
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
    await withOperator(forMoto(iamPolicy), async ({ create, read }) => {
      const bucket = uniqueName('sw-iam-data');
      await create('protectedbuckets', 'ProtectedBucket', 'data', dataBucket(bucket));
      await ready(read, 'protectedbuckets', 'data');
      const s3 = new S3Client({
        endpoint,
        region: 'us-east-1',
        credentials: adminCredentials,
        forcePathStyle: true,
      });
      await s3.send(
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
    await withOperator(
      forMoto(withoutAction(iamPolicy, 'sns:CreateTopic')),
      async ({ create, read }) => {
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
      },
    );
  });

  it.each([['iam:CreateRole'], ['iam:PutRolePolicy']])(
    'without %s the resource is Stalled with AccessDenied naming the action',
    async (action) => {
      const credentials = await userWithPolicy(forMoto(withoutAction(iamPolicy, action)));
      const reconciler = createProtectedBucketReconciler({ aws: clients(credentials) });
      const result = await reconcile(
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

  // moto answers a denied KMS call (a JSON API) with an XML body the SDK cannot parse, and
  // a denied S3 call with a bare "Access Denied": the message still names the action,
  // because the AWS client tags every error with the call that failed and the classifier
  // adds the actions that call needs (see docs/security.md, "AccessDenied messages").
  it.each([
    ['kms:EnableKeyRotation'],
    ['kms:CreateKey'],
    ['s3:PutBucketVersioning'],
    ['s3:PutBucketPolicy'],
  ])('without %s the resource is Stalled with AccessDenied naming the action', async (action) => {
    const credentials = await userWithPolicy(forMoto(withoutAction(iamPolicy, action)));
    const reconciler = createProtectedBucketReconciler({ aws: clients(credentials) });
    const result = await reconcile(
      reconciler,
      pbObject(NS, uniqueName('pb'), spec(uniqueName('sw-iam'))),
    );
    expect(result.outcome).toBe('stalled');
    const stalled = result.status.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled).toMatchObject({ status: 'True', reason: 'AccessDenied' });
    expect(stalled?.message).toContain(action);
  });
});
