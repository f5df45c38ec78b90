// The KMS key Seawall creates and keeps for a kind (a ProtectedBucket's bucket key, a
// CostMonitor's topic and trail keys): found by alias or by the ARN status recorded,
// created through the journal when the mode allows, then its chain — alias, tags, state,
// rotation. Its policy is a separate step (`keyPolicy`): the grants differ per kind and
// may name roles made after the key.
import type { KMSClient } from '@aws-sdk/client-kms';
import { type FacetChain, link } from '../../aws/chain.ts';
import type { PolicyStatement } from '../../aws/iam/policy-document.ts';
import { aliasFacet } from '../../aws/kms/alias.ts';
import { type FoundKey, type KeyRef, keyTags, kmsKey } from '../../aws/kms/key.ts';
import { keyPolicyFacet } from '../../aws/kms/key-policy.ts';
import { keyStateFacet } from '../../aws/kms/key-state.ts';
import { rotationFacet } from '../../aws/kms/rotation.ts';
import { keyTagsFacet } from '../../aws/kms/tags.ts';
import type { TagMap } from '../../aws/ownership.ts';
import type { ReconcileSteps } from '../steps.ts';

export interface ManagedKeyRequest {
  kms: KMSClient;
  region: string;
  alias: string;
  owner: string;
  description: string;
  /** The spec's tags (the owner and alias tags are added). */
  tags?: TagMap | undefined;
  adopt?: boolean;
  /** The key's ARN as status recorded it. */
  knownKeyArn?: string | undefined;
  rotation: { enabled: boolean; periodInDays: number };
}

/** A key as the later steps need it. */
export interface ManagedKey {
  arn: string;
  id: string;
  /** The key's account (its ARN's). */
  accountId: string;
  kms: KMSClient;
}

interface KeyChainInput {
  request: ManagedKeyRequest;
  key: FoundKey;
}

/** The facets of a managed key, in order. Tags first: the operator's IAM policy lets it
 * change only keys that carry the owner tag (an adopted key gets it here). */
export const managedKeyChain: FacetChain<KeyChainInput> = [
  link(keyTagsFacet, ({ request, key }) => ({
    kms: request.kms,
    keyId: key.metadata.KeyId,
    keyArn: key.metadata.Arn,
    alias: request.alias,
    owner: request.owner,
    tags: request.tags,
    knownTags: key.tags,
  })),
  link(aliasFacet, ({ request, key }) => ({
    kms: request.kms,
    alias: request.alias,
    keyArn: key.metadata.Arn,
    keyId: key.metadata.KeyId,
    observedTarget: key.aliasTarget,
  })),
  link(keyStateFacet, ({ request, key }) => ({
    kms: request.kms,
    keyId: key.metadata.KeyId,
    keyArn: key.metadata.Arn,
    observedState: key.metadata.KeyState,
  })),
  link(rotationFacet, ({ request, key }) => ({
    kms: request.kms,
    keyId: key.metadata.KeyId,
    keyArn: key.metadata.Arn,
    ...request.rotation,
  })),
];

/**
 * The key, there and ours, and its chain. A journalled create whose id was never recorded
 * (the process died between CreateKey and recording it) is the one case where the
 * region's key list is searched — for the key without its alias.
 */
export async function managedKey(
  steps: ReconcileSteps<unknown, unknown>,
  request: ManagedKeyRequest,
): Promise<ManagedKey> {
  const base: KeyRef = {
    kms: request.kms,
    region: request.region,
    alias: request.alias,
    owner: request.owner,
    description: request.description,
  };
  const pending = steps.pendingCreation(kmsKey.identify(base));
  const ref: KeyRef = {
    ...base,
    knownKeyArn: request.knownKeyArn ?? pending?.id,
    // Journalled moments ago: a key KMS does not show yet is propagating, not gone.
    ...(!request.knownKeyArn && pending?.id
      ? { knownKeyCreatedAt: new Date(pending.startedAt) }
      : {}),
    propagationBoundMs: steps.request.propagationTimeoutMs,
    interrupted: pending !== undefined && pending.id === undefined,
  };
  const ensured = await steps.ensure(kmsKey, ref, {
    owner: request.owner,
    tags: keyTags(request.tags, request.owner, request.alias),
    adopt: request.adopt === true,
    recorded: request.knownKeyArn !== undefined,
    journal: true,
  });
  await steps.chain(managedKeyChain, { request, key: ensured.found });
  // The caller records the ARN in status as soon as this returns; until then (a facet
  // above failing, e.g. a key not yet visible) the journal entry keeps the id.
  steps.recorded(kmsKey.identify(base));
  const { KeyId: id, Arn: arn } = ensured.found.metadata;
  return {
    arn,
    id,
    accountId: ensured.found.metadata.AWSAccountId ?? arn.split(':')[4] ?? '',
    kms: request.kms,
  };
}

/** The key's policy: the account-root statement and `grants` (Seawall's statements). */
export async function keyPolicy(
  steps: ReconcileSteps<unknown, unknown>,
  key: ManagedKey,
  grants: PolicyStatement[],
  account?: { accountId: string; partition: string },
): Promise<void> {
  await steps.facet(keyPolicyFacet, {
    kms: key.kms,
    keyId: key.id,
    keyArn: key.arn,
    accountId: account?.accountId ?? key.accountId,
    ...(account ? { partition: account.partition } : {}),
    grants,
  });
}
