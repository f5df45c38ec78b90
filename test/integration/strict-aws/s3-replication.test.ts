// Rule (c): S3 replication, performed. PutBucketReplication checks what S3 checks; the
// configuration reads back as written; an object put in the source is replicated by the
// rule's role, evaluating its IAM policy and both key policies (S3 Bucket Key included),
// and its version goes PENDING -> COMPLETED, or FAILED with the reason kept.
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, type KeyMetadata } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type ReplicationConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import {
  expectAwsError,
  makeRole,
  policy,
  rootStatement,
  type Statement,
  trustedBy,
} from './fixtures.ts';

const SOURCE_REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';
const VERSIONING =
  "Versioning must be 'Enabled' on the bucket to apply a replication configuration";

describe('rule (c): S3 replication', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  const s3 = (region: string): S3Client => account.admin.clients.s3(region);

  async function bucket(name: string, region: string, versioned: boolean) {
    await s3(region).send(
      new CreateBucketCommand({
        Bucket: name,
        CreateBucketConfiguration: { LocationConstraint: region as 'ca-central-1' },
      }),
    );
    if (versioned) {
      await s3(region).send(
        new PutBucketVersioningCommand({
          Bucket: name,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
    }
  }

  async function key(region: string, ...grants: Statement[]): Promise<KeyMetadata> {
    const out = await account.admin.clients
      .kms(region)
      .send(new CreateKeyCommand({ Policy: policy(rootStatement(account.accountId), ...grants) }));
    return out.KeyMetadata as KeyMetadata;
  }

  async function encrypt(name: string, region: string, keyArn: string, bucketKey: boolean) {
    await s3(region).send(
      new PutBucketEncryptionCommand({
        Bucket: name,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: keyArn,
              },
              BucketKeyEnabled: bucketKey,
            },
          ],
        },
      }),
    );
  }

  const viaS3 = (region: string, bucketName: string) => ({
    StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` },
    StringLike: {
      'kms:EncryptionContext:aws:s3:arn': [
        `arn:aws:s3:::${bucketName}`,
        `arn:aws:s3:::${bucketName}/*`,
      ],
    },
  });

  function rule(destination: string, replicaKeyArn: string) {
    return {
      ID: 'backup',
      Priority: 1,
      Status: 'Enabled' as const,
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Enabled' as const },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' as const } },
      Destination: {
        Bucket: `arn:aws:s3:::${destination}`,
        StorageClass: 'STANDARD_IA' as const,
        EncryptionConfiguration: { ReplicaKmsKeyID: replicaKeyArn },
      },
    };
  }

  /**
   * A source and a backup bucket, both SSE-KMS with their own key, and a replication role.
   * `replicaDecrypt`: the role's policy and the replica key's policy grant kms:Decrypt on
   * the replica key (what a destination S3 Bucket Key needs).
   */
  async function pair(options: { destinationBucketKey: boolean; replicaDecrypt: boolean }) {
    const source = uniqueName('strict-src');
    const backup = `${source}-bk`;
    await bucket(source, SOURCE_REGION, true);
    await bucket(backup, BACKUP_REGION, true);
    const roleName = uniqueName('replicator');
    const roleArn = `arn:aws:iam::${account.accountId}:role/seawall/${roleName}`;
    const replicaActions = options.replicaDecrypt
      ? ['kms:Encrypt', 'kms:Decrypt']
      : ['kms:Encrypt'];
    await makeRole(account, roleName, {
      path: '/seawall/',
      trust: trustedBy('s3.amazonaws.com'),
      settle: false,
    });
    await account.strict.settle(account.accountId); // the role exists before the key policies name it
    const sourceKey = await key(SOURCE_REGION, {
      Sid: 'ReplicationDecrypt',
      Effect: 'Allow',
      Principal: { AWS: roleArn },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    const replicaKey = await key(BACKUP_REGION, {
      Sid: 'ReplicationEncrypt',
      Effect: 'Allow',
      Principal: { AWS: roleArn },
      Action: replicaActions,
      Resource: '*',
    });
    await putReplicationPolicy(roleName, {
      source,
      backup,
      sourceKeyArn: sourceKey.Arn ?? '',
      replicaKeyArn: replicaKey.Arn ?? '',
      replicaActions,
    });
    await encrypt(source, SOURCE_REGION, sourceKey.Arn ?? '', true);
    await encrypt(backup, BACKUP_REGION, replicaKey.Arn ?? '', options.destinationBucketKey);
    await account.strict.settle(account.accountId);
    await s3(SOURCE_REGION).send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: { Role: roleArn, Rules: [rule(backup, replicaKey.Arn ?? '')] },
      }),
    );
    return { source, backup, roleArn, sourceKey, replicaKey };
  }

  async function putReplicationPolicy(
    roleName: string,
    p: {
      source: string;
      backup: string;
      sourceKeyArn: string;
      replicaKeyArn: string;
      replicaActions: string[];
    },
  ) {
    await account.admin.clients.iam().send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'replication',
        PolicyDocument: policy(
          {
            Effect: 'Allow',
            Action: [
              's3:GetObjectVersionForReplication',
              's3:GetObjectVersionAcl',
              's3:GetObjectVersionTagging',
            ],
            Resource: `arn:aws:s3:::${p.source}/*`,
          },
          {
            Effect: 'Allow',
            Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
            Resource: `arn:aws:s3:::${p.backup}/*`,
          },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: p.sourceKeyArn,
            Condition: viaS3(SOURCE_REGION, p.source),
          },
          {
            Effect: 'Allow',
            Action: p.replicaActions,
            Resource: p.replicaKeyArn,
            Condition: viaS3(BACKUP_REGION, p.backup),
          },
        ),
      }),
    );
  }

  it('PutBucketReplication: versioning Enabled on both sides, and only once S3 has noticed', async () => {
    const source = uniqueName('strict-src');
    const backup = `${source}-bk`;
    await bucket(source, SOURCE_REGION, false);
    const config = (dest: string): ReplicationConfiguration => ({
      Role: `arn:aws:iam::${account.accountId}:role/r`,
      Rules: [rule(dest, `arn:aws:kms:${BACKUP_REGION}:${account.accountId}:key/k`)],
    });
    const put = (dest: string) =>
      s3(SOURCE_REGION).send(
        new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: config(dest) }),
      );
    await expectAwsError(put(backup), { code: 'InvalidRequest', message: VERSIONING, status: 400 });

    await s3(SOURCE_REGION).send(
      new PutBucketVersioningCommand({
        Bucket: source,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    // Just enabled: S3 still says it is not (for 2 s by default).
    await expectAwsError(put(backup), { code: 'InvalidRequest', message: VERSIONING });
    await account.strict.settle(account.accountId);
    await expectAwsError(put(backup), {
      code: 'InvalidRequest',
      message: 'Destination bucket must exist.',
    });
    await bucket(backup, BACKUP_REGION, false);
    await expectAwsError(put(backup), {
      code: 'InvalidRequest',
      message: 'Destination bucket must have versioning enabled.',
    });
    await s3(BACKUP_REGION).send(
      new PutBucketVersioningCommand({
        Bucket: backup,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await put(backup);

    // Read back as written (moto alone reports DeleteMarkerReplication Disabled and drops
    // SourceSelectionCriteria and the destination's details).
    const read = await s3(SOURCE_REGION).send(new GetBucketReplicationCommand({ Bucket: source }));
    expect(read.ReplicationConfiguration).toEqual(config(backup));
  });

  it('an SSE-KMS object is replicated: PENDING, then COMPLETED; the replica is REPLICA with the replica key', async () => {
    const { source, backup, replicaKey } = await pair({
      destinationBucketKey: false,
      replicaDecrypt: false,
    });
    await account.strict.configureAccount(account.accountId, { replicationDelaySeconds: 1 });
    const put = await s3(SOURCE_REGION).send(
      new PutObjectCommand({
        Bucket: source,
        Key: 'raw/meters.csv',
        Body: 'meter_id\nM1\n',
        Tagging: 'class=raw',
      }),
    );
    const head = () =>
      s3(SOURCE_REGION).send(new HeadObjectCommand({ Bucket: source, Key: 'raw/meters.csv' }));
    expect((await head()).ReplicationStatus).toBe('PENDING');
    expect(await account.strict.drainReplication({ accountId: account.accountId })).toBe(true);
    await account.strict.configureAccount(account.accountId, { replicationDelaySeconds: 0.2 });
    expect((await head()).ReplicationStatus).toBe('COMPLETED');

    const replica = await s3(BACKUP_REGION).send(
      new GetObjectCommand({ Bucket: backup, Key: 'raw/meters.csv' }),
    );
    expect(await replica.Body?.transformToString()).toBe('meter_id\nM1\n');
    expect(replica).toMatchObject({
      ReplicationStatus: 'REPLICA',
      VersionId: put.VersionId,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: replicaKey.Arn,
      StorageClass: 'STANDARD_IA',
    });
    const [record] = await account.strict.replication(account.accountId, {
      bucket: source,
      key: 'raw/meters.csv',
    });
    expect(record).toMatchObject({ status: 'COMPLETED', destinationBucket: backup, reason: null });

    // A delete marker follows (DeleteMarkerReplication Enabled).
    await s3(SOURCE_REGION).send(
      new DeleteObjectCommand({ Bucket: source, Key: 'raw/meters.csv' }),
    );
    await account.strict.drainReplication({ accountId: account.accountId });
    const versions = await s3(BACKUP_REGION).send(
      new ListObjectVersionsCommand({ Bucket: backup }),
    );
    expect(versions.DeleteMarkers?.map((m) => m.Key)).toEqual(['raw/meters.csv']);
  });

  it('with an S3 Bucket Key on the destination, the role needs kms:Decrypt on the replica key: FAILED, with the reason', async () => {
    const { source, backup, roleArn, replicaKey } = await pair({
      destinationBucketKey: true,
      replicaDecrypt: false,
    });
    await s3(SOURCE_REGION).send(new PutObjectCommand({ Bucket: source, Key: 'a.csv', Body: 'x' }));
    await account.strict.drainReplication({ accountId: account.accountId });
    const head = await s3(SOURCE_REGION).send(
      new HeadObjectCommand({ Bucket: source, Key: 'a.csv' }),
    );
    expect(head.ReplicationStatus).toBe('FAILED');
    const [record] = await account.strict.replication(account.accountId, {
      bucket: source,
      key: 'a.csv',
    });
    const session = `arn:aws:sts::${account.accountId}:assumed-role/${roleArn.split('/').pop()}/s3-replication`;
    expect(record?.reason).toBe(
      `using the destination's S3 Bucket Key: User: ${session} is not authorized to perform: kms:Decrypt on resource: ${replicaKey.Arn} because no identity-based policy allows the kms:Decrypt action`,
    );
    await expectAwsError(
      s3(BACKUP_REGION).send(new HeadObjectCommand({ Bucket: backup, Key: 'a.csv' })),
      {
        status: 404,
      },
    );
  });

  it('with kms:Decrypt on the replica key (role and key policy), the Bucket Key destination works', async () => {
    const { source, backup } = await pair({ destinationBucketKey: true, replicaDecrypt: true });
    await s3(SOURCE_REGION).send(new PutObjectCommand({ Bucket: source, Key: 'a.csv', Body: 'x' }));
    await account.strict.drainReplication({ accountId: account.accountId });
    expect(
      (await s3(SOURCE_REGION).send(new HeadObjectCommand({ Bucket: source, Key: 'a.csv' })))
        .ReplicationStatus,
    ).toBe('COMPLETED');
    const replica = await s3(BACKUP_REGION).send(
      new HeadObjectCommand({ Bucket: backup, Key: 'a.csv' }),
    );
    expect(replica).toMatchObject({ ReplicationStatus: 'REPLICA', BucketKeyEnabled: true });
  });

  it('objects that existed before the rule are not replicated', async () => {
    const source = uniqueName('strict-src');
    const backup = `${source}-bk`;
    await bucket(source, SOURCE_REGION, true);
    await bucket(backup, BACKUP_REGION, true);
    await s3(SOURCE_REGION).send(
      new PutObjectCommand({ Bucket: source, Key: 'old.csv', Body: 'x' }),
    );
    const roleArn = await makeRole(account, uniqueName('replicator'), {
      trust: trustedBy('s3.amazonaws.com'),
    });
    await s3(SOURCE_REGION).send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: {
          Role: roleArn,
          Rules: [
            {
              ID: 'all',
              Priority: 1,
              Status: 'Enabled',
              Filter: { Prefix: '' },
              DeleteMarkerReplication: { Status: 'Disabled' },
              Destination: { Bucket: `arn:aws:s3:::${backup}` },
            },
          ],
        },
      }),
    );
    await account.strict.drainReplication({ accountId: account.accountId });
    expect(
      (await s3(SOURCE_REGION).send(new HeadObjectCommand({ Bucket: source, Key: 'old.csv' })))
        .ReplicationStatus,
    ).toBeUndefined();
    expect(await account.strict.replication(account.accountId, { bucket: source })).toEqual([]);
  });

  it('a role inside its propagation window cannot be assumed by S3: FAILED', async () => {
    const source = uniqueName('strict-src');
    const backup = `${source}-bk`;
    await bucket(source, SOURCE_REGION, true);
    await bucket(backup, BACKUP_REGION, true);
    await account.strict.settle(account.accountId);
    const roleArn = await makeRole(account, uniqueName('replicator'), {
      trust: trustedBy('s3.amazonaws.com'),
      policy: policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      settle: false,
    });
    await s3(SOURCE_REGION).send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: {
          Role: roleArn,
          Rules: [
            {
              ID: 'all',
              Priority: 1,
              Status: 'Enabled',
              Filter: { Prefix: '' },
              DeleteMarkerReplication: { Status: 'Disabled' },
              Destination: { Bucket: `arn:aws:s3:::${backup}` },
            },
          ],
        },
      }),
    );
    await s3(SOURCE_REGION).send(
      new PutObjectCommand({ Bucket: source, Key: 'early.csv', Body: 'x' }),
    );
    await account.strict.drainReplication({ accountId: account.accountId });
    const [record] = await account.strict.replication(account.accountId, {
      bucket: source,
      key: 'early.csv',
    });
    expect(record?.status).toBe('FAILED');
    expect(record?.reason).toMatch(
      /^S3 cannot assume the replication role: role .* IAM has not propagated it yet/,
    );
  });
});
