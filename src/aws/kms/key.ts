// A customer-managed KMS key found or created by alias. CreateKey is not idempotent: a
// crash between CreateKey and CreateAlias would leave a key nobody can find by alias, and
// a naive retry would make a second one. So every key is created with the owner tag and
// the alias it is meant for (KEY_ALIAS_TAG), the caller journals the create before the
// call (status.pendingCreations) and records the key id as soon as the call returns; the
// account's keys are searched by those tags only when a journalled create was
// interrupted before its id was recorded — restarts cost what was interrupted, not a
// read of every key in the region.
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  type KeyMetadata,
  type KMSClient,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { AwaitingPropagationError, StalledError } from '../../runtime/errors.ts';
import { isAwsError, propagationShapeOf } from '../errors.ts';
import type { ManagedResource } from '../lifecycle.ts';
import {
  OWNER_TAG,
  ownershipOf,
  type TagMap,
  tagsFromKms,
  tagsToKms,
  withOwnerTag,
} from '../ownership.ts';

/** The alias a key was created for: lets a retry find a key whose alias was never made. */
export const KEY_ALIAS_TAG = 'seawall.dev/alias';

/** Which key a facet works on. Kind-agnostic: ProtectedBucket and CostMonitor share it. */
export interface KeyTarget {
  kms: KMSClient;
  region: string;
  /** alias/...: how the key is found. */
  alias: string;
  owner: string;
}

/** Which key, and what the journal and status know about it. */
export interface KeyRef extends KeyTarget {
  description: string;
  /** The key's ARN as recorded in status (or by an interrupted create's journal entry). */
  knownKeyArn?: string | undefined;
  /**
   * The known key was created moments ago (a journalled create): when KMS does not show
   * it yet, wait for it (it is propagating) instead of taking it for gone.
   */
  knownKeyCreatedAt?: Date | undefined;
  /** How long a key of ours may stay invisible before it is taken for gone (default 5 min). */
  propagationBoundMs?: number | undefined;
  /**
   * A create of this key was journalled and its id never recorded (a crash, or a failure
   * right after CreateKey): the key may exist without its alias, so look for it by its
   * tags before creating one.
   */
  interrupted?: boolean | undefined;
}

export interface FoundKey {
  metadata: KeyMetadata & { KeyId: string; Arn: string };
  /** The key's tags as read (or as created). */
  tags: TagMap;
  /** Where the alias pointed (undefined: the alias does not exist). */
  aliasTarget: string | undefined;
}

export function keyTags(tags: TagMap | undefined, owner: string, alias: string): TagMap {
  return { ...withOwnerTag(tags, owner), [KEY_ALIAS_TAG]: alias };
}

/** How long a key created by us may stay invisible before it is taken for gone. */
export const KEY_PROPAGATION_BOUND_MS = 5 * 60_000;

/** Key ids whose tags this process has read: a key's owner never changes behind our back. */
const tagCache = new WeakMap<KMSClient, Map<string, TagMap>>();

function cacheFor(kms: KMSClient): Map<string, TagMap> {
  let cache = tagCache.get(kms);
  if (!cache) {
    cache = new Map();
    tagCache.set(kms, cache);
  }
  return cache;
}

async function describe(
  kms: KMSClient,
  keyId: string,
): Promise<(KeyMetadata & { KeyId: string; Arn: string }) | undefined> {
  try {
    const out = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const meta = out.KeyMetadata;
    if (!meta?.KeyId || !meta.Arn) return undefined;
    return meta as KeyMetadata & { KeyId: string; Arn: string };
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) return undefined;
    throw error;
  }
}

export async function readKeyTags(kms: KMSClient, keyId: string): Promise<TagMap> {
  const tags: TagMap = {};
  let marker: string | undefined;
  do {
    const out = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Marker: marker }));
    Object.assign(tags, tagsFromKms(out.Tags));
    marker = out.Truncated ? out.NextMarker : undefined;
  } while (marker);
  cacheFor(kms).set(keyId, tags);
  return tags;
}

/**
 * Finds a key created for (owner, alias) whose alias was never made: the crash window
 * of CreateKey → CreateAlias. Keys scheduled for deletion are not reused.
 */
