// What real S3 does and moto does not, fixed in the strict local AWS: CreateBucket honours
// CreateBucketConfiguration Tags (and checks s3:TagResource); writing an object encrypted
// with a KMS key that does not exist, is disabled or is pending deletion fails with KMS's
// error as S3 answers it.
import {
  CreateKeyCommand,
  DisableKeyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, notAuthorized, roleSession } from './fixtures.ts';

describe('S3 behaviour moto lacks', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
  });

  it('CreateBucket with Tags tags the bucket; without s3:TagResource it is refused', async () => {
    const bucket = uniqueName('strict-tags');
    const s3 = account.operator.clients.s3('ca-central-1');
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: {
          LocationConstraint: 'ca-central-1',
          Tags: [{ Key: 'seawall.dev/owner', Value: 'ns/ProtectedBucket/raw' }],
        },
      }),
    );
    const { TagSet } = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    expect(TagSet).toEqual([{ Key: 'seawall.dev/owner', Value: 'ns/ProtectedBucket/raw' }]);

    const untagged = await roleSession(account, uniqueName('creator'), {
      Effect: 'Allow',
      Action: 's3:CreateBucket',
      Resource: '*',
    });
    const other = uniqueName('strict-tags');
    await expectAwsError(
      untagged.clients.s3().send(
        new CreateBucketCommand({
          Bucket: other,
          CreateBucketConfiguration: { Tags: [{ Key: 'a', Value: 'b' }] },
        }),
      ),
      {
        code: 'AccessDenied',
        status: 403,
        message: notAuthorized(untagged.arn, 's3:TagResource', `"arn:aws:s3:::${other}"`),
      },
    );
  });

  it('SSE-KMS writes with a missing, disabled or deleted key fail with KMS.* errors', async () => {
    const kms = account.admin.clients.kms();
    const s3 = account.operator.clients.s3();
    const bucket = uniqueName('strict-sse');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = (keyId: string) =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'a.txt',
          Body: 'x',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: keyId,
        }),
      );
    const missing = `arn:aws:kms:us-east-1:${account.accountId}:key/00000000-0000-0000-0000-000000000000`;
    await expectAwsError(put(missing), {
      code: 'KMS.NotFoundException',
      message: `Key '${missing}' does not exist`,
      status: 400,
    });

    const disabled = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    await put(disabled);
    await kms.send(new DisableKeyCommand({ KeyId: disabled }));
    await expectAwsError(put(disabled), {
      code: 'KMS.DisabledException',
      message: `${disabled} is disabled.`,
      status: 400,
    });
    // Reading what the key encrypted fails the same way.
    await expectAwsError(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a.txt' })), {
      code: 'KMS.DisabledException',
    });

    const deleted = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: deleted, PendingWindowInDays: 7 }));
    await expectAwsError(put(deleted), {
      code: 'KMS.KMSInvalidStateException',
      message: `${deleted} is pending deletion.`,
      status: 400,
    });

    // The bucket's default key counts as much as the header.
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: deleted,
              },
            },
          ],
        },
      }),
    );
    await expectAwsError(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b.txt', Body: 'x' })),
      {
        code: 'KMS.KMSInvalidStateException',
      },
    );
  });
});
