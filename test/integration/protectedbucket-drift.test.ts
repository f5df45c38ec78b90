// Drift made by hand in moto, facet by facet: corrected and recorded under driftPolicy
// Correct, only recorded under Report. A check after correction is clean and read-only.

import {
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import {
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketReplicationCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { parsePolicy } from '../../src/aws/iam/policy-document.ts';
import {
  REPLICATION_POLICY_NAME,
  replicationRoleName,
} from '../../src/aws/iam/replication-role.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { eventually, uniqueName } from '../harness/kube.ts';
import { CallLog, pbObject, reconcile } from './protectedbucket-fixtures.ts';

const NS = 'pb-drift';
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';

function spec(bucket: string, driftPolicy: 'Correct' | 'Report'): ProtectedBucketSpec {
  return {
    bucketName: bucket,
    region: REGION,
    tags: { team: 'data' },
    lifecycle: { noncurrentVersionExpirationDays: 90 },
    backup: { bucketName: `${bucket}-bk`, region: BACKUP_REGION },
    driftPolicy,
  };
}

/** Every drift the issue lists, made by hand; returns the facets expected to report it. */
async function makeDrift(account: TestAccount, bucket: string, keyArn: string) {
  // moto answers EnableKey/DisableKey given an ARN with a 500: use the bare key id.
  const keyId = keyArn.split('/').pop() ?? keyArn;
  const s3 = account.admin.clients.s3(REGION);
  const kms = account.admin.clients.kms(REGION);
  const iam = account.admin.clients.iam();
  const roleName = replicationRoleName(bucket);
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: 'Suspended' },
    }),
  );
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    }),
  );
  await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: bucket }));
  // Our statement loses its condition; a person's statement is added (and must survive).
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PersonReadOnly',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account.accountId}:root` },
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${bucket}/*`,
          },
          {
            Sid: 'SeawallDenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: `arn:aws:s3:::${bucket}/*`,
          },
        ],
      }),
    }),
  );
  await s3.send(
    new PutBucketTaggingCommand({
      Bucket: bucket,
      Tagging: { TagSet: [{ Key: 'team', Value: 'someone-else' }] },
    }),
  );
  await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }));
  await s3.send(new DeleteBucketReplicationCommand({ Bucket: bucket }));
  await kms.send(new DisableKeyRotationCommand({ KeyId: keyArn }));
  await kms.send(new DisableKeyCommand({ KeyId: keyId }));
  await kms.send(new UntagResourceCommand({ KeyId: keyArn, TagKeys: ['team'] }));
  const stranger = await kms.send(new CreateKeyCommand({ Description: 'a stranger' }));
  // KMS needs a moment before a new key can be named (docs/local-aws.md, rule b).
  await eventually(() =>
    kms.send(
      new UpdateAliasCommand({
        AliasName: `alias/seawall/${bucket}`,
        TargetKeyId: stranger.KeyMetadata?.KeyId,
      }),
    ),
  );
  await kms.send(
    new PutKeyPolicyCommand({
      KeyId: keyArn,
      PolicyName: 'default',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Enable IAM User Permissions',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account.accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: REPLICATION_POLICY_NAME,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      }),
    }),
  );
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: roleName,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  return [
    'bucket.versioning',
    'bucket.encryption',
    'bucket.publicAccessBlock',
    'bucket.ownershipControls',
    'bucket.policy',
    'bucket.tags',
    'bucket.lifecycle',
    'replication.rule',
    'key.rotation',
    'key.state',
    'key.tags',
    'key.alias',
    'key.policy',
    'role.policy',
    'role.trustPolicy',
  ];
}

describe('ProtectedBucket drift', () => {
  let account: TestAccount;
  let log: CallLog;

  beforeAll(async () => {
    account = await isolatedAccount();
    log = new CallLog();
    account.operator.clients.observe(log.observer);
  });

  it('Correct: every hand-made drift is put back and recorded; the next check is clean', async () => {
    const bucket = uniqueName('sw-drift');
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const first = await reconcile(
      reconciler,
      pbObject(NS, uniqueName('pb'), spec(bucket, 'Correct')),
    );
    expect(first.outcome).toBe('ready');
    const keyArn = first.status.keyArn ?? '';
    const facets = await makeDrift(account, bucket, keyArn);

    const check = await reconcile(reconciler, first.object);
    expect(check.error).toBeUndefined();
    expect(check.outcome).toBe('ready');
    const found = new Set(check.drift.map((d) => d.facet));
    expect([...found].sort()).toEqual([...facets].sort());
    expect(check.drift.every((d) => d.action === 'Corrected')).toBe(true);
    expect(check.status.drift?.count).toBe(check.drift.length);
    const versioningItem = check.drift.find((d) => d.facet === 'bucket.versioning');
    expect(versioningItem).toMatchObject({
      resource: `s3://${bucket}`,
      field: 'Status',
      expected: 'Enabled',
      observed: 'Suspended',
    });

    // AWS is back in line.
    const s3 = account.admin.clients.s3(REGION);
    const kms = account.admin.clients.kms(REGION);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe(
      'Enabled',
    );
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
        ?.KMSMasterKeyID,
    ).toBe(keyArn);
    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration?.RestrictPublicBuckets).toBe(true);
    const policy = parsePolicy(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy,
    );
    expect(policy?.Statement.map((s) => s.Sid).sort()).toEqual([
      'PersonReadOnly',
      'SeawallDenyInsecureTransport',
    ]);
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    expect(tags.TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'team', Value: 'data' },
        { Key: 'seawall.dev/owner', Value: expect.stringContaining('ProtectedBucket') },
      ]),
    );
    const repl = await s3.send(new GetBucketReplicationCommand({ Bucket: bucket }));
    expect(repl.ReplicationConfiguration?.Rules?.[0]?.ID).toBe('seawall-backup');
    expect(
      (await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }))).KeyRotationEnabled,
    ).toBe(true);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.KeyState).toBe(
      'Enabled',
    );
    expect(
      (await kms.send(new DescribeKeyCommand({ KeyId: `alias/seawall/${bucket}` }))).KeyMetadata
        ?.Arn,
    ).toBe(keyArn);
    const keyTags = await kms.send(new ListResourceTagsCommand({ KeyId: keyArn }));
    expect(keyTags.Tags).toEqual(expect.arrayContaining([{ TagKey: 'team', TagValue: 'data' }]));
    const keyPolicy = parsePolicy(
      (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy,
    );
    expect(keyPolicy?.Statement.map((s) => s.Sid)).toEqual(
      expect.arrayContaining([
        'SeawallAccountRoot',
        'SeawallReplicationDecrypt',
        'Enable IAM User Permissions',
      ]),
    );
    const iam = account.admin.clients.iam();
    const roleName = replicationRoleName(bucket);
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REPLICATION_POLICY_NAME }),
    );
    expect(parsePolicy(inline.PolicyDocument)?.Statement).toHaveLength(5);
    const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    expect(parsePolicy(role.Role?.AssumeRolePolicyDocument)?.Statement[0]?.Principal).toEqual({
      Service: 's3.amazonaws.com',
    });

    // The history keeps what was corrected; the next check finds nothing and writes nothing.
    log.clear();
    const again = await reconcile(reconciler, check.object);
    expect(again.drift).toEqual([]);
    expect(log.writes()).toEqual([]);
    expect(again.status.drift?.count).toBe(0);
    expect(again.status.drift?.history?.length).toBe(check.drift.length);
  });

  it('Report: every drift is recorded, nothing is written, and the resource is not Ready', async () => {
    const bucket = uniqueName('sw-report');
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const first = await reconcile(
      reconciler,
      pbObject(NS, uniqueName('pb'), spec(bucket, 'Report')),
    );
    expect(first.outcome).toBe('ready');
    const facets = await makeDrift(account, bucket, first.status.keyArn ?? '');

    log.clear();
    const check = await reconcile(reconciler, first.object);
    expect(check.outcome).toBe('drifted');
    expect(log.writes()).toEqual([]);
    expect([...new Set(check.drift.map((d) => d.facet))].sort()).toEqual([...facets].sort());
    expect(check.drift.every((d) => d.action === 'Reported')).toBe(true);
    expect(check.status.versioning).toBe('Suspended');
    const ready = check.status.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'DriftDetected' });
    const s3 = account.admin.clients.s3(REGION);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe(
      'Suspended',
    );
    // Still reported (not silently accepted) on the next check.
    const next = await reconcile(reconciler, check.object);
    expect(next.outcome).toBe('drifted');
    expect(next.drift.length).toBe(check.drift.length);
  });

  it.each(['Report', 'Correct'] as const)(
    'a backup bucket deleted by hand under %s: recorded; recreated only under Correct',
    async (driftPolicy) => {
      const bucket = uniqueName('sw-gone');
      const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
      const first = await reconcile(
        reconciler,
        pbObject(NS, uniqueName('pb'), spec(bucket, driftPolicy)),
      );
      expect(first.outcome).toBe('ready');
      const backupS3 = account.admin.clients.s3(BACKUP_REGION);
      await backupS3.send(new DeleteBucketCommand({ Bucket: `${bucket}-bk` }));

      log.clear();
      const check = await reconcile(reconciler, first.object);
      const gone = check.drift.find((d) => d.facet === 'bucket.exists');
      expect(gone).toMatchObject({
        resource: `s3://${bucket}-bk`,
        field: 'exists',
        action: driftPolicy === 'Correct' ? 'Corrected' : 'Reported',
      });
      const exists = await backupS3
        .send(new HeadBucketCommand({ Bucket: `${bucket}-bk` }))
        .then(() => true)
        .catch(() => false);
      expect(exists).toBe(driftPolicy === 'Correct');
      if (driftPolicy === 'Report') {
        expect(check.outcome).toBe('drifted');
        expect(log.writes()).toEqual([]);
      } else {
        expect(check.outcome).toBe('ready');
        const again = await reconcile(reconciler, check.object);
        expect(again.drift).toEqual([]);
      }
    },
  );
});
