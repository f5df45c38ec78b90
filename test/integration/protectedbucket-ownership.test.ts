// Names held by AWS resources Seawall does not own: Stalled, named, AWS untouched —
// unless spec.adoptExisting takes an unowned resource over.

import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  PutBucketTaggingCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAwsError } from '../../src/aws/errors.ts';
import { replicationRoleName } from '../../src/aws/iam/replication-role.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { CallLog, converge, ownedKeys, pbObject, reconcile } from './protectedbucket-fixtures.ts';

const NS = 'pb-owner';
const REGION = 'ca-central-1';

describe('ProtectedBucket ownership', () => {
  let account: TestAccount;
  let other: TestAccount;
  let log: CallLog;

  beforeAll(async () => {
    account = await isolatedAccount();
    other = await isolatedAccount();
    log = new CallLog();
    account.operator.clients.observe(log.observer);
  });

  async function tagsOf(bucket: string) {
    try {
      return (
        await account.admin.clients.s3(REGION).send(new GetBucketTaggingCommand({ Bucket: bucket }))
      ).TagSet;
    } catch (error) {
      if (isAwsError(error, 'NoSuchTagSet')) return [];
      throw error;
    }
  }

  it('a bucket name held by another account: Stalled, named, nothing created or changed', async () => {
    const bucket = uniqueName('sw-taken');
    await other.admin.clients.s3(REGION).send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    const name = uniqueName('pb');
    log.clear();
    const result = await reconcile(
      createProtectedBucketReconciler({ aws: account.operator.clients }),
      pbObject(NS, name, { bucketName: bucket, region: REGION }),
    );
    expect(result.outcome).toBe('stalled');
    // S3 answers 403 to the ownership probe; only this account's bucket list tells a
    // name held elsewhere from a permission Seawall lacks.
    expect(result.error?.reason).toBe('NameTaken');
    expect(result.error?.message).toContain(`bucket "${bucket}"`);
    expect(result.error?.message).toContain('403 Forbidden');
    const stalled = result.status.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled?.status).toBe('True');
    expect(log.writes()).toEqual([]);
    expect(
      await ownedKeys(account.admin.clients.kms(REGION), `${NS}/ProtectedBucket/${name}`),
    ).toEqual([]);
  });

  it('a bucket name held by another account in another region (301): NameTaken, naming the region', async () => {
    const bucket = uniqueName('sw-elsewhere');
    await account.strict.holdForeignBucket(bucket, 'eu-west-1');
    log.clear();
    const result = await reconcile(
      createProtectedBucketReconciler({ aws: account.operator.clients }),
      pbObject(NS, uniqueName('pb'), { bucketName: bucket, region: REGION }),
    );
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe('NameTaken');
    expect(result.error?.message).toContain('in eu-west-1');
    expect(result.error?.message).toContain('301 Moved Permanently');
    expect(log.writes()).toEqual([]);
    await account.strict.releaseForeignBucket(bucket);
  });

  it('an unowned bucket in the same account: Stalled NotOwned; adoptExisting takes it over', async () => {
    const bucket = uniqueName('sw-mine');
    const s3 = account.admin.clients.s3(REGION);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: bucket,
        Tagging: { TagSet: [{ Key: 'made-by', Value: 'a person' }] },
      }),
    );
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const name = uniqueName('pb');
    log.clear();
    const refused = await reconcile(
      reconciler,
      pbObject(NS, name, { bucketName: bucket, region: REGION }),
    );
    expect(refused.outcome).toBe('stalled');
    expect(refused.error).toMatchObject({ reason: 'NotOwned' });
    expect(refused.error?.message).toContain(bucket);
    expect(log.writes()).toEqual([]);
    expect(await tagsOf(bucket)).toEqual([{ Key: 'made-by', Value: 'a person' }]);
    expect(
      (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status,
    ).toBeUndefined();

    const adopted = await converge(
      reconciler,
      pbObject(NS, name, { bucketName: bucket, region: REGION, adoptExisting: true }, undefined, 2),
    );
    expect(adopted.outcome).toBe('ready');
    // Adoption says which of the bucket's tags it removed (the spec lists none of them).
    expect(adopted.driftAcrossPasses).toContainEqual(
      expect.objectContaining({
        resource: `s3://${bucket}`,
        facet: 'bucket.tags',
        field: 'tag:made-by',
        expected: '<absent>',
        observed: 'a person',
        action: 'Corrected',
      }),
    );
    expect(await tagsOf(bucket)).toEqual(
      expect.arrayContaining([
        { Key: 'seawall.dev/owner', Value: `${NS}/ProtectedBucket/${name}` },
      ]),
    );
  });

  it('a bucket owned by another Seawall resource is never adopted', async () => {
    const bucket = uniqueName('sw-twice');
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const first = await converge(
      reconciler,
      pbObject(NS, uniqueName('pb'), { bucketName: bucket, region: REGION }),
    );
    expect(first.outcome).toBe('ready');
    log.clear();
    const second = await reconcile(
      reconciler,
      pbObject(NS, uniqueName('pb'), { bucketName: bucket, region: REGION, adoptExisting: true }),
    );
    expect(second.outcome).toBe('stalled');
    expect(second.error).toMatchObject({ reason: 'OwnedByAnother' });
    expect(log.writes()).toEqual([]);
  });

  it('a key alias pointing at an unowned key: Stalled, the alias untouched', async () => {
    const bucket = uniqueName('sw-alias');
    const kms = account.admin.clients.kms(REGION);
    const key = await kms.send(new CreateKeyCommand({ Description: 'a person made this' }));
    await account.strict.settle(account.accountId);
    await kms.send(
      new CreateAliasCommand({
        AliasName: `alias/seawall/${bucket}`,
        TargetKeyId: key.KeyMetadata?.KeyId,
      }),
    );
    log.clear();
    const result = await reconcile(
      createProtectedBucketReconciler({ aws: account.operator.clients }),
      pbObject(NS, uniqueName('pb'), { bucketName: bucket, region: REGION }),
    );
    expect(result.outcome).toBe('stalled');
    expect(result.error).toMatchObject({ reason: 'NotOwned' });
    expect(result.error?.message).toContain(`alias/seawall/${bucket}`);
    expect(log.writes()).toEqual([]);
  });

  it('a replication role name held by an unowned role: Stalled naming the role', async () => {
    const bucket = uniqueName('sw-role');
    await account.admin.clients.iam().send(
      new CreateRoleCommand({
        RoleName: replicationRoleName(bucket),
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    const result = await converge(
      createProtectedBucketReconciler({ aws: account.operator.clients }),
      pbObject(NS, uniqueName('pb'), {
        bucketName: bucket,
        region: REGION,
        backup: { bucketName: `${bucket}-bk`, region: 'us-west-2' },
      }),
    );
    expect(result.outcome).toBe('stalled');
    expect(result.error).toMatchObject({ reason: 'NotOwned' });
    expect(result.error?.message).toContain(replicationRoleName(bucket));
  });
});
