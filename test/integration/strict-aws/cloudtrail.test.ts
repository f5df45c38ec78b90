// Rule (e): CloudTrail checks its log bucket's policy and its key's policy (kms:Decrypt too
// when the bucket uses an S3 Bucket Key), and allows 5 trails per region per account.
import { CreateTrailCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, policy, rootStatement, type Statement } from './fixtures.ts';

const REGION = 'ca-central-1';

describe('rule (e): CloudTrail log bucket and key validation, trails quota', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
  });

  const trailArn = (name: string) =>
    `arn:aws:cloudtrail:${REGION}:${account.accountId}:trail/${name}`;

  function logBucketPolicy(bucket: string, trail: string, prefix = ''): string {
    return policy(
      {
        Sid: 'AclCheck',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringEquals: { 'aws:SourceArn': trailArn(trail) } },
      },
      {
        Sid: 'Write',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/${prefix}AWSLogs/${account.accountId}/*`,
        Condition: {
          StringEquals: {
            's3:x-amz-acl': 'bucket-owner-full-control',
            'aws:SourceArn': trailArn(trail),
          },
        },
      },
    );
  }

  async function logBucket(
    trail: string,
    options: { policy: boolean; bucketKey?: string } = { policy: true },
  ) {
    const bucket = uniqueName('strict-audit');
    const s3 = account.admin.clients.s3(REGION);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    if (options.policy) {
      await s3.send(
        new PutBucketPolicyCommand({ Bucket: bucket, Policy: logBucketPolicy(bucket, trail) }),
      );
    }
    if (options.bucketKey) {
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: options.bucketKey,
                },
                BucketKeyEnabled: true,
              },
            ],
          },
        }),
      );
    }
    return bucket;
  }

  function trailKeyStatement(trail: string, actions: string[]): Statement {
    return {
      Sid: 'CloudTrailEncrypt',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: actions,
      Resource: '*',
      Condition: {
        StringLike: {
          'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account.accountId}:trail/*`,
        },
        StringEquals: { 'aws:SourceArn': trailArn(trail) },
      },
    };
  }

  async function key(...statements: Statement[]): Promise<string> {
    const out = await account.admin.clients
      .kms(REGION)
      .send(
        new CreateKeyCommand({ Policy: policy(rootStatement(account.accountId), ...statements) }),
      );
    return out.KeyMetadata?.Arn ?? '';
  }

  it('a log bucket whose policy does not let CloudTrail write: InsufficientS3BucketPolicyException', async () => {
    const trail = uniqueName('audit');
    const bucket = await logBucket(trail, { policy: false });
    const cloudtrail = account.operator.clients.cloudtrail(REGION);
    await expectAwsError(
      cloudtrail.send(new CreateTrailCommand({ Name: trail, S3BucketName: bucket })),
      {
        code: 'InsufficientS3BucketPolicyException',
        message: `Incorrect S3 bucket policy is detected for bucket: ${bucket}`,
        status: 400,
      },
    );
    // A policy for another trail (aws:SourceArn) does not do either.
    await account.admin.clients.s3(REGION).send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: logBucketPolicy(bucket, 'someone-elses'),
      }),
    );
    await expectAwsError(
      cloudtrail.send(new CreateTrailCommand({ Name: trail, S3BucketName: bucket })),
      {
        code: 'InsufficientS3BucketPolicyException',
      },
    );
    await account.admin.clients
      .s3(REGION)
      .send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: logBucketPolicy(bucket, trail) }));
    const out = await cloudtrail.send(
      new CreateTrailCommand({ Name: trail, S3BucketName: bucket }),
    );
    expect(out.TrailARN).toBe(trailArn(trail));
  });

  it('a key CloudTrail may not use: InsufficientEncryptionPolicyException; kms:Decrypt too with a Bucket Key', async () => {
    const trail = uniqueName('audit');
    const noGrant = await key();
    const bucketKeyArn = await key();
    const bucket = await logBucket(trail, { policy: true, bucketKey: bucketKeyArn });
    const cloudtrail = account.operator.clients.cloudtrail(REGION);
    const refused = {
      code: 'InsufficientEncryptionPolicyException',
      message: `Insufficient permissions to access S3 bucket ${bucket} or KMS key ${noGrant}.`,
      status: 400,
    };
    await expectAwsError(
      cloudtrail.send(
        new CreateTrailCommand({ Name: trail, S3BucketName: bucket, KmsKeyId: noGrant }),
      ),
      refused,
    );

    // GenerateDataKey* alone is not enough: the log bucket has an S3 Bucket Key.
    const encryptOnly = await key(trailKeyStatement(trail, ['kms:GenerateDataKey*']));
    await expectAwsError(
      cloudtrail.send(
        new CreateTrailCommand({ Name: trail, S3BucketName: bucket, KmsKeyId: encryptOnly }),
      ),
      {
        ...refused,
        message: `Insufficient permissions to access S3 bucket ${bucket} or KMS key ${encryptOnly}.`,
      },
    );
    await account.admin.clients.kms(REGION).send(
      new PutKeyPolicyCommand({
        KeyId: encryptOnly,
        PolicyName: 'default',
        Policy: policy(
          rootStatement(account.accountId),
          trailKeyStatement(trail, ['kms:GenerateDataKey*', 'kms:Decrypt']),
        ),
      }),
    );
    await cloudtrail.send(
      new CreateTrailCommand({ Name: trail, S3BucketName: bucket, KmsKeyId: encryptOnly }),
    );
    // UpdateTrail checks the same.
    await expectAwsError(
      cloudtrail.send(new UpdateTrailCommand({ Name: trail, KmsKeyId: noGrant })),
      {
        code: 'InsufficientEncryptionPolicyException',
      },
    );
  });

  it('at most 5 trails per region per account (configurable)', async () => {
    const counting = await isolatedAccount();
    const ct = counting.operator.clients.cloudtrail('us-west-2');
    const bucket = uniqueName('strict-audit');
    await counting.admin.clients.s3('us-west-2').send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
      }),
    );
    await counting.admin.clients.s3('us-west-2').send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: policy(
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${bucket}`,
          },
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${bucket}/AWSLogs/${counting.accountId}/*`,
          },
        ),
      }),
    );
    for (let i = 1; i <= 5; i++)
      await ct.send(new CreateTrailCommand({ Name: `trail-${i}`, S3BucketName: bucket }));
    await expectAwsError(
      ct.send(new CreateTrailCommand({ Name: 'trail-6', S3BucketName: bucket })),
      {
        code: 'MaximumNumberOfTrailsExceededException',
        message: `User: ${counting.accountId} already has 5 trails in us-west-2.`,
        status: 400,
      },
    );
    await counting.strict.configureAccount(counting.accountId, { maxTrailsPerRegion: 6 });
    await ct.send(new CreateTrailCommand({ Name: 'trail-6', S3BucketName: bucket }));
  });
});
