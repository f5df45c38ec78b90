// AwsAccount on the local stack with two AWS accounts: the operator runs in `home` and
// manages a ProtectedBucket in `target` through an AssumeRole session (trust policy and
// external id evaluated by the strict local AWS); an account that is missing, not granted
// or not assumable stalls the object with the reason and no AWS call in the target.
import { GetBucketTaggingCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsAccount } from '../../src/api/awsaccount.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, uniqueName } from '../harness/kube.ts';
import { converge, reconcilePass } from '../harness/reconcile.ts';
import { aProtectedBucket } from '../harness/seawall-objects.ts';
import { awsAccounts, createTargetRole, EXTERNAL_ID, reconcilersFor } from './accounts-fixtures.ts';

const REGION = 'ca-central-1';

describe('AwsAccount: Seawall acting in another AWS account', () => {
  const kc = adminKubeConfig();
  const accounts = awsAccounts(kc);
  const created: string[] = [];
  let home: TestAccount;
  let target: TestAccount;
  let roleArn: string;
  let log: CallLog;
  let ns: string;
  let labelled: string;
  let reconcilers: ReturnType<typeof reconcilersFor>;
  const name = uniqueName('acct');

  const newAccount = async (suffix: string, spec: AwsAccount['spec']) => {
    const accountName = `${name}-${suffix}`;
    created.push(accountName);
    return accounts.create(accountName, spec);
  };

  beforeAll(async () => {
    [home, target] = await Promise.all([isolatedAccount(), isolatedAccount()]);
    roleArn = await createTargetRole(home, target);
    log = new CallLog();
    home.operator.clients.observe(log.observer);
    ns = await createNamespace(kc, 'acct');
    labelled = await createNamespace(kc, 'acct-lbl');
    const core = kc.makeApiClient((await import('@kubernetes/client-node')).CoreV1Api);
    await core.patchNamespace(
      { name: labelled, body: { metadata: { labels: { 'seawall-test/team': name } } } },
      (await import('@kubernetes/client-node')).setHeaderOptions(
        'Content-Type',
        'application/merge-patch+json',
      ),
    );
    await newAccount('target', {
      accountId: target.accountId,
      roleArn,
      externalId: EXTERNAL_ID,
      regions: [REGION, 'us-east-1'],
      namespaces: [
        { names: [ns], default: true, bucketPrefixes: [`${name}-`] },
        {
          selector: { matchLabels: { 'seawall-test/team': name } },
          default: true,
          bucketPrefixes: [`${name}-`],
        },
      ],
    });
    await newAccount('wrong-id', {
      accountId: target.accountId,
      roleArn,
      externalId: 'not-the-one',
      regions: [REGION],
      namespaces: [{ names: [ns], bucketPrefixes: [`${name}-`] }],
    });
    await newAccount('elsewhere', {
      accountId: target.accountId,
      roleArn,
      externalId: EXTERNAL_ID,
      regions: [REGION],
      namespaces: [{ names: ['some-other-team'], bucketPrefixes: ['other-'] }],
    });
    reconcilers = reconcilersFor(home, kc);
  });

  afterAll(async () => {
    for (const accountName of created) await accounts.delete(accountName).catch(() => {});
  });

  it('an AwsAccount whose role can be assumed is Ready, naming the account STS saw', async () => {
    const object = await accounts.get(`${name}-target`);
    const result = await reconcilePass(reconcilers.awsAccount, object);
    expect(result.outcome).toBe('ready');
    expect(result.status.observedAccountId).toBe(target.accountId);
    expect(result.status.lastAssumedAt).toBeDefined();
    expect(result.status.conditions?.find((c) => c.type === 'Ready')?.message).toContain(
      `assumed ${roleArn}`,
    );
  });

  it('an AwsAccount with the wrong external id: Stalled AssumeRoleFailed, naming the role', async () => {
    const object = await accounts.get(`${name}-wrong-id`);
    const result = await reconcilePass(reconcilers.awsAccount, object);
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe('AssumeRoleFailed');
    expect(result.error?.message).toContain(roleArn);
    expect(result.error?.message).toContain('not authorized to perform: sts:AssumeRole');
  });

  it('a ProtectedBucket in a granted namespace is made in the target account, through the assumed role', async () => {
    const bucket = `${name}-data`;
    log.clear();
    const result = await converge(
      reconcilers.protectedBucket,
      aProtectedBucket(
        'data',
        { bucketName: bucket, region: REGION },
        {
          metadata: { namespace: ns, generation: 1, uid: `${name}-data-uid` },
        },
      ),
    );
    expect(result.outcome).toBe('ready');
    expect(result.status.accountId).toBe(target.accountId);
    expect(result.status.keyArn).toContain(`:${target.accountId}:key/`);
    // In the target account, with the owner tag; not in the operator's account.
    const targetBuckets = await target.admin.clients.s3(REGION).send(new ListBucketsCommand({}));
    expect(targetBuckets.Buckets?.map((b) => b.Name)).toContain(bucket);
    const homeBuckets = await home.admin.clients.s3(REGION).send(new ListBucketsCommand({}));
    expect(homeBuckets.Buckets?.map((b) => b.Name) ?? []).not.toContain(bucket);
    const tags = await target.admin.clients
      .s3(REGION)
      .send(new GetBucketTaggingCommand({ Bucket: bucket }));
    expect(tags.TagSet).toContainEqual({
      Key: 'seawall.dev/owner',
      Value: `${ns}/ProtectedBucket/data`,
    });
    // At most one session for all the passes (the AwsAccount's Ready check may already
    // have made it): the credentials are cached, not asked for per call or per pass.
    expect(result.passes).toBeGreaterThan(1);
    expect(log.calls.filter((c) => c.operation === 'AssumeRole').length).toBeLessThanOrEqual(1);
  });

  it('a namespace granted by label uses its default account', async () => {
    const bucket = `${name}-lbl`;
    const result = await converge(
      reconcilers.protectedBucket,
      aProtectedBucket(
        'lbl',
        { bucketName: bucket, region: REGION },
        {
          metadata: { namespace: labelled, generation: 1, uid: `${name}-lbl-uid` },
        },
      ),
    );
    expect(result.outcome).toBe('ready');
    expect(result.status.accountId).toBe(target.accountId);
  });

  const refusals = [
    {
      what: 'a missing AwsAccount',
      spec: (bucket: string) => ({ bucketName: bucket, region: REGION, account: `${name}-nope` }),
      namespace: () => ns,
      reason: 'AccountNotFound',
      names: () => `${name}-nope`,
    },
    {
      what: 'an AwsAccount that does not grant the namespace',
      spec: (bucket: string) => ({
        bucketName: bucket,
        region: REGION,
        account: `${name}-elsewhere`,
      }),
      namespace: () => ns,
      reason: 'AccountNotGranted',
      names: () => 'does not grant namespace',
    },
    {
      what: 'an AwsAccount whose role refuses the operator',
      spec: (bucket: string) => ({
        bucketName: bucket,
        region: REGION,
        account: `${name}-wrong-id`,
      }),
      namespace: () => ns,
      reason: 'AssumeRoleFailed',
      names: () => roleArn,
    },
  ];
  it.each(refusals)('$what: Stalled $reason, no AWS call in the target', async (c) => {
    log.clear();
    const bucket = `${name}-${c.reason.toLowerCase()}`;
    const result = await reconcilePass(
      reconcilers.protectedBucket,
      aProtectedBucket('refused', c.spec(bucket), {
        metadata: { namespace: c.namespace(), generation: 1, uid: `${bucket}-uid` },
      }),
    );
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe(c.reason);
    expect(result.error?.message).toContain(c.names());
    // Only the refused STS AssumeRole (in the operator's account) for the unassumable
    // role; nothing else anywhere.
    expect(log.calls.filter((call) => call.operation !== 'AssumeRole')).toEqual([]);
    expect(result.status.accountId).toBeUndefined();
  });

  it('an object whose AWS resources are in one account never moves to another (AccountChanged)', async () => {
    const result = await reconcilePass(
      reconcilers.protectedBucket,
      aProtectedBucket(
        'moved',
        { bucketName: `${name}-moved`, region: REGION },
        {
          metadata: { namespace: ns, generation: 2, uid: `${name}-moved-uid` },
          // Made in the operator's own account before the namespace got its default.
          status: { accountId: home.accountId },
        },
      ),
    );
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe('AccountChanged');
    expect(result.error?.message).toContain(home.accountId);
    expect(result.error?.message).toContain(target.accountId);
  });
});
