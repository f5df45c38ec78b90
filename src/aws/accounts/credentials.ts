// Credentials in another AWS account: an STS AssumeRole session of the account's role,
// asked for with the operator's own identity (IRSA / Pod Identity) and kept until shortly
// before it expires. One provider per AwsAccount; every SDK client of that account's
// AwsClients calls it before each request, so it must be cheap when the session is fresh
// and must never ask STS twice at once.
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface AssumeRoleTarget {
  roleArn: string;
  externalId?: string | undefined;
  /** RoleSessionName: `seawall-<account name>`, so CloudTrail in the target says who. */
  sessionName: string;
  /** Session length (default one hour, the role's default MaxSessionDuration). */
  durationSeconds?: number;
}

/** Renew this long before expiry: a call signed at 59:59 must not arrive expired. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** The AWS limit of RoleSessionName: 2-64 of [\w+=,.@-]. */
export function sessionNameFor(accountName: string): string {
  return `seawall-${accountName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export interface AssumedRoleProvider extends AwsCredentialIdentityProvider {
  /** How many sessions were asked for (for tests and the sizing numbers). */
  readonly sessions: () => number;
}

export function assumedRoleCredentials(
  sts: () => STSClient,
  target: AssumeRoleTarget,
  now: () => number = Date.now,
): AssumedRoleProvider {
  let current: AwsCredentialIdentity | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  let count = 0;
  const fresh = () =>
    current?.expiration !== undefined &&
    current.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS > now();
  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (current && fresh()) return current;
    inFlight ??= (async () => {
      try {
        count += 1;
        const out = await sts().send(
          new AssumeRoleCommand({
            RoleArn: target.roleArn,
            RoleSessionName: target.sessionName,
            DurationSeconds: target.durationSeconds ?? 3600,
            ...(target.externalId ? { ExternalId: target.externalId } : {}),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) {
          throw new Error(`STS returned no credentials for ${target.roleArn}`);
        }
        current = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
          // No expiration given: treat the session as good for its asked duration.
          expiration: c.Expiration ?? new Date(now() + (target.durationSeconds ?? 3600) * 1000),
        };
        return current;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  return Object.assign(provider, { sessions: () => count });
}
