// Rule (a): IAM propagation. For a window after CreateRole (and UpdateAssumeRolePolicy, for
// assuming it), KMS and S3 refuse the role as a principal and Glue cannot assume it; a new
// inline policy is evaluated only once it has propagated. A role that does not exist is
// never a valid principal.
import { CreateCrawlerCommand } from '@aws-sdk/client-glue';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { eventually, uniqueName } from '../../harness/kube.ts';
import {
  expectAwsError,
  makeRole,
  notAuthorized,
  policy,
  rootStatement,
  sessionOf,
  trustedBy,
} from './fixtures.ts';

const KMS_INVALID = 'Policy contains a statement with one or more invalid principals.';

describe('rule (a): IAM propagation', () => {
  let account: TestAccount;
  let keyId: string;
  let bucket: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    // Shorter than AWS-like, so the happy paths that wait it out stay quick.
    await account.strict.configureAccount(account.accountId, { iamPropagationSeconds: 1.5 });
    const kms = account.admin.clients.kms();
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    bucket = uniqueName('strict-iam');
    await account.admin.clients.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await account.strict.settle(account.accountId);
  });

  const keyPolicyNaming = (roleArn: string) =>
    policy(rootStatement(account.accountId), {
      Sid: 'Replication',
      Effect: 'Allow',
      Principal: { AWS: roleArn },
      Action: 'kms:Decrypt',
      Resource: '*',
    });

  const bucketPolicyNaming = (roleArn: string) =>
    policy({
      Sid: 'Reader',
      Effect: 'Allow',
      Principal: { AWS: roleArn },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
    });

  it('a role just created is an invalid principal for KMS and S3, then valid once propagated', async () => {
    const roleArn = await makeRole(account, uniqueName('fresh'), { settle: false });
    const kms = account.admin.clients.kms();
    const s3 = account.admin.clients.s3();
    await expectAwsError(
      kms.send(
        new PutKeyPolicyCommand({
          KeyId: keyId,
          PolicyName: 'default',
          Policy: keyPolicyNaming(roleArn),
        }),
      ),
      { code: 'MalformedPolicyDocumentException', message: KMS_INVALID, status: 400 },
    );
    await expectAwsError(kms.send(new CreateKeyCommand({ Policy: keyPolicyNaming(roleArn) })), {
      code: 'MalformedPolicyDocumentException',
      message: KMS_INVALID,
    });
    await expectAwsError(
      s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: bucketPolicyNaming(roleArn) })),
      { code: 'MalformedPolicy', message: 'Invalid principal in policy', status: 400 },
    );

    // The window (1.5 s for this account) passes on its own.
    await eventually(
      () =>
        kms
          .send(
            new PutKeyPolicyCommand({
              KeyId: keyId,
              PolicyName: 'default',
              Policy: keyPolicyNaming(roleArn),
            }),
          )
          .then(() => true),
      { what: 'the role to propagate', timeoutMs: 10_000 },
    );
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: bucketPolicyNaming(roleArn) }),
    );
    expect(
      (await kms.send(new CreateKeyCommand({ Policy: keyPolicyNaming(roleArn) }))).KeyMetadata
        ?.KeyId,
    ).toBeTruthy();
  });

  it('a role that does not exist is never a valid principal', async () => {
    const ghost = `arn:aws:iam::${account.accountId}:role/never-created`;
    await expectAwsError(
      account.admin.clients.kms().send(
        new PutKeyPolicyCommand({
          KeyId: keyId,
          PolicyName: 'default',
          Policy: keyPolicyNaming(ghost),
        }),
      ),
      { code: 'MalformedPolicyDocumentException', message: KMS_INVALID },
    );
    await expectAwsError(
      account.admin.clients
        .s3()
        .send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: bucketPolicyNaming(ghost) })),
      { code: 'MalformedPolicy', message: 'Invalid principal in policy' },
    );
  });

  it('Glue cannot assume a role it does not trust, or one just created; it can once propagated', async () => {
    const glue = account.admin.clients.glue();
    const crawler = (role: string, name = uniqueName('crawl')) =>
      glue.send(
        new CreateCrawlerCommand({
          Name: name,
          Role: role,
          DatabaseName: 'city',
          Targets: { S3Targets: [{ Path: `s3://${bucket}/trusted/` }] },
        }),
      );
    const cannot = {
      code: 'InvalidInputException',
      message: "Service is unable to assume provided role. Please verify role's TrustPolicy",
      status: 400,
    };
    const notForGlue = await makeRole(account, uniqueName('not-glue'), {
      trust: trustedBy('s3.amazonaws.com'),
    });
    await expectAwsError(crawler(notForGlue), cannot);
    await expectAwsError(crawler(`arn:aws:iam::${account.accountId}:role/missing`), cannot);

    const fresh = await makeRole(account, uniqueName('glue'), {
      trust: trustedBy('glue.amazonaws.com'),
      settle: false,
    });
    await expectAwsError(crawler(fresh), cannot);
    await account.strict.settle(account.accountId);
    await crawler(fresh);
  });

  it('a new inline policy is evaluated only once propagated; until then the previous one', async () => {
    const name = uniqueName('reader');
    const roleArn = await makeRole(account, name, {
      policy: policy({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
    });
    const session = await sessionOf(account, roleArn);
    const head = () => session.clients.s3().send(new HeadBucketCommand({ Bucket: bucket }));
    await expectAwsError(head(), { status: 403 });

    await account.admin.clients.iam().send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: name,
        PolicyDocument: policy({
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${bucket}`,
        }),
      }),
    );
    // Still the previous version: HeadBucket (s3:ListBucket) is refused, without a body.
    await expectAwsError(head(), { status: 403 });
    await eventually(() => head().then(() => true), {
      what: 'the new policy to propagate',
      timeoutMs: 10_000,
    });
  });

  it('the message of a refusal names the action while the policy propagates', async () => {
    const name = uniqueName('tagger');
    const roleArn = await makeRole(account, name);
    const session = await sessionOf(account, roleArn);
    await account.admin.clients.iam().send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: name,
        PolicyDocument: policy({ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' }),
      }),
    );
    await expectAwsError(session.clients.kms().send(new CreateKeyCommand({})), {
      code: 'AccessDeniedException',
      message: notAuthorized(session.arn, 'kms:CreateKey', '*'),
      status: 400,
    });
  });
});
