// Rule (f): KMS's policy lockout safety check. A key policy that would not let the caller
// call kms:PutKeyPolicy later is refused unless BypassPolicyLockoutSafetyCheck is set.
import { CreateKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { expectAwsError, policy, rootStatement } from './fixtures.ts';

/** The operator may create and change only keys carrying Seawall's owner tag. */
const OWNED = [{ TagKey: 'seawall.dev/owner', TagValue: 'ns/ProtectedBucket/lockout' }];

const LOCKOUT = 'The new key policy will not allow you to update the key policy in the future.';

describe('rule (f): KMS key-policy lockout check', () => {
  let account: TestAccount;
  let keyId: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
    keyId =
      (await account.operator.clients.kms().send(new CreateKeyCommand({ Tags: OWNED }))).KeyMetadata
        ?.KeyId ?? '';
  });

  const onlyTheService = () =>
    policy({
      Sid: 'CloudWatchOnly',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    });

  it('PutKeyPolicy and CreateKey refuse a policy that locks the caller out', async () => {
    const kms = account.operator.clients.kms();
    const refused = { code: 'MalformedPolicyDocumentException', message: LOCKOUT, status: 400 };
    await expectAwsError(
      kms.send(
        new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: onlyTheService() }),
      ),
      refused,
    );
    await expectAwsError(
      kms.send(new CreateKeyCommand({ Policy: onlyTheService(), Tags: OWNED })),
      refused,
    );
    // A Deny of kms:PutKeyPolicy for the caller locks it out too.
    await expectAwsError(
      kms.send(
        new PutKeyPolicyCommand({
          KeyId: keyId,
          PolicyName: 'default',
          Policy: policy(rootStatement(account.accountId), {
            Effect: 'Deny',
            Principal: { AWS: `arn:aws:iam::${account.accountId}:role/seawall-operator` },
            Action: 'kms:PutKeyPolicy',
            Resource: '*',
          }),
        }),
      ),
      refused,
    );
  });

  it('a policy that keeps the account root (and so the caller, through IAM) is accepted', async () => {
    const kms = account.operator.clients.kms();
    const good = policy(rootStatement(account.accountId));
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: good }));
    expect(
      (await kms.send(new CreateKeyCommand({ Policy: good, Tags: OWNED }))).KeyMetadata?.KeyId,
    ).toBeTruthy();
  });

  it('BypassPolicyLockoutSafetyCheck lets it through', async () => {
    const admin = account.admin.clients.kms();
    const { KeyId: id = '' } = (await admin.send(new CreateKeyCommand({}))).KeyMetadata ?? {};
    await admin.send(
      new PutKeyPolicyCommand({
        KeyId: id,
        PolicyName: 'default',
        Policy: onlyTheService(),
        BypassPolicyLockoutSafetyCheck: true,
      }),
    );
    // And now even the account's administrator is locked out, as on AWS.
    await expectAwsError(
      admin.send(new GetKeyPolicyCommand({ KeyId: id, PolicyName: 'default' })),
      {
        code: 'AccessDeniedException',
        message: /because no resource-based policy allows the kms:GetKeyPolicy action$/,
      },
    );
  });
});
