// Rule (o): STS AssumeRole of a role that exists is decided by its trust policy and the
// caller's own sts:AssumeRole, as IAM decides it: a trust policy naming the caller directly
// is enough within the account; naming the account root hands the decision to the
// caller's IAM policy; across accounts both must allow; conditions (sts:ExternalId,
// aws:PrincipalArn) and Deny statements count; a role just created cannot be assumed yet.
// Sessions of roles that do not exist still act as their account's administrator (the
// harness's convention, ADR 0007).
import { CreateRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.ts';
import {
  assumeRole,
  isolatedAccount,
  ROOT_CREDENTIALS,
  type TestAccount,
} from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, makeRole, policy, roleSession, sessionOf } from './fixtures.ts';

function trust(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function denied(callerArn: string, roleArn: string) {
  return {
    code: 'AccessDenied',
    status: 403,
    message: `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  };
}

describe('rule (o): STS AssumeRole evaluates trust and identity policies', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  it('a trust policy naming the account root: the person may (administrator), a role only with sts:AssumeRole in its own policy', async () => {
    const target = await makeRole(account, uniqueName('target'));
    await assumeRole(account.endpoint, target, 'person', account.admin.credentials);
    const without = await roleSession(account, uniqueName('without'), {
      Effect: 'Allow',
      Action: 'sts:GetCallerIdentity',
      Resource: '*',
    });
    await expectAwsError(
      assumeRole(account.endpoint, target, 'x', without.credentials),
      denied(without.arn, target),
    );
    const withIt = await roleSession(account, uniqueName('with'), {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: target,
    });
    const credentials = await assumeRole(account.endpoint, target, 'chained', withIt.credentials);
    const clients = new AwsClients({
      endpoint: account.endpoint,
      credentials,
      defaultRegion: 'us-east-1',
    });
    const me = await clients.sts().send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(
      `arn:aws:sts::${account.accountId}:assumed-role/${target.split('/').pop()}/chained`,
    );
  });

  it('a trust policy naming a role directly lets its sessions in without an identity grant; a Deny wins', async () => {
    const callerArn = await makeRole(account, uniqueName('caller'), {
      policy: policy({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
    });
    const target = await makeRole(account, uniqueName('target'), {
      trust: trust({ Effect: 'Allow', Principal: { AWS: callerArn }, Action: 'sts:AssumeRole' }),
    });
    const caller = await sessionOf(account, callerArn);
    await assumeRole(account.endpoint, target, 'direct', caller.credentials);
    // The account's person is not named: the trust policy lets nobody else in.
    await expectAwsError(
      assumeRole(account.endpoint, target, 'person', account.admin.credentials),
      denied(account.admin.arn, target),
    );
    await account.admin.clients.iam().send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: target.split('/').pop(),
        PolicyDocument: trust(
          { Effect: 'Allow', Principal: { AWS: callerArn }, Action: 'sts:AssumeRole' },
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sts:AssumeRole',
            Condition: { StringNotEquals: { 'sts:RoleSessionName': 'allowed' } },
          },
        ),
      }),
    );
    await account.strict.settle(account.accountId);
    await expectAwsError(
      assumeRole(account.endpoint, target, 'direct', caller.credentials),
      denied(caller.arn, target),
    );
    await assumeRole(account.endpoint, target, 'allowed', caller.credentials);
  });

  it('across accounts: the trust policy names the other account (with an external id), and the caller’s role must allow sts:AssumeRole too', async () => {
    const platform = await isolatedAccount();
    const externalId = 'city-platform-7';
    const target = await makeRole(account, uniqueName('seawall-target'), {
      path: '/seawall/',
      trust: trust({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${platform.accountId}:root` },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'sts:ExternalId': externalId },
          ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${platform.accountId}:role/seawall/*` },
        },
      }),
    });
    const operatorArn = await makeRole(platform, uniqueName('operator'), {
      path: '/seawall/',
      policy: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: target }),
    });
    const operator = await sessionOf(platform, operatorArn);
    const elsewhereArn = await makeRole(platform, uniqueName('elsewhere'), {
      policy: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
    });
    const elsewhere = await sessionOf(platform, elsewhereArn);
    const idleArn = await makeRole(platform, uniqueName('idle'), {
      path: '/seawall/',
      policy: policy({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
    });
    const idle = await sessionOf(platform, idleArn);

    await expectAwsError(
      assumeRole(account.endpoint, target, 's', operator.credentials),
      denied(operator.arn, target),
    );
    await expectAwsError(
      assumeRole(account.endpoint, target, 's', operator.credentials, { externalId: 'wrong' }),
      denied(operator.arn, target),
    );
    // Outside /seawall/: aws:PrincipalArn does not match.
    await expectAwsError(
      assumeRole(account.endpoint, target, 's', elsewhere.credentials, { externalId }),
      denied(elsewhere.arn, target),
    );
    // Trusted, but its own policy does not allow the call.
    await expectAwsError(
      assumeRole(account.endpoint, target, 's', idle.credentials, { externalId }),
      denied(idle.arn, target),
    );
    // The other account's administrator is refused too: the trust policy names roles under /seawall/.
    await expectAwsError(
      assumeRole(account.endpoint, target, 's', platform.admin.credentials, { externalId }),
      denied(platform.admin.arn, target),
    );
    const credentials = await assumeRole(
      account.endpoint,
      target,
      'seawall',
      operator.credentials,
      {
        externalId,
      },
    );
    const me = await new AwsClients({
      endpoint: account.endpoint,
      credentials,
      defaultRegion: 'us-east-1',
    })
      .sts()
      .send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(account.accountId);
  });

  it('a role just created cannot be assumed until IAM has propagated it; DurationSeconds is bounded by MaxSessionDuration', async () => {
    const name = uniqueName('fresh');
    const { Role } = await account.admin.clients.iam().send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: trust({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account.accountId}:root` },
          Action: 'sts:AssumeRole',
        }),
      }),
    );
    const arn = Role?.Arn ?? '';
    await expectAwsError(
      assumeRole(account.endpoint, arn, 'early', account.admin.credentials),
      denied(account.admin.arn, arn),
    );
    await account.strict.settle(account.accountId);
    await assumeRole(account.endpoint, arn, 'later', account.admin.credentials);
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    await expectAwsError(
      new STSClient({
        endpoint: account.endpoint,
        region: 'us-east-1',
        credentials: account.admin.credentials,
        maxAttempts: 1,
      }).send(
        new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'long', DurationSeconds: 7200 }),
      ),
      {
        code: 'ValidationError',
        message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      },
    );
  });

  it('a role that does not exist still gives an administrator session (the harness’s convention); the root keys of one account cannot assume another’s roles', async () => {
    const nowhere = `arn:aws:iam::${account.accountId}:role/${uniqueName('nowhere')}`;
    const credentials = await assumeRole(account.endpoint, nowhere, 'admin');
    const clients = new AwsClients({
      endpoint: account.endpoint,
      credentials,
      defaultRegion: 'us-east-1',
    });
    // Administrators may do anything their account's resource policies allow.
    await makeRole(
      { ...account, admin: { arn: '', credentials, clients } },
      uniqueName('made-by-admin'),
    );
    const target = await makeRole(account, uniqueName('target'));
    await expectAwsError(
      assumeRole(account.endpoint, target, 'root', ROOT_CREDENTIALS),
      denied('arn:aws:iam::123456789012:root', target),
    );
  });
});
