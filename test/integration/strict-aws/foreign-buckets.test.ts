// Rule (g): a bucket name held by another account. Signed for another region: 301
// PermanentRedirect with the bucket's region; in its region: 403 AccessDenied; HEAD: the
// status and x-amz-bucket-region only; CreateBucket: 409 BucketAlreadyExists.
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError } from './fixtures.ts';

describe('rule (g): foreign bucket names', () => {
  let account: TestAccount;
  let name: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    name = uniqueName('held-elsewhere');
    await account.strict.holdForeignBucket(name, 'eu-west-1');
  });

  const regionHeader = (error: unknown) =>
    (error as { $response?: { headers?: Record<string, string> } }).$response?.headers?.[
      'x-amz-bucket-region'
    ];

  it('from another region: 301 PermanentRedirect naming the bucket region', async () => {
    const s3 = account.operator.clients.s3('ca-central-1');
    const error = await expectAwsError(s3.send(new GetBucketTaggingCommand({ Bucket: name })), {
      code: 'PermanentRedirect',
      status: 301,
      message:
        'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
    });
    expect(regionHeader(error)).toBe('eu-west-1');
    const head = await expectAwsError(s3.send(new HeadBucketCommand({ Bucket: name })), {
      status: 301,
    });
    expect(regionHeader(head)).toBe('eu-west-1');
  });

  it('in its region: 403 AccessDenied (the other account grants nothing)', async () => {
    const s3 = account.operator.clients.s3('eu-west-1');
    await expectAwsError(s3.send(new GetBucketTaggingCommand({ Bucket: name })), {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${account.operator.arn} is not authorized to perform: s3:GetBucketTagging on resource: "arn:aws:s3:::${name}" because no resource-based policy allows the s3:GetBucketTagging action`,
    });
    const head = await expectAwsError(s3.send(new HeadBucketCommand({ Bucket: name })), {
      status: 403,
    });
    expect(regionHeader(head)).toBe('eu-west-1');
  });

  it('CreateBucket: 409 BucketAlreadyExists, in any region', async () => {
    for (const region of ['eu-west-1', 'us-east-1'] as const) {
      const s3 = account.operator.clients.s3(region);
      await expectAwsError(
        s3.send(
          new CreateBucketCommand({
            Bucket: name,
            ...(region === 'us-east-1'
              ? {}
              : { CreateBucketConfiguration: { LocationConstraint: region } }),
          }),
        ),
        {
          code: 'BucketAlreadyExists',
          status: 409,
          message:
            'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
        },
      );
    }
  });

  it('once released, the name is free', async () => {
    const free = uniqueName('held-then-free');
    await account.strict.holdForeignBucket(free, 'us-east-1');
    await account.strict.releaseForeignBucket(free);
    await account.operator.clients.s3().send(new CreateBucketCommand({ Bucket: free }));
    await account.operator.clients.s3().send(new HeadBucketCommand({ Bucket: free }));
  });
});
