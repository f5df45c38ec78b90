// Shared by the strict local AWS's rule tests: roles made by the account's person, sessions
// of them, and one assertion for AWS errors as the SDK surfaces them.
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { expect } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.ts';
import { assumeRole, type Identity, type TestAccount } from '../../harness/aws.ts';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function policy(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function trustedBy(...services: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: services.map((service) => ({
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
    })),
  });
}

export function trustedByAccount(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  });
}

/** The statement AWS's default key policy has: IAM policies of the account decide. */
export function rootStatement(accountId: string): Statement {
  return {
    Sid: 'AccountRoot',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

/**
 * A role the person made (long ago, unless `settle` is false: then it is brand new and
 * inside its propagation window). Returns its ARN.
 */
export async function makeRole(
  account: TestAccount,
  name: string,
  options: { trust?: string; policy?: string; path?: string; settle?: boolean } = {},
): Promise<string> {
  const iam = account.admin.clients.iam();
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: options.path ?? '/',
      AssumeRolePolicyDocument: options.trust ?? trustedByAccount(account.accountId),
    }),
  );
  if (options.policy) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: name,
        PolicyDocument: options.policy,
      }),
    );
  }
  if (options.settle !== false) await account.strict.settle(account.accountId);
  return Role?.Arn ?? '';
}

/**
 * A session of a role, asked for by the account's person (the role must trust the account),
 * with clients that do not retry (a refusal is final).
 */
export async function sessionOf(account: TestAccount, roleArn: string): Promise<Identity> {
  const credentials = await assumeRole(
    account.endpoint,
    roleArn,
    'rule-test',
    account.admin.credentials,
  );
  const name = roleArn.split('/').pop() ?? '';
  return {
    arn: `arn:aws:sts::${account.accountId}:assumed-role/${name}/rule-test`,
    credentials,
    clients: new AwsClients({
      endpoint: account.endpoint,
      credentials,
      defaultRegion: 'us-east-1',
      maxAttempts: 1,
    }),
  };
}

/** A role with `statements` as its only policy, and a session of it. */
export async function roleSession(
  account: TestAccount,
  name: string,
  ...statements: Statement[]
): Promise<Identity> {
  return sessionOf(account, await makeRole(account, name, { policy: policy(...statements) }));
}

export interface ExpectedError {
  /** The error code; none for a HEAD request (S3 answers those without a body). */
  code?: string;
  /** The whole message, or a pattern it must match. */
  message?: string | RegExp;
  status?: number;
}

/** The call fails with AWS's code, message and HTTP status, as the SDK reports them. */
export async function expectAwsError(call: Promise<unknown>, expected: ExpectedError) {
  const error = await call.then(
    () => undefined,
    (e: unknown) =>
      e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } },
  );
  expect(
    error,
    `expected ${expected.code ?? expected.status}, but the call succeeded`,
  ).toBeDefined();
  if (expected.code !== undefined) expect(error?.name).toBe(expected.code);
  if (typeof expected.message === 'string') expect(error?.message).toBe(expected.message);
  if (expected.message instanceof RegExp) expect(error?.message).toMatch(expected.message);
  if (expected.status !== undefined) expect(error?.$metadata?.httpStatusCode).toBe(expected.status);
  return error;
}

/** AWS's identity-policy denial message. */
export function notAuthorized(
  callerArn: string,
  action: string,
  resource: string,
  why = `because no identity-based policy allows the ${action} action`,
): string {
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
