// What a ProtectedBucket promises beyond its settings, on the strict local AWS:
// - a statement someone adds that opens the bucket to the public or to another account is
//   drift, named by its Sid, and is gone once Seawall restores its own statements (S3
//   refuses a public policy under Block Public Access, which Seawall turns back on first);
// - a backup under Object Lock keeps every replica for its retention;
// - Ready means the data is protected: a probe object proves replication end to end, and
//   a path broken by something Seawall does not own is drift, named, and not Ready.
import {
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { parsePolicy } from '../../src/aws/iam/policy-document.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { converge, pbObject, reconcile } from './protectedbucket-fixtures.ts';

const NS = 'pb-protection';
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';

describe('ProtectedBucket protection', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  it.each(['Correct', 'Report'] as const)(
    'a public and a cross-account statement added by hand are drift (%s); under Correct they go and the TLS rule is back',
    async (driftPolicy) => {
      const bucket = uniqueName('sw-exposed');
      const spec: ProtectedBucketSpec = { bucketName: bucket, region: REGION, driftPolicy };
      const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
      const ready = await converge(reconciler, pbObject(NS, uniqueName('pb'), spec));
      expect(ready.outcome).toBe('ready');

      // A person lifts Block Public Access, then replaces the policy: a public read, a
      // partner account, and an internal reader — and Seawall's TLS rule is gone.
      const s3 = account.admin.clients.s3(REGION);
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: false,
            IgnorePublicAcls: false,
            BlockPublicPolicy: false,
            RestrictPublicBuckets: false,
          },
        }),
      );
      const objects = `arn:aws:s3:::${bucket}/*`;
      const reader = `arn:aws:iam::${account.accountId}:role/reader`;
      await s3.send(
        new PutBucketPolicyCommand({
          Bucket: bucket,
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'PublicRead',
                Effect: 'Allow',
                Principal: '*',
                Action: 's3:GetObject',
                Resource: objects,
              },
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::444455556666:root' },
                Action: 's3:GetObject',
                Resource: objects,
              },
              {
                Sid: 'InternalReader',
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${account.accountId}:root` },
                Action: 's3:GetObject',
                Resource: objects,
                Condition: { ArnEquals: { 'aws:PrincipalArn': reader } },
              },
            ],
          }),
        }),
      );

      const check = await converge(reconciler, ready.object);
      const items = check.driftAcrossPasses.filter((d) => d.facet === 'bucket.policy');
      const action = driftPolicy === 'Correct' ? 'Corrected' : 'Reported';
      expect(items.map((d) => [d.field, d.action])).toEqual([
        ['Statement', action],
        ['statement:PublicRead', action],
        ['statement:#1', action],
      ]);
      expect(items[1]?.observed).toMatch(/^grants public access: /);
      expect(items[2]?.observed).toMatch(/another account \(444455556666\)/);

      const policy = parsePolicy(
        (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy,
      );
      const sids = policy?.Statement.map((st) => st.Sid ?? '(no sid)');
      if (driftPolicy === 'Correct') {
        expect(check.outcome).toBe('ready');
        // The person's internal reader stays; the exposure goes; the TLS rule is back.
        expect(sids).toEqual(['InternalReader', 'SeawallDenyInsecureTransport']);
      } else {
        expect(check.outcome).toBe('drifted');
        expect(sids).toEqual(['PublicRead', '(no sid)', 'InternalReader']);
      }
    },
  );

  it('a replication path broken by something Seawall does not own is drift, and not Ready', async () => {
    const bucket = uniqueName('sw-broken');
    const spec: ProtectedBucketSpec = {
      bucketName: bucket,
      region: REGION,
      backup: { bucketName: `${bucket}-bk`, region: BACKUP_REGION, verifyInterval: '1s' },
    };
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const ready = await converge(reconciler, pbObject(NS, uniqueName('pb'), spec));
    expect(ready.outcome).toBe('ready');
    expect(ready.status.replication).toMatchObject({ state: 'Verified' });

    // A person denies replicas into the backup with a statement of their own (Seawall
    // keeps other people's statements that expose nothing).
    const backupS3 = account.admin.clients.s3(BACKUP_REGION);
    const current = parsePolicy(
      (await backupS3.send(new GetBucketPolicyCommand({ Bucket: `${bucket}-bk` }))).Policy,
    );
    await backupS3.send(
      new PutBucketPolicyCommand({
        Bucket: `${bucket}-bk`,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            ...(current?.Statement ?? []),
            {
              Sid: 'FreezeBackup',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:ReplicateObject',
              Resource: `arn:aws:s3:::${bucket}-bk/*`,
            },
          ],
        }),
      }),
    );

    const broken = await converge(reconciler, ready.object, { until: ['waiting', 'stalled'] });
    let check = broken;
    for (let pass = 0; pass < 30 && check.error?.reason !== 'ReplicationFailed'; pass++) {
      await new Promise((r) => setTimeout(r, 500));
      check = await reconcile(reconciler, check.object).then((r) => ({
        ...r,
        passes: 0,
        driftAcrossPasses: r.drift,
      }));
    }
    expect(check.error).toMatchObject({ kind: 'waiting', reason: 'ReplicationFailed' });
    expect(check.status.replication).toMatchObject({ state: 'Failed' });
    expect(check.drift).toContainEqual(
      expect.objectContaining({
        facet: 'replication.verified',
        field: 'ReplicationStatus',
        expected: 'COMPLETED',
        resource: `s3://${bucket}-bk`,
      }),
    );
    const readyCondition = check.status.conditions?.find((c) => c.type === 'Ready');
    expect(readyCondition).toMatchObject({ status: 'False', reason: 'ReplicationFailed' });
  });

  it('a backup under Object Lock keeps every replica: inside the retention it cannot be deleted, only versioned over', async () => {
    const bucket = uniqueName('sw-locked');
    const backup = `${bucket}-bk`;
    const spec: ProtectedBucketSpec = {
      bucketName: bucket,
      region: REGION,
      backup: {
        bucketName: backup,
        region: BACKUP_REGION,
        verifyInterval: '1s',
        objectLock: { mode: 'GOVERNANCE', days: 1 },
      },
    };
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const ready = await converge(reconciler, pbObject(NS, uniqueName('pb'), spec));
    expect(ready.outcome, ready.error?.message).toBe('ready');
    expect(ready.status.replication).toMatchObject({ state: 'Verified' });

    const backupS3 = account.admin.clients.s3(BACKUP_REGION);
    const lock = await backupS3.send(new GetObjectLockConfigurationCommand({ Bucket: backup }));
    expect(lock.ObjectLockConfiguration).toMatchObject({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
    });

    // The replica of Seawall's probe is a replica like any other: the backup locked it.
    const versions = await backupS3.send(new ListObjectVersionsCommand({ Bucket: backup }));
    const replica = versions.Versions?.[0];
    expect(replica?.Key).toBeDefined();
    const retention = await backupS3.send(
      new GetObjectRetentionCommand({
        Bucket: backup,
        Key: replica?.Key,
        VersionId: replica?.VersionId,
      }),
    );
    expect(retention.Retention?.Mode).toBe('GOVERNANCE');

    // Not even the account's administrator deletes it inside the retention (no bypass).
    await expect(
      backupS3.send(
        new DeleteObjectCommand({
          Bucket: backup,
          Key: replica?.Key,
          VersionId: replica?.VersionId,
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    // An overwrite is a new version; the locked one is still there.
    await backupS3.send(new PutObjectCommand({ Bucket: backup, Key: replica?.Key, Body: 'x' }));
    const after = await backupS3.send(new ListObjectVersionsCommand({ Bucket: backup }));
    expect(after.Versions?.map((v) => v.VersionId)).toContain(replica?.VersionId);

    // A steady check leaves the lock as it is: no drift, no write.
    const check = await reconcile(reconciler, ready.object);
    expect(check.drift.filter((d) => d.facet === 'bucket.objectLock')).toEqual([]);
  });
});
