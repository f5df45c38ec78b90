// A customer-managed KMS key a CostMonitor creates for one AWS service (an SNS topic, the
// CloudTrail trail): found by its alias, tagged with its owner, its whole key policy owned
// by Seawall, rotation on. Services need different policy statements (CloudWatch must
// encrypt for a topic, CloudTrail for one trail), so the policy is a parameter.
//
// TODO(kms): when src/aws/kms/ (ProtectedBucket's key facets) accepts a caller's policy,
// fold this into it; until then it stays here so the two kinds do not edit each other.
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { OWNER_TAG } from '../../api/common.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { isAwsError } from '../../aws/errors.ts';
import { diffFields, type Facet, type FieldDiff } from '../../aws/facet.ts';
import { StalledError } from '../../runtime/errors.ts';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: '*' | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The statement every key needs so the account (IAM) can manage it at all. */
export function accountRootStatement(partition: string, accountId: string): PolicyStatement {
  return {
    Sid: 'EnableIAMPolicies',
    Effect: 'Allow',
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

export interface OwnedKeyCtx {
  clients: AwsClients;
  region: string;
  alias: string;
  owner: string;
  description: string;
  policy: PolicyDocument;
  /** Filled by observe or apply: the key ARN later steps refer to. */
  resolved: { keyArn?: string };
}

export interface ObservedKey {
  keyId?: string;
  arn?: string;
  state?: string;
  policy?: unknown;
  rotation?: boolean;
}

export interface DesiredKey {
  Policy: PolicyDocument;
  KeyRotationEnabled: boolean;
  KeyState: 'Enabled';
}

/** Pure: what differs between the key's policy, rotation and state and what we want. */
export function diffOwnedKey(desired: DesiredKey, observed: ObservedKey): FieldDiff[] {
  if (!observed.keyId) return [{ field: 'Key', expected: 'created', observed: undefined }];
  return diffFields(desired, {
    Policy: observed.policy as PolicyDocument,
    KeyRotationEnabled: observed.rotation ?? false,
    KeyState: observed.state as 'Enabled',
  });
}

/** `name` says whose key it is in drift items, e.g. topic.key or trail.key. */
export function ownedKeyFacet(name: string): Facet<OwnedKeyCtx, ObservedKey, DesiredKey> {
  return { ...ownedKeyFacetBody, name };
}

const ownedKeyFacetBody: Omit<Facet<OwnedKeyCtx, ObservedKey, DesiredKey>, 'name'> = {
  resource: (ctx) => ctx.resolved.keyArn ?? `kms:${ctx.region}:${ctx.alias}`,
  async observe(ctx) {
    const kms = ctx.clients.kms(ctx.region);
    let meta: { KeyId?: string; Arn?: string; KeyState?: string } | undefined;
    try {
      meta = (await kms.send(new DescribeKeyCommand({ KeyId: ctx.alias }))).KeyMetadata;
    } catch (error) {
      if (isAwsError(error, 'NotFoundException')) return {};
      throw error;
    }
    if (!meta?.KeyId) return {};
    if (meta.Arn) ctx.resolved.keyArn = meta.Arn;
    const [policy, rotation] = await Promise.all([
      kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' })),
      kms.send(new GetKeyRotationStatusCommand({ KeyId: meta.KeyId })),
    ]);
    return {
      keyId: meta.KeyId,
      ...(meta.Arn ? { arn: meta.Arn } : {}),
      ...(meta.KeyState ? { state: meta.KeyState } : {}),
      policy: policy.Policy ? (JSON.parse(policy.Policy) as unknown) : undefined,
      rotation: rotation.KeyRotationEnabled ?? false,
    };
  },
  desired: (ctx) => ({ Policy: ctx.policy, KeyRotationEnabled: true, KeyState: 'Enabled' }),
  diff: diffOwnedKey,
  async apply(ctx, desired, observed) {
    const kms = ctx.clients.kms(ctx.region);
    if (!observed.keyId) {
      const created = await kms.send(
        new CreateKeyCommand({
          Description: ctx.description,
          Policy: JSON.stringify(desired.Policy),
          Tags: [{ TagKey: OWNER_TAG, TagValue: ctx.owner }],
        }),
      );
      const keyId = created.KeyMetadata?.KeyId;
      if (!keyId) throw new Error('CreateKey returned no key id');
      if (created.KeyMetadata?.Arn) ctx.resolved.keyArn = created.KeyMetadata.Arn;
      await kms.send(new CreateAliasCommand({ AliasName: ctx.alias, TargetKeyId: keyId }));
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
      return;
    }
    const keyId = observed.keyId;
    await assertKeyOwned(ctx, keyId);
    if (observed.state === 'PendingDeletion') {
      // Our own key, scheduled for deletion by an earlier clean-up: take it back.
      await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
      await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    } else if (observed.state === 'Disabled') {
      await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    }
    if (diffFields({ Policy: desired.Policy }, { Policy: observed.policy }).length > 0) {
      await kms.send(
        new PutKeyPolicyCommand({
          KeyId: keyId,
          PolicyName: 'default',
          Policy: JSON.stringify(desired.Policy),
        }),
      );
    }
    if (!observed.rotation) await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  },
};

export async function keyOwner(
  clients: AwsClients,
  region: string,
  keyId: string,
): Promise<string | undefined> {
  const tags = await clients.kms(region).send(new ListResourceTagsCommand({ KeyId: keyId }));
  return tags.Tags?.find((t) => t.TagKey === OWNER_TAG)?.TagValue;
}

async function assertKeyOwned(ctx: OwnedKeyCtx, keyId: string): Promise<void> {
  const owner = await keyOwner(ctx.clients, ctx.region, keyId);
  if (owner !== ctx.owner) {
    throw new StalledError(
      'NotOwned',
      `KMS key ${ctx.alias} in ${ctx.region} exists but is ${owner ? `owned by ${owner}` : 'not tagged as created by Seawall'}; Seawall will not change it. Delete the alias or pick another name.`,
    );
  }
}

/**
 * Deletion never destroys a key outright: the key is scheduled for deletion with the
 * maximum waiting period (30 days), and only when this owner created it.
 */
export async function scheduleOwnedKeyDeletion(
  clients: AwsClients,
  region: string,
  alias: string,
  owner: string,
): Promise<void> {
  const kms = clients.kms(region);
  let meta: { KeyId?: string; KeyState?: string } | undefined;
  try {
    meta = (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata;
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) return;
    throw error;
  }
  if (!meta?.KeyId || meta.KeyState === 'PendingDeletion') return;
  if ((await keyOwner(clients, region, meta.KeyId)) !== owner) return;
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 30 }));
}
