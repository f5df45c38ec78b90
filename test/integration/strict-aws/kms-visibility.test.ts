// Rule (b): a new KMS key is not visible, for a window after CreateKey, to calls naming it
// by id or ARN: NotFoundException with KMS's message. ListKeys lists it at once.
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { eventually, uniqueName } from '../../harness/kube.ts';
import { expectAwsError } from './fixtures.ts';

describe('rule (b): KMS new-key visibility', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  it('calls naming a new key by id or ARN answer NotFoundException; ListKeys lists it', async () => {
    const kms = account.operator.clients.kms('eu-west-1');
    const created = await kms.send(
      new CreateKeyCommand({
        Tags: [{ TagKey: 'seawall.dev/owner', TagValue: 'ns/ProtectedBucket/x' }],
      }),
    );
    const { KeyId: id = '', Arn: arn = '' } = created.KeyMetadata ?? {};
    const notFound = {
      code: 'NotFoundException',
      message: `Key '${arn}' does not exist`,
      status: 400,
    };
    for (const call of [
      () =>
        kms.send(
          new CreateAliasCommand({ AliasName: `alias/${uniqueName('k')}`, TargetKeyId: id }),
        ),
      () => kms.send(new DescribeKeyCommand({ KeyId: arn })),
      () => kms.send(new EnableKeyRotationCommand({ KeyId: id })),
      () => kms.send(new GetKeyRotationStatusCommand({ KeyId: id })),
      () => kms.send(new GetKeyPolicyCommand({ KeyId: id, PolicyName: 'default' })),
      () => kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'a', TagValue: 'b' }] })),
      () => kms.send(new ListResourceTagsCommand({ KeyId: arn })),
    ]) {
      await expectAwsError(call(), notFound);
    }
    const listed = await kms.send(new ListKeysCommand({}));
    expect(listed.Keys?.map((k) => k.KeyId)).toContain(id);
  });

  it('once the key has propagated (2 s by default) the same calls succeed', async () => {
    const kms = account.admin.clients.kms();
    const { KeyId: id = '' } = (await kms.send(new CreateKeyCommand({}))).KeyMetadata ?? {};
    const described = await eventually(() => kms.send(new DescribeKeyCommand({ KeyId: id })), {
      what: 'the key to become visible',
      timeoutMs: 10_000,
    });
    expect(described.KeyMetadata?.KeyState).toBe('Enabled');
    const alias = `alias/${uniqueName('visible')}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: id }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: id }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.KeyId).toBe(id);
  });

  it('the window is configurable per account', async () => {
    const quick = await isolatedAccount();
    await quick.strict.configureAccount(quick.accountId, { kmsVisibilitySeconds: 0 });
    const kms = quick.admin.clients.kms();
    const { KeyId: id = '' } = (await kms.send(new CreateKeyCommand({}))).KeyMetadata ?? {};
    expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.KeyId).toBe(id);
    // Other accounts keep the server's default.
    expect((await account.strict.settings(account.accountId)).kmsVisibilitySeconds).toBe(2);
  });
});
