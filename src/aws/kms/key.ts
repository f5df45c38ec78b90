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
import {
  assertOwnedOrAdoptable,
  OWNER_TAG,
  ownershipOf,
  ResourceMissingError,
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

export interface EnsureKeyOptions {
  description: string;
  /** The spec's tags (the owner and alias tags are added). */
  tags?: TagMap | undefined;
  adopt: boolean;
  /** The key's ARN as last recorded in status: spares the search when the alias is gone. */
  knownKeyArn?: string | undefined;
  /**
   * The known key was created moments ago (a journalled create): when KMS does not show
   * it yet, wait for it (it is propagating) instead of taking it for gone.
   */
  knownKeyCreatedAt?: Date | undefined;
  /** How long a key of ours may stay invisible before it is taken for gone (default 5 min). */
  propagationBoundMs?: number;
  /** false: never create a key or an alias (drift check under Report, plan); default true. */
  mayCreate?: boolean;
  /**
   * A create of this key was journalled and its id never recorded (a crash, or a failure
   * right after CreateKey): the key may exist without its alias, so look for it by its
   * tags before creating one.
   */
  interrupted?: boolean;
  /** The create journal: persist the intent before CreateKey, record the id after it. */
  journal?: {
    beforeCreate(): Promise<void>;
    created(keyArn: string): void;
  };
}

export interface EnsuredKey {
  metadata: KeyMetadata & { KeyId: string; Arn: string };
  /** The key's tags as read (or as created). */
  tags: TagMap;
  /** Where the alias pointed (undefined: the alias does not exist). */
  aliasTarget: string | undefined;
  created: boolean;
  /** An existing key taken over (spec.adoptExisting): its tags are about to be replaced. */
  adopted?: boolean;
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
 * Returns the key for this target, creating it (tagged, then aliased) only when neither
 * the alias, nor the key recorded in status, nor a tagged key without an alias exists.
 * An alias that points at a key Seawall does not own stalls (unless adopted).
 */
export async function ensureKey(target: KeyTarget, options: EnsureKeyOptions): Promise<EnsuredKey> {
  const byAlias = await describe(target.kms, target.alias);
  const aliasTarget = byAlias?.KeyId;
  // Steady state: the alias points at the key we recorded — one DescribeKey serves both.
  if (byAlias && (!options.knownKeyArn || byAlias.Arn === options.knownKeyArn)) {
    const tags = await readKeyTags(target.kms, byAlias.KeyId);
    const adopted = options.knownKeyArn
      ? false
      : assertOwnedOrAdoptable({
          what: `KMS alias ${target.alias} (key ${byAlias.KeyId})`,
          tags,
          owner: target.owner,
          adopt: options.adopt,
        });
    if (byAlias.KeyManager === 'AWS') {
      throw new StalledError('NotOwned', `KMS alias ${target.alias} names an AWS managed key`);
    }
    return { metadata: byAlias, tags, aliasTarget, created: false, adopted };
  }
  // The alias is gone or repointed: our recorded key is still the key (the alias facet
  // puts the alias back).
  if (options.knownKeyArn) {
    const known = await describe(target.kms, options.knownKeyArn);
    if (known) {
      const tags = await readKeyTags(target.kms, known.KeyId);
      return { metadata: known, tags, aliasTarget, created: false };
    }
    const createdAt = options.knownKeyCreatedAt;
    const bound = options.propagationBoundMs ?? KEY_PROPAGATION_BOUND_MS;
    if (createdAt && Date.now() - createdAt.getTime() < bound) {
      // Created by us moments ago and not visible yet: another CreateKey would make a
      // second key for the same purpose.
      throw new AwaitingPropagationError(
        `new KMS key ${options.knownKeyArn} (for ${target.alias})`,
        `DescribeKey: key ${options.knownKeyArn} is not visible yet`,
        { since: createdAt, stallReason: 'KeyNotFound' },
      );
    }
  }
  if (byAlias) {
    // Alias exists, points elsewhere, and our recorded key is gone: treat as a new find.
    const tags = await readKeyTags(target.kms, byAlias.KeyId);
    const adopted = assertOwnedOrAdoptable({
      what: `KMS alias ${target.alias} (key ${byAlias.KeyId})`,
      tags,
      owner: target.owner,
      adopt: options.adopt,
    });
    return { metadata: byAlias, tags, aliasTarget, created: false, adopted };
  }
  if (options.mayCreate === false) throw new ResourceMissingError(`KMS alias ${target.alias}`);
  if (options.interrupted) {
    const orphan = await findKeyByOwnerTags(target);
    if (orphan) {
      options.journal?.created(orphan.Arn);
      await createAlias(target, orphan.KeyId, orphan.CreationDate);
      const tags = cacheFor(target.kms).get(orphan.KeyId) ?? {};
      return { metadata: orphan, tags, aliasTarget: orphan.KeyId, created: false };
    }
  }
  await options.journal?.beforeCreate();
  const tags = keyTags(options.tags, target.owner, target.alias);
  const created = await target.kms.send(
    new CreateKeyCommand({
      Description: options.description,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      Tags: tagsToKms(tags),
    }),
  );
  const meta = created.KeyMetadata;
  if (!meta?.KeyId || !meta.Arn) throw new Error('CreateKey returned no key id');
  cacheFor(target.kms).set(meta.KeyId, tags);
  options.journal?.created(meta.Arn);
  await createAlias(target, meta.KeyId, meta.CreationDate);
  return {
    metadata: meta as KeyMetadata & { KeyId: string; Arn: string },
    tags,
    aliasTarget: meta.KeyId,
    created: true,
  };
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
