// AWS helpers for integration tests. Each test file gets its own account on the strict
// local AWS (docs/local-aws.md) with two identities in it:
// - `admin`, the person: a session of a role that does not exist in the account, which
//   the strict layer treats as the account's administrator (bucket and key policies still
//   apply). Tests set up data, make hand-made drift and inspect with it.
// - `operator`, what Seawall runs as: the role `seawall-operator`, created in the account
//   with exactly the policy `seawall iam-policy` prints (src/aws/iam-policy.generated.ts)
//   and assumed through STS. Reconcilers and operators under test get its clients.
// Bucket names are global in S3, so tests still pick unique names.
import { randomInt } from 'node:crypto';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DeleteObjectCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { CallLog } from '../../src/aws/calls.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { iamPolicy } from '../../src/aws/iam-policy.generated.ts';
import type { PolicyDocument } from '../../src/aws/iam-policy.ts';
import { stackInfo } from './kube.ts';
import { StrictAws } from './strict-aws.ts';

export const ROOT_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

export const OPERATOR_ROLE = 'seawall-operator';

export interface Identity {
  /** The session ARN AWS names in its errors. */
  arn: string;
  credentials: AwsCredentialIdentity;
  clients: AwsClients;
}

export interface TestAccount {
  accountId: string;
  endpoint: string;
  /** The person: set-up, hand-made drift, inspection. */
  admin: Identity;
  /** Seawall: the role holding exactly the generated IAM policy. */
  operator: Identity;
  /** The strict local AWS's control API. */
  strict: StrictAws;
}

export interface AccountOptions {
  /** Another endpoint (a proxy in front of the stack's AWS, another server). */
  endpoint?: string;
  /** The operator role's policy (default: the generated one). */
  operatorPolicy?: PolicyDocument;
  /** The account id (default: a random one). */
  accountId?: string;
}

function credentialsOf(out: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string };
}): AwsCredentialIdentity {
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS returned no credentials');
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
  };
}

/**
 * A session of `roleArn`, asked for with `credentials` (default: the emulator's root keys).
 * The strict local AWS evaluates the trust policy of a role that exists (and the caller's
 * sts:AssumeRole); a role that does not exist gives a session that acts as its account's
 * administrator (docs/local-aws.md).
 */
export async function assumeRole(
  endpoint: string,
  roleArn: string,
  session: string,
  credentials: AwsCredentialIdentity = ROOT_CREDENTIALS,
  extra: { externalId?: string } = {},
): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  return credentialsOf(
    await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: session,
        ...(extra.externalId ? { ExternalId: extra.externalId } : {}),
      }),
    ),
  );
}

function identity(endpoint: string, arn: string, credentials: AwsCredentialIdentity): Identity {
  return {
    arn,
    credentials,
    clients: new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1' }),
  };
}

export async function isolatedAccount(options: AccountOptions = {}): Promise<TestAccount> {
  const endpoint = options.endpoint ?? stackInfo().awsEndpoint;
  const accountId = options.accountId ?? String(randomInt(100_000_000_000, 999_999_999_999));
  const strict = new StrictAws(endpoint);
  const adminCredentials = await assumeRole(
    endpoint,
    `arn:aws:iam::${accountId}:role/seawall-test`,
    'seawall-test',
  );
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: adminCredentials });
  await iam.send(
    new CreateRoleCommand({
      RoleName: OPERATOR_ROLE,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${accountId}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: OPERATOR_ROLE,
      PolicyName: OPERATOR_ROLE,
      PolicyDocument: JSON.stringify(options.operatorPolicy ?? iamPolicy),
    }),
  );
  // The operator's role was set up long before Seawall runs: its propagation is over.
  await strict.settle(accountId);
  // Its trust policy names the account: a principal of the account (the person) may
  // assume it.
  const operatorCredentials = await assumeRole(
    endpoint,
    `arn:aws:iam::${accountId}:role/${OPERATOR_ROLE}`,
    'seawall',
    adminCredentials,
  );
  return {
    accountId,
    endpoint,
    admin: identity(
      endpoint,
      `arn:aws:sts::${accountId}:assumed-role/seawall-test/seawall-test`,
      adminCredentials,
    ),
    operator: identity(
      endpoint,
      `arn:aws:sts::${accountId}:assumed-role/${OPERATOR_ROLE}/seawall`,
      operatorCredentials,
    ),
    strict,
  };
}

/** Read calls in the log, counted by `service:operation`. */
export function readsByOperation(log: CallLog): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of log.reads()) {
    const key = `${call.service}:${call.operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Deletes every version and delete marker in a bucket, as a person emptying it would. */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const all = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])];
    if (all.length === 0) return removed;
    for (const v of all) {
      await s3.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }),
      );
      removed++;
    }
  }
}
