// Ownership of AWS resources: every resource Seawall creates carries the owner tag
// `seawall.dev/owner: <namespace>/<kind>/<name>`. Seawall never changes an existing
// resource it does not own, unless the spec adopts it. Shared by every kind, so it knows
// nothing about any of them: callers pass the owner string and the resource's tags.
import { OWNER_TAG } from '../api/common.ts';
import { StalledError } from '../runtime/errors.ts';
import type { FieldDiff } from './facet.ts';

export { OWNER_TAG };

/** Tags as one map, whatever the service's list shape (S3/IAM Key/Value, KMS TagKey/TagValue). */
export type TagMap = Record<string, string>;

export interface OwnerRef {
  namespace?: string | undefined;
  kind: string;
  name?: string | undefined;
}

/** The owner tag's value for an object: `<namespace>/<kind>/<name>`. */
export function ownerValue(ref: OwnerRef): string {
  return `${ref.namespace ?? ''}/${ref.kind}/${ref.name ?? ''}`;
}

export function tagsFromKeyValue(list: { Key?: string; Value?: string }[] | undefined): TagMap {
  const tags: TagMap = {};
  for (const t of list ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return tags;
}

export function tagsToKeyValue(tags: TagMap): { Key: string; Value: string }[] {
  return Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([Key, Value]) => ({ Key, Value }));
}

export function tagsFromKms(list: { TagKey?: string; TagValue?: string }[] | undefined): TagMap {
  const tags: TagMap = {};
  for (const t of list ?? []) if (t.TagKey !== undefined) tags[t.TagKey] = t.TagValue ?? '';
  return tags;
}

export function tagsToKms(tags: TagMap): { TagKey: string; TagValue: string }[] {
  return Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

/** The desired tag set: the spec's tags plus the owner tag (which always wins). */
export function withOwnerTag(tags: TagMap | undefined, owner: string): TagMap {
  return { ...(tags ?? {}), [OWNER_TAG]: owner };
}

export type Ownership =
  /** Carries our owner tag. */
  | 'owned'
  /** No owner tag: made by a person or another tool. */
  | 'unowned'
  /** Owned by another Seawall resource. */
  | 'other-owner';

export function ownershipOf(tags: TagMap | undefined, owner: string): Ownership {
  const found = tags?.[OWNER_TAG];
  if (found === undefined) return 'unowned';
  return found === owner ? 'owned' : 'other-owner';
}

export interface OwnershipCheck {
  /** What the resource is, for the message: `bucket "raw-data"`, `KMS alias alias/x`. */
  what: string;
  tags: TagMap | undefined;
  owner: string;
  /** spec.adoptExisting: take over an unowned resource (never one owned by another Seawall resource). */
  adopt: boolean;
  /**
   * What to do about an unowned resource, for a kind without spec.adoptExisting (default:
   * set adoptExisting or choose another name).
   */
  remedy?: string | undefined;
}

/**
 * ADR 5, in one place: a resource is ours (its owner tag, or status records it), may be
 * adopted (no owner tag, and the spec says adoptExisting), or the object stalls — NotOwned
 * (made by a person or another tool) or OwnedByAnother (another Seawall object's; never
 * adopted: two owners of one AWS field would fight).
 */
export function decideOwnership(check: OwnershipCheck & { recorded?: boolean }): 'ours' | 'adopt' {
  if (check.recorded) return 'ours';
  return assertOwnedOrAdoptable(check) ? 'adopt' : 'ours';
}

/**
 * Throws StalledError unless the resource is ours or may be adopted. A resource owned by
 * another Seawall resource is never adopted: two owners of one AWS field would fight.
 * Returns true when the resource is being adopted (its tags must be written).
 */
export function assertOwnedOrAdoptable(check: OwnershipCheck): boolean {
  const ownership = ownershipOf(check.tags, check.owner);
  if (ownership === 'owned') return false;
  if (ownership === 'other-owner') {
    throw new StalledError(
      'OwnedByAnother',
      `${check.what} already exists and belongs to ${check.tags?.[OWNER_TAG]}; Seawall left it untouched`,
    );
  }
  if (check.adopt) return true;
  throw new StalledError(
    'NotOwned',
    `${check.what} already exists and was not created by Seawall (no ${OWNER_TAG} tag); it was left untouched. ${check.remedy ?? 'Set spec.adoptExisting: true to take it over, or choose another name'}`,
  );
}

// The one diff every tags facet uses (S3, KMS, IAM): one field per tag key, `aws:` tags
// ignored (AWS sets them; nobody else can).

export function diffTags(desired: TagMap, observed: TagMap): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const keys = new Set([...Object.keys(desired), ...Object.keys(observed)]);
  for (const key of [...keys].sort()) {
    if (key.startsWith('aws:')) continue;
    if (desired[key] !== observed[key]) {
      diffs.push({ field: `tag:${key}`, expected: desired[key], observed: observed[key] });
    }
  }
  return diffs;
}

/** Keys to remove and tags to set so that `observed` becomes `desired`. */
export function tagChanges(desired: TagMap, observed: TagMap): { set: TagMap; remove: string[] } {
  const set: TagMap = {};
  for (const [k, v] of Object.entries(desired)) if (observed[k] !== v) set[k] = v;
  const remove = Object.keys(observed).filter((k) => !(k in desired) && !k.startsWith('aws:'));
  return { set, remove };
}
