// ProtectedBucket against the real local stack (moto): converge, read every facet back
// with the SDK, a steady-state check with zero writes, drift corrected and reported.

import { GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
} from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
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
import { uniqueName } from '../harness/kube.ts';
import {
  CallLog,
  converge,
  ownedKeys,
  pbObject,
  readsByOperation,
  reconcile,
} from './protectedbucket-fixtures.ts';

const NS = 'pb-facets';
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';

function fullSpec(bucket: string): ProtectedBucketSpec {
  return {
    bucketName: bucket,
    region: REGION,
    encryption: { rotation: { enabled: true, periodInDays: 180 } },
    tags: { team: 'data', city: 'vancouver' },
    lifecycle: {
      noncurrentVersionExpirationDays: 90,
      noncurrentVersionTransition: { days: 30, storageClass: 'GLACIER' },
    },
    backup: {
      bucketName: `${bucket}-backup`,
      region: BACKUP_REGION,
      storageClass: 'STANDARD_IA',
      replicationTimeControl: true,
    },
  };
}

describe('ProtectedBucket reconciler against moto', () => {
  let account: TestAccount;
  let log: CallLog;

  beforeAll(async () => {
    account = await isolatedAccount();
    log = new CallLog();
    account.operator.clients.observe(log.observer);
  });

  it('converges: every facet true in AWS, status Ready with the ARNs', async () => {
    const name = uniqueName('pb');
    const bucket = uniqueName('sw-data');
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    // As on AWS, a pass cannot use what it just created (a new role in the key policies,
    // a new key's alias, versioning just enabled): it waits, never stalls, and the next
    // passes converge.
    const first = await converge(reconciler, pbObject(NS, name, fullSpec(bucket)));
    expect(first.error).toBeUndefined();
    expect(first.outcome).toBe('ready');
    expect(first.passes).toBeGreaterThan(1);
    const status = first.status;
    // Ready means the data is protected: a probe object reached the backup.
    expect(status.replication).toMatchObject({ state: 'Verified' });
    expect(status.replication?.lastVerifiedAt).toBeDefined();
    expect(status.bucketArn).toBe(`arn:aws:s3:::${bucket}`);
    expect(status.backupBucketArn).toBe(`arn:aws:s3:::${bucket}-backup`);
    expect(status.keyArn).toMatch(new RegExp(`^arn:aws:kms:${REGION}:${account.accountId}:key/`));
    expect(status.backupKeyArn).toMatch(new RegExp(`^arn:aws:kms:${BACKUP_REGION}:`));
    expect(status.replicationRoleArn).toBe(
      `arn:aws:iam::${account.accountId}:role/seawall/${replicationRoleName(bucket)}`,
    );
    expect(status.keyAlias).toBe(`alias/seawall/${bucket}`);
    expect(status.versioning).toBe('Enabled');
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    // Read every facet back with the SDK.
    const owner = `${NS}/ProtectedBucket/${name}`;
    for (const [b, region, keyArn] of [
      [bucket, REGION, status.keyArn],
      [`${bucket}-backup`, BACKUP_REGION, status.backupKeyArn],
    ] as const) {
      const s3 = account.admin.clients.s3(region);
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status).toBe('Enabled');
      const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: b }));
      expect(enc.ServerSideEncryptionConfiguration?.Rules?.[0]).toEqual({
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
        BucketKeyEnabled: true,
      });
      const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: b }));
      expect(pab.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      const own = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: b }));
      expect(own.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe('BucketOwnerEnforced');
      const policy = parsePolicy((await s3.send(new GetBucketPolicyCommand({ Bucket: b }))).Policy);
      expect(policy?.Statement).toEqual([
        expect.objectContaining({
          Sid: 'SeawallDenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]);
      const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: b }));
      expect(tags.TagSet).toEqual(
        expect.arrayContaining([
          { Key: 'seawall.dev/owner', Value: owner },
          { Key: 'team', Value: 'data' },
        ]),
      );
      const kms = account.admin.clients.kms(region);
      const key = await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
      expect(key.KeyMetadata?.KeyState).toBe('Enabled');
      expect(key.KeyMetadata?.KeySpec).toBe('SYMMETRIC_DEFAULT');
      const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }));
      expect(rotation.KeyRotationEnabled).toBe(true);
      const keyPolicy = parsePolicy(
        (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy,
      );
      const sids = keyPolicy?.Statement.map((s) => s.Sid);
      expect(sids).toContain('SeawallAccountRoot');
      expect(sids).toContain(
        region === REGION ? 'SeawallReplicationDecrypt' : 'SeawallReplicationEncrypt',
      );
    }
    const s3 = account.admin.clients.s3(REGION);
    const lc = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(lc.Rules?.[0]).toMatchObject({
      ID: 'seawall-noncurrent-versions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 90 },
      NoncurrentVersionTransitions: [{ NoncurrentDays: 30, StorageClass: 'GLACIER' }],
    });
    const repl = await s3.send(new GetBucketReplicationCommand({ Bucket: bucket }));
    expect(repl.ReplicationConfiguration?.Role).toBe(status.replicationRoleArn);
    expect(repl.ReplicationConfiguration?.Rules?.[0]).toMatchObject({
      ID: 'seawall-backup',
      Priority: 1,
      Status: 'Enabled',
      Destination: {
        Bucket: `arn:aws:s3:::${bucket}-backup`,
        StorageClass: 'STANDARD_IA',
        EncryptionConfiguration: { ReplicaKmsKeyID: status.backupKeyArn },
        ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
        Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      },
    });
    const iam = account.admin.clients.iam();
    const roleName = replicationRoleName(bucket);
    const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    expect(parsePolicy(role.Role?.AssumeRolePolicyDocument)?.Statement[0]).toMatchObject({
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
    const inline = parsePolicy(
      (
        await iam.send(
          new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REPLICATION_POLICY_NAME }),
        )
      ).PolicyDocument,
    );
    expect(inline?.Statement.flatMap((s) => s.Action)).toEqual([
      's3:GetReplicationConfiguration',
      's3:ListBucket',
      's3:GetObjectVersionForReplication',
      's3:GetObjectVersionAcl',
      's3:GetObjectVersionTagging',
      's3:ReplicateObject',
      's3:ReplicateDelete',
      's3:ReplicateTags',
      'kms:Decrypt',
      'kms:Encrypt',
      // The backup bucket has an S3 Bucket Key: replication decrypts with its key too.
      'kms:Decrypt',
    ]);
    expect(await ownedKeys(account.admin.clients.kms(REGION), owner)).toHaveLength(1);
    expect(await ownedKeys(account.admin.clients.kms(BACKUP_REGION), owner)).toHaveLength(1);

    // A steady-state check: only reads.
    log.clear();
    const second = await reconcile(reconciler, first.object);
    expect(second.outcome).toBe('ready');
    expect(second.drift).toEqual([]);
    expect(log.writes()).toEqual([]);
    const reads = readsByOperation(log);
    console.log('steady-state reads per ProtectedBucket', log.reads().length, reads);
    expect(log.reads().length).toBeLessThanOrEqual(26);
  });
});
