// Rule (h): identity-based policies enforced for roles that exist in the account, with the
// actions AWS checks (HeadBucket -> s3:ListBucket, CreateAlias -> kms:CreateAlias on the
// alias AND the key), resource ARNs, condition keys, and the actions implied by headers
// and bodies (object tags, SSE-KMS, tags on create, passing a role). Each protocol answers
// with its own code and status.

import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateJobCommand } from '@aws-sdk/client-glue';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, notAuthorized, policy, roleSession } from './fixtures.ts';

describe('rule (h): identity-based policies', () => {
  let account: TestAccount;
  let bucket: string;
  let keyArn: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
    bucket = uniqueName('strict-iam');
    const s3 = account.admin.clients.s3();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    keyArn =
      (await account.admin.clients.kms().send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: keyArn,
              },
            },
          ],
        },
      }),
    );
  });

  it('HeadBucket needs s3:ListBucket on the bucket (a bodiless 403 otherwise)', async () => {
    const other = await roleSession(account, uniqueName('lister'), {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::some-other-bucket',
    });
    await expectAwsError(other.clients.s3().send(new HeadBucketCommand({ Bucket: bucket })), {
      status: 403,
    });
    const right = await roleSession(account, uniqueName('lister'), {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
    });
    await right.clients.s3().send(new HeadBucketCommand({ Bucket: bucket }));
  });

  it('PutObject with tags needs s3:PutObjectTagging; into an SSE-KMS bucket kms:GenerateDataKey; reading kms:Decrypt', async () => {
    const writer = await roleSession(account, uniqueName('writer'), {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: `arn:aws:s3:::${bucket}/*`,
    });
    const s3 = writer.clients.s3();
    await expectAwsError(
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'x', Tagging: 'owner=me' }),
      ),
      {
        code: 'AccessDenied',
        status: 403,
        message: notAuthorized(writer.arn, 's3:PutObjectTagging', `"arn:aws:s3:::${bucket}/a.txt"`),
      },
    );
    await expectAwsError(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'x' })),
      {
        code: 'AccessDenied',
        status: 403,
        message: notAuthorized(writer.arn, 'kms:GenerateDataKey', `"${keyArn}"`),
      },
    );

    const viaS3 = { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } };
    const full = await roleSession(
      account,
      uniqueName('writer'),
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:PutObjectTagging'],
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
      { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: keyArn, Condition: viaS3 },
    );
    await full.clients
      .s3()
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'x', Tagging: 'owner=me' }));
    // kms:ViaService: the same permission used directly, not through S3, is refused.
    await expectAwsError(full.clients.kms().send(new DescribeKeyCommand({ KeyId: keyArn })), {
      code: 'AccessDeniedException',
      status: 400,
      message: notAuthorized(full.arn, 'kms:DescribeKey', keyArn),
    });
    await expectAwsError(
      full.clients.s3().send(new GetObjectCommand({ Bucket: bucket, Key: 'a.txt' })),
      {
        code: 'AccessDenied',
        message: notAuthorized(full.arn, 'kms:Decrypt', `"${keyArn}"`),
      },
    );
  });

  it('CreateAlias needs kms:CreateAlias on the alias and on the key', async () => {
    const aliasOnly = await roleSession(account, uniqueName('aliaser'), {
      Effect: 'Allow',
      Action: 'kms:CreateAlias',
      Resource: `arn:aws:kms:us-east-1:${account.accountId}:alias/*`,
    });
    const alias = `alias/${uniqueName('city')}`;
    await expectAwsError(
      aliasOnly.clients
        .kms()
        .send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyArn })),
      {
        code: 'AccessDeniedException',
        message: notAuthorized(aliasOnly.arn, 'kms:CreateAlias', keyArn),
      },
    );
    const both = await roleSession(account, uniqueName('aliaser'), {
      Effect: 'Allow',
      Action: 'kms:CreateAlias',
      Resource: [`arn:aws:kms:us-east-1:${account.accountId}:alias/*`, keyArn],
    });
    await both.clients
      .kms()
      .send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyArn }));
  });

  it('tags on create need the service’s tag action, and aws:RequestTag / aws:TagKeys conditions hold', async () => {
    const creator = await roleSession(
      account,
      uniqueName('creator'),
      {
        Effect: 'Allow',
        Action: ['kms:CreateKey', 'sns:CreateTopic', 'iam:CreateRole', 'cloudwatch:PutMetricAlarm'],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: ['kms:TagResource', 'iam:TagRole'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:RequestTag/team': 'data' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] },
        },
      },
    );
    const tags = [{ TagKey: 'team', TagValue: 'data' }];
    await creator.clients.kms().send(new CreateKeyCommand({ Tags: tags }));
    await expectAwsError(
      creator.clients
        .kms()
        .send(new CreateKeyCommand({ Tags: [{ TagKey: 'team', TagValue: 'web' }] })),
      {
        code: 'AccessDeniedException',
        message: notAuthorized(creator.arn, 'kms:TagResource', '*'),
      },
    );
    await expectAwsError(
      creator.clients.iam().send(
        new CreateRoleCommand({
          RoleName: uniqueName('r'),
          AssumeRolePolicyDocument: policy({
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: '*',
          }),
          Tags: [
            { Key: 'team', Value: 'data' },
            { Key: 'cost', Value: 'x' },
          ],
        }),
      ),
      {
        code: 'AccessDenied',
        status: 403,
        message: /iam:TagRole on resource: arn:aws:iam::\d+:role\/r-/,
      },
    );
    // SNS and CloudWatch answer in their own shapes.
    await expectAwsError(
      creator.clients
        .sns()
        .send(
          new CreateTopicCommand({ Name: uniqueName('t'), Tags: [{ Key: 'team', Value: 'data' }] }),
        ),
      { code: 'AuthorizationErrorException', status: 403, message: /sns:TagResource/ },
    );
    await expectAwsError(
      creator.clients.cloudwatch().send(
        new PutMetricAlarmCommand({
          AlarmName: 'budget',
          MetricName: 'EstimatedCharges',
          Namespace: 'AWS/Billing',
          Statistic: 'Maximum',
          Period: 21600,
          EvaluationPeriods: 1,
          Threshold: 100,
          ComparisonOperator: 'GreaterThanThreshold',
          Tags: [{ Key: 'team', Value: 'data' }],
        }),
      ),
      {
        code: 'AccessDenied',
        status: 403,
        message: notAuthorized(
          creator.arn,
          'cloudwatch:TagResource',
          `arn:aws:cloudwatch:us-east-1:${account.accountId}:alarm:budget`,
        ),
      },
    );
  });

  it('passing a role needs iam:PassRole, limited by iam:PassedToService', async () => {
    const glueOnly = await roleSession(
      account,
      uniqueName('passer'),
      {
        Effect: 'Allow',
        Action: ['s3:PutReplicationConfiguration', 'glue:CreateJob'],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: '*',
        Condition: { StringEquals: { 'iam:PassedToService': 'glue.amazonaws.com' } },
      },
    );
    const roleArn = `arn:aws:iam::${account.accountId}:role/some-role`;
    const versioned = uniqueName('strict-iam');
    const s3 = account.admin.clients.s3();
    await s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: versioned,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await account.strict.settle(account.accountId);
    await expectAwsError(
      glueOnly.clients.s3().send(
        new PutBucketReplicationCommand({
          Bucket: versioned,
          ReplicationConfiguration: {
            Role: roleArn,
            Rules: [
              {
                Status: 'Enabled',
                Priority: 1,
                Filter: { Prefix: '' },
                DeleteMarkerReplication: { Status: 'Disabled' },
                Destination: { Bucket: `arn:aws:s3:::${versioned}` },
              },
            ],
          },
        }),
      ),
      {
        code: 'AccessDenied',
        status: 403,
        message: notAuthorized(glueOnly.arn, 'iam:PassRole', `"${roleArn}"`),
      },
    );
    const job = await glueOnly.clients.glue().send(
      new CreateJobCommand({
        Name: uniqueName('job'),
        Role: roleArn,
        Command: { Name: 'glueetl', ScriptLocation: 's3://x/y.py' },
      }),
    );
    expect(job.Name).toBeTruthy();
  });

  it('the account’s administrator (a role that does not exist in IAM) may do anything its policies allow: all', async () => {
    await account.admin.clients
      .kms()
      .send(
        new CreateAliasCommand({ AliasName: `alias/${uniqueName('admin')}`, TargetKeyId: keyArn }),
      );
    await account.admin.clients
      .s3()
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'admin.txt', Body: 'x', Tagging: 'a=b' }));
  });
});
