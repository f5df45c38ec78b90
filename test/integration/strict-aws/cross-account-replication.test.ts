// Rule (c) across accounts, with Object Lock and replication metrics (rules c, n): a source
// bucket in one account replicates into a backup bucket of another. The backup's bucket
// policy and its key's policy must allow exactly the source's replication role; with
// AccessControlTranslation the replica is owned by the backup account; the replica takes the
// backup's default COMPLIANCE retention, so nobody in the source account (its administrator
// included) can delete it; Replication Time Control publishes AWS/S3 replication metrics.
import { GetMetricStatisticsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyBucket, isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import {
  expectAwsError,
  makeRole,
  policy,
  rootStatement,
  type Statement,
  trustedBy,
} from './fixtures.ts';

const REGION = 'us-east-1';
const PROTECTED = {
  code: 'AccessDenied',
  status: 403,
  message: 'Access Denied because object protected by object lock.',
};

interface Options {
  /** AccessControlTranslation Owner=Destination (default true). */
  ownerOverride?: boolean;
  /** The backup bucket policy grants the role (default true). */
  bucketGrant?: boolean;
  /** The replica key's policy names the role (default true); otherwise only its own root. */
  keyNamesRole?: boolean;
  /** The role's policy has s3:ObjectOwnerOverrideToBucketOwner (default true). */
  roleMayOverride?: boolean;
  /** The backup's Object Ownership (default: S3's default, bucket owner enforced). */
  backupOwnership?: 'ObjectWriter';
  /** Replication Time Control and metrics (default true). */
  rtc?: boolean;
}

describe('rules (c, n): cross-account replication into a locked backup', () => {
  let platform: TestAccount;
  let backup: TestAccount;

  beforeAll(async () => {
    [platform, backup] = await Promise.all([isolatedAccount(), isolatedAccount()]);
    for (const account of [platform, backup]) {
      await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
    }
  });

  async function setUp(options: Options = {}) {
    const o = {
      ownerOverride: true,
      bucketGrant: true,
      keyNamesRole: true,
      roleMayOverride: true,
      rtc: true,
      ...options,
    };
    const source = uniqueName('strict-city');
    const target = `${source}-backup`;
    const roleName = uniqueName('replicator');
    const roleArn = `arn:aws:iam::${platform.accountId}:role/seawall/${roleName}`;
    await makeRole(platform, roleName, { path: '/seawall/', trust: trustedBy('s3.amazonaws.com') });

    // The platform account: a versioned source with its own key.
    const ps3 = platform.admin.clients.s3(REGION);
    await ps3.send(new CreateBucketCommand({ Bucket: source }));
    await ps3.send(
      new PutBucketVersioningCommand({
        Bucket: source,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const sourceKey = (
      await platform.admin.clients.kms(REGION).send(
        new CreateKeyCommand({
          Policy: policy(rootStatement(platform.accountId), {
            Effect: 'Allow',
            Principal: { AWS: roleArn },
            Action: 'kms:Decrypt',
            Resource: '*',
          }),
        }),
      )
    ).KeyMetadata;
    await ps3.send(
      new PutBucketEncryptionCommand({
        Bucket: source,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: sourceKey?.Arn,
              },
            },
          ],
        },
      }),
    );

    // The backup account: Object Lock (COMPLIANCE, 1 day by default), its own key, a policy
    // for exactly the platform's replication role.
    const bs3 = backup.admin.clients.s3(REGION);
    await bs3.send(new CreateBucketCommand({ Bucket: target, ObjectLockEnabledForBucket: true }));
    await bs3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: target,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
        },
      }),
    );
    if (o.backupOwnership) {
      await bs3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: target,
          OwnershipControls: { Rules: [{ ObjectOwnership: o.backupOwnership }] },
        }),
      );
    }
    const replicaKey = (
      await backup.admin.clients.kms(REGION).send(
        new CreateKeyCommand({
          Policy: policy(
            rootStatement(backup.accountId),
            ...(o.keyNamesRole
              ? [
                  {
                    Sid: 'PlatformReplicationRole',
                    Effect: 'Allow' as const,
                    Principal: { AWS: roleArn },
                    Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
                    Resource: '*',
                  },
                ]
              : []),
          ),
        }),
      )
    ).KeyMetadata;
    await bs3.send(
      new PutBucketEncryptionCommand({
        Bucket: target,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: replicaKey?.Arn,
              },
            },
          ],
        },
      }),
    );
    if (o.bucketGrant) {
      await bs3.send(
        new PutBucketPolicyCommand({
          Bucket: target,
          Policy: policy({
            Sid: 'PlatformReplicationRole',
            Effect: 'Allow',
            Principal: { AWS: roleArn },
            Action: [
              's3:ReplicateObject',
              's3:ReplicateDelete',
              's3:ReplicateTags',
              's3:ObjectOwnerOverrideToBucketOwner',
            ],
            Resource: `arn:aws:s3:::${target}/*`,
          }),
        }),
      );
    }

    const statements: Statement[] = [
      {
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'],
        Resource: `arn:aws:s3:::${source}/*`,
      },
      {
        Effect: 'Allow',
        Action: [
          's3:ReplicateObject',
          's3:ReplicateDelete',
          's3:ReplicateTags',
          ...(o.roleMayOverride ? ['s3:ObjectOwnerOverrideToBucketOwner'] : []),
        ],
        Resource: `arn:aws:s3:::${target}/*`,
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: sourceKey?.Arn ?? '' },
      {
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: replicaKey?.Arn ?? '',
      },
    ];
    await platform.admin.clients.iam().send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'replication',
        PolicyDocument: policy(...statements),
      }),
    );
    await platform.strict.settle(platform.accountId);

    const rule: ReplicationRule = {
      ID: 'to-backup-account',
      Priority: 1,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Enabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: {
        Bucket: `arn:aws:s3:::${target}`,
        Account: backup.accountId,
        EncryptionConfiguration: { ReplicaKmsKeyID: replicaKey?.Arn },
        ...(o.ownerOverride ? { AccessControlTranslation: { Owner: 'Destination' as const } } : {}),
        ...(o.rtc
          ? {
              ReplicationTime: { Status: 'Enabled' as const, Time: { Minutes: 15 } },
              Metrics: { Status: 'Enabled' as const, EventThreshold: { Minutes: 15 } },
            }
          : {}),
      },
    };
    await ps3.send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: { Role: roleArn, Rules: [rule] },
      }),
    );
    return { source, target, roleArn, replicaKeyArn: replicaKey?.Arn ?? '', rule };
  }

  async function replicate(source: string, key = 'raw/2026/day.csv') {
    const out = await platform.operator.clients
      .s3(REGION)
      .send(new PutObjectCommand({ Bucket: source, Key: key, Body: 'id,value\n1,2\n' }));
    expect(await platform.strict.drainReplication({ accountId: platform.accountId })).toBe(true);
    const [record] = await platform.strict.replication(platform.accountId, {
      bucket: source,
      key,
      versionId: out.VersionId,
    });
    return { versionId: out.VersionId ?? '', record };
  }

  it('replicates into the backup account: owned by it, encrypted with its key, locked COMPLIANCE; RTC publishes latency and pending operations', async () => {
    const { source, target, replicaKeyArn, rule } = await setUp();
    const { versionId, record } = await replicate(source);
    expect(record).toMatchObject({
      status: 'COMPLETED',
      destinationBucket: target,
      replicaOwner: backup.accountId,
      reason: null,
    });
    const replica = await backup.admin.clients
      .s3(REGION)
      .send(
        new HeadObjectCommand({ Bucket: target, Key: 'raw/2026/day.csv', VersionId: versionId }),
      );
    expect(replica).toMatchObject({
      ReplicationStatus: 'REPLICA',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: replicaKeyArn,
      ObjectLockMode: 'COMPLIANCE',
    });
    expect(replica.ObjectLockRetainUntilDate?.getTime()).toBeGreaterThan(
      Date.now() + 23 * 3600_000,
    );

    const metric = async (name: string, statistic: 'Maximum' | 'Sum' | 'Minimum') => {
      const out = await platform.admin.clients.cloudwatch(REGION).send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/S3',
          MetricName: name,
          Dimensions: [
            { Name: 'SourceBucket', Value: source },
            { Name: 'DestinationBucket', Value: target },
            { Name: 'RuleId', Value: rule.ID },
          ],
          StartTime: new Date(Date.now() - 600_000),
          EndTime: new Date(Date.now() + 60_000),
          Period: 60,
          Statistics: [statistic],
        }),
      );
      return (out.Datapoints ?? []).map((d) => d[statistic] ?? Number.NaN);
    };
    const latency = await metric('ReplicationLatency', 'Maximum');
    expect(latency).toHaveLength(1);
    expect(latency[0]).toBeGreaterThanOrEqual(0.2);
    // One pending while queued, none once done.
    expect(Math.max(...(await metric('OperationsPendingReplication', 'Maximum')))).toBe(1);
    expect(Math.min(...(await metric('OperationsPendingReplication', 'Minimum')))).toBe(0);
    expect(await metric('OperationsFailedReplication', 'Sum')).toEqual([]);
    // An alarm on failed operations can be made on the metric S3 publishes (the local AWS
    // does not evaluate alarms: docs/local-aws.md).
    await platform.admin.clients.cloudwatch(REGION).send(
      new PutMetricAlarmCommand({
        AlarmName: `${source}-replication-failed`,
        Namespace: 'AWS/S3',
        MetricName: 'OperationsFailedReplication',
        Dimensions: [
          { Name: 'SourceBucket', Value: source },
          { Name: 'DestinationBucket', Value: target },
          { Name: 'RuleId', Value: rule.ID },
        ],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });

  it('nobody in the source account can delete or shorten a locked replica, even with the backup’s bucket policy granting it; the backup cannot be emptied either', async () => {
    const { source, target, roleArn } = await setUp();
    const { versionId } = await replicate(source);
    const bs3 = backup.admin.clients.s3(REGION);
    // The worst case: the backup account grants the platform account deletion and bypass
    // (next to what replication needs).
    await bs3.send(
      new PutBucketPolicyCommand({
        Bucket: target,
        Policy: policy(
          {
            Effect: 'Allow',
            Principal: { AWS: roleArn },
            Action: [
              's3:ReplicateObject',
              's3:ReplicateDelete',
              's3:ObjectOwnerOverrideToBucketOwner',
            ],
            Resource: `arn:aws:s3:::${target}/*`,
          },
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${platform.accountId}:root` },
            Action: [
              's3:DeleteObject',
              's3:DeleteObjectVersion',
              's3:PutObjectRetention',
              's3:BypassGovernanceRetention',
            ],
            Resource: `arn:aws:s3:::${target}/*`,
          },
        ),
      }),
    );
    for (const who of [platform.admin, platform.operator]) {
      await expectAwsError(
        who.clients.s3(REGION).send(
          new DeleteObjectCommand({
            Bucket: target,
            Key: 'raw/2026/day.csv',
            VersionId: versionId,
            BypassGovernanceRetention: true,
          }),
        ),
        PROTECTED,
      );
    }
    await expectAwsError(
      platform.admin.clients.s3(REGION).send(
        new PutObjectRetentionCommand({
          Bucket: target,
          Key: 'raw/2026/day.csv',
          VersionId: versionId,
          BypassGovernanceRetention: true,
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.now() + 60_000) },
        }),
      ),
      PROTECTED,
    );
    // Deleting the source object only adds delete markers (replicated): the replica version stays.
    await platform.admin.clients
      .s3(REGION)
      .send(new DeleteObjectCommand({ Bucket: source, Key: 'raw/2026/day.csv' }));
    expect(await platform.strict.drainReplication({ accountId: platform.accountId })).toBe(true);
    const versions = await bs3.send(new ListObjectVersionsCommand({ Bucket: target }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([versionId]);
    expect(versions.DeleteMarkers).toHaveLength(1);
    // The backup account itself cannot empty or delete the bucket inside the retention.
    await expectAwsError(emptyBucket(bs3, target), PROTECTED);
    await expectAwsError(bs3.send(new DeleteBucketCommand({ Bucket: target })), {
      code: 'BucketNotEmpty',
    });
  });

  it('without the backup’s bucket policy, or with a replica key that trusts only its own account, replication FAILS with the reason; OperationsFailedReplication counts it', async () => {
    const noGrant = await setUp({ bucketGrant: false });
    const { record } = await replicate(noGrant.source);
    expect(record?.status).toBe('FAILED');
    expect(record?.reason).toBe(
      `writing the replica: User: arn:aws:sts::${platform.accountId}:assumed-role/${noGrant.roleArn.split('/').pop()}/s3-replication is not authorized to perform: s3:ReplicateObject on resource: arn:aws:s3:::${noGrant.target}/raw/2026/day.csv because no resource-based policy allows the s3:ReplicateObject action`,
    );
    const failed = await platform.admin.clients.cloudwatch(REGION).send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/S3',
        MetricName: 'OperationsFailedReplication',
        Dimensions: [
          { Name: 'SourceBucket', Value: noGrant.source },
          { Name: 'DestinationBucket', Value: noGrant.target },
          { Name: 'RuleId', Value: noGrant.rule.ID },
        ],
        StartTime: new Date(Date.now() - 600_000),
        EndTime: new Date(Date.now() + 60_000),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    expect(failed.Datapoints?.reduce((s, d) => s + (d.Sum ?? 0), 0)).toBe(1);

    const ownRoot = await setUp({ keyNamesRole: false });
    const second = await replicate(ownRoot.source);
    expect(second.record?.status).toBe('FAILED');
    expect(second.record?.reason).toMatch(
      new RegExp(
        `^encrypting the replica: User: .*/s3-replication is not authorized to perform: kms:Encrypt on resource: ${ownRoot.replicaKeyArn} because no resource-based policy allows the kms:Encrypt action$`,
      ),
    );
  });

  it('changing the replica owner needs s3:ObjectOwnerOverrideToBucketOwner; without it (and ACLs on at the backup) the source account owns the replica and the backup account cannot read it', async () => {
    const noOverride = await setUp({ roleMayOverride: false });
    const { record } = await replicate(noOverride.source);
    expect(record?.status).toBe('FAILED');
    expect(record?.reason).toMatch(
      /^changing the replica's owner to the destination bucket's owner: .* is not authorized to perform: s3:ObjectOwnerOverrideToBucketOwner on resource: .* because no identity-based policy allows/,
    );

    const writerOwned = await setUp({ ownerOverride: false, backupOwnership: 'ObjectWriter' });
    const kept = await replicate(writerOwned.source);
    expect(kept.record).toMatchObject({ status: 'COMPLETED', replicaOwner: platform.accountId });
    await expectAwsError(
      backup.admin.clients.s3(REGION).send(
        new GetObjectCommand({
          Bucket: writerOwned.target,
          Key: 'raw/2026/day.csv',
          VersionId: kept.versionId,
        }),
      ),
      { code: 'AccessDenied', message: 'Access Denied', status: 403 },
    );
  });

  it('PutBucketReplication checks the destination account when ownership is translated, and that RTC comes with metrics', async () => {
    const { source, target, roleArn, rule } = await setUp({ rtc: false });
    const ps3 = platform.admin.clients.s3(REGION);
    const put = (destination: Partial<NonNullable<ReplicationRule['Destination']>>) =>
      ps3.send(
        new PutBucketReplicationCommand({
          Bucket: source,
          ReplicationConfiguration: {
            Role: roleArn,
            Rules: [
              {
                ...rule,
                Destination: {
                  ...rule.Destination,
                  Bucket: `arn:aws:s3:::${target}`,
                  ...destination,
                },
              },
            ],
          },
        }),
      );
    await expectAwsError(put({ Account: platform.accountId }), {
      code: 'InvalidRequest',
      message:
        'Destination.Account must be the account that owns the destination bucket when AccessControlTranslation is specified.',
    });
    await expectAwsError(put({ ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } } }), {
      code: 'InvalidRequest',
      message:
        'Replication Time Control requires replication metrics: Destination.Metrics must be Enabled.',
    });
  });
});