export async function findKeyByOwnerTags(
  target: KeyTarget,
): Promise<(KeyMetadata & { KeyId: string; Arn: string }) | undefined> {
  const cache = cacheFor(target.kms);
  let marker: string | undefined;
  do {
    const out = await target.kms.send(new ListKeysCommand({ Marker: marker, Limit: 1000 }));
    for (const entry of out.Keys ?? []) {
      if (!entry.KeyId) continue;
      let tags = cache.get(entry.KeyId);
      if (!tags) {
        try {
          tags = await readKeyTags(target.kms, entry.KeyId);
        } catch (error) {
          // AWS managed keys and keys of other principals: not ours, not readable.
          if (isAwsError(error, 'AccessDeniedException')) continue;
          // Listed but not yet visible: a key created moments ago — perhaps the very one
          // being looked for. Skipping it would make a second key.
          if (isAwsError(error, 'NotFoundException')) {
            throw new AwaitingPropagationError(
              `KMS key ${entry.KeyId} (created moments ago; it may be the key for ${target.alias})`,
              `NotFoundException: key ${entry.KeyId} is listed but not yet readable`,
              { stallReason: 'KeyNotFound', cause: error },
            );
          }
          throw error;
        }
      }
      if (tags[OWNER_TAG] !== target.owner || tags[KEY_ALIAS_TAG] !== target.alias) continue;
      const meta = await describe(target.kms, entry.KeyId);
      if (meta && meta.KeyState !== 'PendingDeletion') return meta;
    }
    marker = out.Truncated ? out.NextMarker : undefined;
  } while (marker);
  return undefined;
}

/**
 * A customer-managed key as a managed resource, found by its alias, or by the ARN status
 * recorded when the alias is gone or repointed (the alias facet puts it back). Created
 * tagged, then aliased; after an interrupted create the key without an alias is looked
 * for first. Never deleted outright: see scheduleOwnedKeyDeletion.
 */
export const kmsKey: ManagedResource<KeyRef, FoundKey> = {
  type: 'KMS key',
  facetName: 'key',
  calls: [
    'kms:DescribeKey',
    'kms:ListResourceTags',
    'kms:ListKeys',
    'kms:CreateKey',
    'kms:CreateAlias',
  ],
  identify: (ref) => `KMS key for ${ref.alias} in ${ref.region}`,
  resourceName: (ref, found) => found?.metadata.Arn ?? `${ref.alias} (${ref.region})`,
  read: readKey,
  tagsOf: (found) => found.tags,
  recorded: (ref, found) => ref.knownKeyArn !== undefined && found.metadata.Arn === ref.knownKeyArn,
  async create(ref, tags, journal) {
    if (ref.interrupted) {
      const orphan = await findKeyByOwnerTags(ref);
      if (orphan) {
        journal?.created(orphan.Arn);
        await createAlias(ref, orphan.KeyId, orphan.CreationDate);
        const found = cacheFor(ref.kms).get(orphan.KeyId) ?? {};
        return { metadata: orphan, tags: found, aliasTarget: orphan.KeyId };
      }
    }
    await journal?.beforeCreate();
    const created = await ref.kms.send(
      new CreateKeyCommand({
        Description: ref.description,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        Tags: tagsToKms(tags),
      }),
    );
    const meta = created.KeyMetadata;
    if (!meta?.KeyId || !meta.Arn) throw new Error('CreateKey returned no key id');
    cacheFor(ref.kms).set(meta.KeyId, tags);
    journal?.created(meta.Arn);
    await createAlias(ref, meta.KeyId, meta.CreationDate);
    return {
      metadata: meta as KeyMetadata & { KeyId: string; Arn: string },
      tags,
      aliasTarget: meta.KeyId,
    };
  },
  planned: (ref, tags) => ({
    alias: ref.alias,
    region: ref.region,
    keySpec: 'SYMMETRIC_DEFAULT',
    description: ref.description,
    tags,
  }),
  placeholder: (ref) => ({
    metadata: {
      KeyId: `(new key for ${ref.alias})`,
      Arn: `(new KMS key for ${ref.alias} in ${ref.region})`,
      KeyState: 'Enabled',
    },
    tags: {},
    aliasTarget: undefined,
  }),
};

