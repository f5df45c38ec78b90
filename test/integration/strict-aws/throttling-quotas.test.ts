// Rule (j): throttling on demand, in each service's own shape (ThrottlingException for
// JSON services, Throttling for query services, 503 SlowDown for S3), and the roles-per-
// account quota. (The trails quota is in cloudtrail.test.ts.)
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.ts';
import { isolatedAccount, OPERATOR_ROLE, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, trustedByAccount } from './fixtures.ts';

describe('rule (j): throttling and quotas', () => {
  let account: TestAccount;
  let noRetry: AwsClients;

  beforeAll(async () => {
    account = await isolatedAccount();
    noRetry = new AwsClients({
      endpoint: account.endpoint,
      credentials: account.operator.credentials,
      defaultRegion: 'us-east-1',
      maxAttempts: 1,
    });
  });

  it('the next N calls of an operation are throttled in the service’s shape', async () => {
    const { accountId } = account;
    const throttle = (service: string, operation: string) =>
      account.strict.addFault({
        effect: 'throttle',
        match: { service, operation, account: accountId },
        count: 1,
      });
    await throttle('kms', 'ListKeys');
    await expectAwsError(noRetry.kms().send(new ListKeysCommand({})), {
      code: 'ThrottlingException',
      message: 'Rate exceeded',
      status: 400,
    });
    await throttle('iam', 'GetRole');
    await expectAwsError(noRetry.iam().send(new GetRoleCommand({ RoleName: OPERATOR_ROLE })), {
      code: 'Throttling',
      message: 'Rate exceeded',
      status: 400,
    });
    await throttle('s3', 'ListBuckets');
    await expectAwsError(noRetry.s3().send(new ListBucketsCommand({})), {
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
      status: 503,
    });
    await throttle('cloudwatch', 'DescribeAlarms');
    await expectAwsError(noRetry.cloudwatch().send(new DescribeAlarmsCommand({})), {
      code: 'Throttling',
      status: 400,
    });
    // Spent: the next call goes through.
    await noRetry.kms().send(new ListKeysCommand({}));
  });

  it('the SDK retries a throttled call, and only the given account and region are throttled', async () => {
    const fault = await account.strict.addFault({
      effect: 'throttle',
      match: {
        service: 'kms',
        operation: 'ListKeys',
        account: account.accountId,
        region: 'eu-west-1',
      },
      count: 2,
    });
    // Another region of the same account is not touched.
    await noRetry.kms('us-east-1').send(new ListKeysCommand({}));
    // The operator's clients retry (3 attempts): two throttled, the third succeeds.
    await account.operator.clients.kms('eu-west-1').send(new ListKeysCommand({}));
    const after = (await account.strict.faults()).find((f) => f.id === fault.id);
    expect(after).toMatchObject({ hits: 2, remaining: 0 });
  });

  it('IAM roles per account: LimitExceeded beyond the quota (settable per account)', async () => {
    const small = await isolatedAccount();
    // The account already holds the operator's role.
    await small.strict.configureAccount(small.accountId, { maxRolesPerAccount: 2 });
    const iam = small.admin.clients.iam();
    const create = () =>
      iam.send(
        new CreateRoleCommand({
          RoleName: uniqueName('r'),
          AssumeRolePolicyDocument: trustedByAccount(small.accountId),
        }),
      );
    await create();
    await expectAwsError(create(), {
      code: 'LimitExceededException',
      message: 'Cannot exceed quota for RolesPerAccount: 2',
      status: 409,
    });
  });
});
