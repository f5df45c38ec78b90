// key.policy: the key-policy statements Seawall owns (Sid "Seawall..."), compared as
// JSON semantics. The account-root statement is always among them, so no change Seawall
// makes can lock the account out of its key; other statements are kept as they are.
import { GetKeyPolicyCommand, type KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';
import { diffOwnedStatements, mergeOwnedStatements } from '../iam/owned-statements.ts';
import {
  POLICY_VERSION,
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
  renderPolicy,
} from '../iam/policy-document.ts';

export interface KeyPolicyContext {
  kms: KMSClient;
  keyId: string;
  keyArn: string;
  accountId: string;
  partition?: string;
  /** Statements beyond the account-root one (e.g. a replication role's grant). */
  grants: PolicyStatement[];
}

export interface KeyPolicyState {
  document: PolicyDocument | undefined;
}

export interface KeyPolicyDesired {
  statements: PolicyStatement[];
}

/** Lets IAM policies of the account grant use of the key: the statement AWS's default policy has. */
export function accountRootStatement(accountId: string, partition = 'aws'): PolicyStatement {
  return {
    Sid: 'SeawallAccountRoot',
    Effect: 'Allow',
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

export function desiredKeyPolicy(
  ctx: Pick<KeyPolicyContext, 'accountId' | 'partition' | 'grants'>,
): KeyPolicyDesired {
  return { statements: [accountRootStatement(ctx.accountId, ctx.partition), ...ctx.grants] };
}

export function diffKeyPolicy(desired: KeyPolicyDesired, observed: KeyPolicyState): FieldDiff[] {
  return diffOwnedStatements(desired.statements, observed.document);
}

export function mergeKeyPolicy(
  observed: PolicyDocument | undefined,
  statements: PolicyStatement[],
): PolicyDocument {
  // Ours first: the account-root statement leads, as in the policy KMS makes by default.
  // Never empty: the account-root statement is always ours.
  return (
    mergeOwnedStatements(observed, statements, { ours: 'first' }) ?? {
      Version: POLICY_VERSION,
      Statement: statements,
    }
  );
}

export const keyPolicyFacet: Facet<KeyPolicyContext, KeyPolicyState, KeyPolicyDesired> = {
  name: 'key.policy',
  calls: ['kms:GetKeyPolicy', 'kms:PutKeyPolicy'],
  resource: (ctx) => ctx.keyArn,
  async observe(ctx) {
    try {
      const out = await ctx.kms.send(
        new GetKeyPolicyCommand({ KeyId: ctx.keyId, PolicyName: 'default' }),
      );
      return { document: parsePolicy(out.Policy) };
    } catch (error) {
      if (isAwsError(error, 'NotFoundException')) return { document: undefined };
      throw error;
    }
  },
  desired: desiredKeyPolicy,
  diff: diffKeyPolicy,
  async apply(ctx, desired, observed) {
    await ctx.kms.send(
      new PutKeyPolicyCommand({
        KeyId: ctx.keyId,
        PolicyName: 'default',
        Policy: renderPolicy(mergeKeyPolicy(observed.document, desired.statements)),
      }),
    );
  },
};
