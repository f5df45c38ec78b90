// Rule (d): bucket policies evaluated, with their conditions, on every S3 request, for
// every caller. The local endpoint stands for HTTPS; a request marked as plain HTTP is
// refused by a TLS-only policy. Another account needs the bucket policy's Allow.
import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { overPlainHttp } from '../../harness/strict-aws.ts';
import { expectAwsError, makeRole, notAuthorized, policy, sessionOf } from './fixtures.ts';

describe('rule (d): bucket policies with their conditions', () => {
  let account: TestAccount;
  let other: TestAccount;
  let bucket: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    other = await isolatedAccount();
    bucket = uniqueName('strict-policy');
    const s3 = account.admin.clients.s3();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/a.csv', Body: 'a\n1\n' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: policy(
          {
            Sid: 'SeawallDenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'PartnerReadsRaw',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${other.accountId}:root` },
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${bucket}/raw/*`,
          },
        ),
      }),
    );
  });

  it('a TLS-only policy lets HTTPS requests through (the local endpoint stands for HTTPS)', async () => {
    const s3 = account.operator.clients.s3();
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'raw/a.csv' }));
    expect(await out.Body?.transformToString()).toBe('a\n1\n');
  });

  it('and refuses the same requests over plain HTTP, with an explicit deny', async () => {
    const { endpoint } = account;
    const credentials = account.operator.credentials;
    const s3 = overPlainHttp(
      new S3Client({
        endpoint,
        credentials,
        region: 'us-east-1',
        forcePathStyle: true,
        maxAttempts: 1,
      }),
    );
    await expectAwsError(s3.send(new GetBucketVersioningCommand({ Bucket: bucket })), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(
        account.operator.arn,
        's3:GetBucketVersioning',
        `"arn:aws:s3:::${bucket}"`,
        'with an explicit deny in a resource-based policy',
      ),
    });
    // HEAD: the status alone, no body.
    await expectAwsError(s3.send(new HeadBucketCommand({ Bucket: bucket })), { status: 403 });
    // Even the account's administrator: a Deny is a Deny.
    const admin = overPlainHttp(
      new S3Client({
        endpoint,
        credentials: account.admin.credentials,
        region: 'us-east-1',
        forcePathStyle: true,
        maxAttempts: 1,
      }),
    );
    await expectAwsError(admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'raw/a.csv' })), {
      code: 'AccessDenied',
      status: 403,
    });
  });

  it('another account reads only what the bucket policy grants it', async () => {
    const s3 = other.admin.clients.s3();
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'raw/a.csv' }));
    expect(await out.Body?.transformToString()).toBe('a\n1\n');
    await expectAwsError(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/b.csv', Body: 'x' })),
      {
        code: 'AccessDenied',
        status: 403,
        message: notAuthorized(
          other.admin.arn,
          's3:PutObject',
          `"arn:aws:s3:::${bucket}/raw/b.csv"`,
          'because no resource-based policy allows the s3:PutObject action',
        ),
      },
    );
    await expectAwsError(s3.send(new HeadBucketCommand({ Bucket: bucket })), { status: 403 });
  });

  it('a cross-account grant also needs the caller’s own IAM policy', async () => {
    // The other account's operator role holds Seawall's policy (s3:GetObject on "*"), but a
    // role of theirs with nothing for S3 gets nothing, whatever the bucket policy says.
    const idle = await sessionOf(
      other,
      await makeRole(other, uniqueName('idle'), {
        policy: policy({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
      }),
    );
    await expectAwsError(
      idle.clients.s3().send(new GetObjectCommand({ Bucket: bucket, Key: 'raw/a.csv' })),
      {
        code: 'AccessDenied',
        message: notAuthorized(idle.arn, 's3:GetObject', `"arn:aws:s3:::${bucket}/raw/a.csv"`),
      },
    );
    const out = await other.operator.clients
      .s3()
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'raw/a.csv' }));
    expect(out.ContentLength).toBe(4);
  });
});
