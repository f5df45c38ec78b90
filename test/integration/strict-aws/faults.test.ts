// Rule (l): fault injection. The next N calls (or every call until cleared) matching
// {service, operation, account, region, resource} fail with a given error, hang, or have
// their connection reset. This is how crash windows and outages are tested without mocks.
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  PutBucketTaggingCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.ts';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError } from './fixtures.ts';

describe('rule (l): fault injection', () => {
  let account: TestAccount;
  let aws: AwsClients;

  beforeAll(async () => {
    account = await isolatedAccount();
    aws = new AwsClients({
      endpoint: account.endpoint,
      credentials: account.operator.credentials,
      defaultRegion: 'us-east-1',
      maxAttempts: 1,
    });
  });
  afterEach(async () => {
    await account.strict.clearFaults({ accountId: account.accountId });
  });

  it('fails PutBucketTagging right after CreateBucket, once, with the given error', async () => {
    const bucket = uniqueName('strict-fault');
    await account.strict.addFault({
      effect: 'error',
      match: { service: 's3', operation: 'PutBucketTagging', resource: bucket },
      count: 1,
      error: {
        code: 'InternalError',
        message: 'We encountered an internal error. Please try again.',
        status: 500,
      },
    });
    const s3 = aws.s3();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const tagging = () =>
      s3.send(
        new PutBucketTaggingCommand({
          Bucket: bucket,
          Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
        }),
      );
    await expectAwsError(tagging(), {
      code: 'InternalError',
      message: 'We encountered an internal error. Please try again.',
      status: 500,
    });
    await tagging();
    const { TagSet } = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    expect(TagSet).toEqual([{ Key: 'a', Value: 'b' }]);
  });

  it('every call until cleared, only for the matching resource', async () => {
    const broken = uniqueName('strict-fault');
    const fine = uniqueName('strict-fault');
    const s3 = aws.s3();
    await s3.send(new CreateBucketCommand({ Bucket: broken }));
    await s3.send(new CreateBucketCommand({ Bucket: fine }));
    const fault = await account.strict.addFault({
      effect: 'error',
      match: { service: 's3', resource: broken, account: account.accountId },
      count: null,
      error: { code: 'ServiceUnavailable', message: 'down', status: 503 },
    });
    for (let i = 0; i < 3; i++) {
      await expectAwsError(s3.send(new GetBucketTaggingCommand({ Bucket: broken })), {
        code: 'ServiceUnavailable',
        status: 503,
      });
    }
    await expectAwsError(s3.send(new GetBucketTaggingCommand({ Bucket: fine })), {
      code: 'NoSuchTagSet',
    });
    expect(await account.strict.clearFaults({ id: fault.id })).toBe(1);
    await expectAwsError(s3.send(new GetBucketTaggingCommand({ Bucket: broken })), {
      code: 'NoSuchTagSet',
    });
  });

  it('hangs every call to a region until cleared; others go through', async () => {
    await account.strict.addFault({
      effect: 'hang',
      match: { region: 'eu-west-1', account: account.accountId },
      count: null,
      seconds: null,
    });
    let settled = false;
    const hung = aws
      .kms('eu-west-1')
      .send(new ListKeysCommand({}))
      .finally(() => {
        settled = true;
      });
    await aws.kms('us-east-1').send(new ListKeysCommand({}));
    expect(settled).toBe(false);
    await account.strict.clearFaults({ accountId: account.accountId });
    const out = await hung;
    expect(out.Keys).toBeDefined();
  });

  it('hangs for some seconds: a client with a shorter timeout gives up', async () => {
    await account.strict.addFault({
      effect: 'hang',
      match: { service: 'kms', operation: 'ListKeys', account: account.accountId },
      count: 1,
      seconds: 3,
    });
    const impatient = new KMSClient({
      endpoint: account.endpoint,
      region: 'us-east-1',
      credentials: account.operator.credentials,
      maxAttempts: 1,
      requestHandler: { requestTimeout: 500, throwOnRequestTimeout: true },
    });
    await expect(impatient.send(new ListKeysCommand({}))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('resets the connection: the client sees ECONNRESET', async () => {
    await account.strict.addFault({
      effect: 'reset',
      match: { service: 'kms', operation: 'DescribeKey', account: account.accountId },
      count: 1,
    });
    const error = await aws
      .kms()
      .send(new DescribeKeyCommand({ KeyId: 'alias/anything' }))
      .catch((e: { code?: string; name?: string }) => e);
    expect((error as { code?: string }).code).toBe('ECONNRESET');
    // Spent: the next call reaches KMS (which knows no such alias).
    await expectAwsError(aws.kms().send(new DescribeKeyCommand({ KeyId: 'alias/anything' })), {
      code: 'NotFoundException',
    });
  });
});
