// Rule (k): Block Public Access as S3 enforces it. With BlockPublicPolicy on, a bucket
// policy S3 deems public is refused (403 AccessDenied); RestrictPublicBuckets keeps public
// statements from granting anything to other accounts.
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, policy, type Statement } from './fixtures.ts';

describe('rule (k): Block Public Access', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  async function bucketWith(block: { BlockPublicPolicy: boolean; RestrictPublicBuckets: boolean }) {
    const name = uniqueName('strict-bpa');
    const s3 = account.admin.clients.s3();
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'open/a.txt', Body: 'hello' }));
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: name,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, ...block },
      }),
    );
    return name;
  }

  const publicRead = (name: string, condition?: Statement['Condition']): Statement => ({
    Sid: 'SomeoneMadeItPublic',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${name}/open/*`,
    ...(condition ? { Condition: condition } : {}),
  });

  const tlsOnly = (name: string): Statement => ({
    Sid: 'SeawallDenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });

  it('BlockPublicPolicy refuses a public policy, even one that also restores the TLS statement', async () => {
    const name = await bucketWith({ BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const s3 = account.operator.clients.s3();
    await expectAwsError(
      s3.send(
        new PutBucketPolicyCommand({
          Bucket: name,
          Policy: policy(tlsOnly(name), publicRead(name)),
        }),
      ),
      {
        code: 'AccessDenied',
        status: 403,
        message: `User: ${account.operator.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${name}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
      },
    );
  });

  it('accepts what S3 does not deem public: a Deny for everyone, or everyone limited to one account', async () => {
    const name = await bucketWith({ BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const s3 = account.operator.clients.s3();
    await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: policy(tlsOnly(name)) }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: name,
        Policy: policy(
          tlsOnly(name),
          publicRead(name, { StringEquals: { 'aws:SourceAccount': account.accountId } }),
        ),
      }),
    );
  });

  it('with BlockPublicPolicy off a public policy is accepted; RestrictPublicBuckets decides who it serves', async () => {
    const stranger = await isolatedAccount();
    for (const restrict of [true, false]) {
      const name = await bucketWith({ BlockPublicPolicy: false, RestrictPublicBuckets: restrict });
      await account.admin.clients
        .s3()
        .send(new PutBucketPolicyCommand({ Bucket: name, Policy: policy(publicRead(name)) }));
      const read = stranger.admin.clients
        .s3()
        .send(new GetObjectCommand({ Bucket: name, Key: 'open/a.txt' }));
      if (restrict) {
        await expectAwsError(read, { code: 'AccessDenied', status: 403 });
      } else {
        expect(await (await read).Body?.transformToString()).toBe('hello');
      }
    }
  });
});