/** Reads the key by alias, or by the ARN status recorded; undefined when neither exists. */
async function readKey(ref: KeyRef): Promise<FoundKey | undefined> {
  const byAlias = await describe(ref.kms, ref.alias);
  const aliasTarget = byAlias?.KeyId;
  // Steady state: the alias points at the key we recorded — one DescribeKey serves both.
  if (byAlias && (!ref.knownKeyArn || byAlias.Arn === ref.knownKeyArn)) {
    if (byAlias.KeyManager === 'AWS') {
      throw new StalledError('NotOwned', `KMS alias ${ref.alias} names an AWS managed key`);
    }
    return { metadata: byAlias, tags: await readKeyTags(ref.kms, byAlias.KeyId), aliasTarget };
  }
  // The alias is gone or repointed: our recorded key is still the key (the alias facet
  // puts the alias back).
  if (ref.knownKeyArn) {
    const known = await describe(ref.kms, ref.knownKeyArn);
    if (known) {
      return { metadata: known, tags: await readKeyTags(ref.kms, known.KeyId), aliasTarget };
    }
    const createdAt = ref.knownKeyCreatedAt;
    const bound = ref.propagationBoundMs ?? KEY_PROPAGATION_BOUND_MS;
    if (createdAt && Date.now() - createdAt.getTime() < bound) {
      // Created by us moments ago and not visible yet: another CreateKey would make a
      // second key for the same purpose.
      throw new AwaitingPropagationError(
        `new KMS key ${ref.knownKeyArn} (for ${ref.alias})`,
        `DescribeKey: key ${ref.knownKeyArn} is not visible yet`,
        { since: createdAt, stallReason: 'KeyNotFound' },
      );
    }
  }
  // The alias points elsewhere and our recorded key is gone: the alias's key, whose
  // ownership the lifecycle decides by its tags.
  if (byAlias) {
    return { metadata: byAlias, tags: await readKeyTags(ref.kms, byAlias.KeyId), aliasTarget };
  }
  return undefined;
}

async function createAlias(
  target: KeyTarget,
  keyId: string,
  keyCreatedAt: Date | undefined,
): Promise<void> {
  try {
    await target.kms.send(new CreateAliasCommand({ AliasName: target.alias, TargetKeyId: keyId }));
  } catch (error) {
    // Made a moment ago by a retry of ours: the alias facet checks where it points.
    if (isAwsError(error, 'AlreadyExistsException')) return;
    const shape = propagationShapeOf(error);
    if (shape) {
      throw new AwaitingPropagationError(
        `new KMS key ${keyId} (for ${target.alias})`,
        `CreateAlias: ${(error as Error).message}`,
        { since: keyCreatedAt, stallReason: shape.stallReason, cause: error },
      );
    }
    throw error;
  }
}

/** An existing key given by ARN (spec keyArn): used, never changed. It must be usable. */
export async function requireUsableKey(
  kms: KMSClient,
  keyArn: string,
): Promise<KeyMetadata & { KeyId: string; Arn: string }> {
  const meta = await describe(kms, keyArn);
  if (!meta) throw new StalledError('KeyNotFound', `KMS key ${keyArn} does not exist`);
  if (meta.KeyState !== 'Enabled') {
    throw new StalledError('KeyNotUsable', `KMS key ${keyArn} is ${meta.KeyState}, not Enabled`);
  }
  return meta;
}

/** The maximum waiting period KMS allows: a mistaken deletion can be undone for a month. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** `arn:aws:kms:<region>:<account>:key/<id>` → `<id>`. */
export function keyIdOf(keyIdOrArn: string): string {
  return keyIdOrArn.startsWith('arn:') ? (keyIdOrArn.split('/').pop() ?? keyIdOrArn) : keyIdOrArn;
}

/**
 * Deletion of a key Seawall created: its alias goes and the key is scheduled for
 * deletion with the longest window — never deleted outright. A key without this owner's
 * tag, or already gone, is left alone; a key already pending deletion stays as it is.
 */
export async function scheduleOwnedKeyDeletion(
  kms: KMSClient,
  alias: string,
  knownArn: string | undefined,
  owner: string,
): Promise<void> {
  let keyId: string;
  let state: string | undefined;
  try {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: knownArn ?? alias }));
    if (!described.KeyMetadata?.KeyId) return;
    // The bare key id: moto answers some KMS calls given an ARN with a 500 (AWS takes both).
    keyId = keyIdOf(described.KeyMetadata.KeyId);
    state = described.KeyMetadata.KeyState;
    if (ownershipOf(await readKeyTags(kms, keyId), owner) !== 'owned') return;
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) return;
    throw error;
  }
  try {
    await kms.send(new DeleteAliasCommand({ AliasName: alias }));
  } catch (error) {
    if (!isAwsError(error, 'NotFoundException')) throw error;
  }
  if (state === 'PendingDeletion') return;
  try {
    await kms.send(
      new ScheduleKeyDeletionCommand({
        KeyId: keyId,
        PendingWindowInDays: KEY_DELETION_WINDOW_DAYS,
      }),
    );
  } catch (error) {
    // Scheduled meanwhile by an earlier, interrupted attempt.
    if (!isAwsError(error, 'KMSInvalidStateException', 'NotFoundException')) throw error;
  }
}
