// AWS helpers for integration tests: each test file gets its own moto account (its own
// IAM, KMS, S3 ownership ...) by assuming a role in a random account id, which moto
// honours. Bucket names are global in S3, so tests still pick unique names.
import { randomInt } from 'node:crypto';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { CallLog } from '../../src/aws/calls.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { stackInfo } from './kube.ts';

export const ROOT_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

export interface TestAccount {
  accountId: string;
  endpoint: string;
  credentials: AwsCredentialIdentity;
  clients: AwsClients;
}

export async function isolatedAccount(): Promise<TestAccount> {
  const endpoint = stackInfo().motoEndpoint;
  const accountId = String(randomInt(100_000_000_000, 999_999_999_999));
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: ROOT_CREDENTIALS });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/seawall-test`,
      RoleSessionName: 'seawall-test',
    }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
    throw new Error('moto returned no credentials');
  const credentials: AwsCredentialIdentity = {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
  };
  return {
    accountId,
    endpoint,
    credentials,
    clients: new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1' }),
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
