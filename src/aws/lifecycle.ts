// One lifecycle for every AWS resource Seawall manages: read it (found or not), decide
// whether it is Seawall's (ADR 5's three answers, here and nowhere else), create it when
// the mode allows — with the owner tag in the create call, and journalled first where a
// crash could otherwise leave it unrecognised — or say it is missing (a drift check) or
// planned (`seawall plan`); then the caller runs its facets. Deletion goes through here
// too: only what carries this owner's tag is deleted. Each kind of resource (bucket, key,
// role, topic, alarm, dashboard, trail, Glue job/workflow/trigger/crawler, script object)
// is one `ManagedResource`; what a kind does with it is in src/kinds.
import type { FacetMode } from '../runtime/mode.ts';
import { decideOwnership, ownershipOf, type TagMap } from './ownership.ts';

/** Persists the intent to create before the call, and the id AWS gave once it returned. */
export interface CreateJournal {
  beforeCreate(): Promise<void>;
  created(id: string): void;
}

export interface ManagedResource<Ref, Found> {
  /** What it is, for messages and `seawall plan`: `S3 bucket`, `KMS key`, `IAM role`. */
  readonly type: string;
  /** The prefix of its facets' names and drift items: `bucket`, `key`, `role`, `glue.job`. */
  readonly facetName: string;
  /** The SDK operations read, create and delete call (see Facet.calls). */
  readonly calls: readonly string[];
  /** Which one, in words: `S3 bucket raw-data in ca-central-1`. Also its journal key. */
  identify(ref: Ref): string;
  /** The name drift items and plan give it (an ARN, `s3://bucket`). */
  resourceName(ref: Ref, found?: Found): string;
  /** Read calls only; undefined when it does not exist. */
  read(ref: Ref): Promise<Found | undefined>;
  /** Its tags (where the owner tag lives), as read. */
  tagsOf(found: Found): TagMap;
  /** Status says this one is ours (found by the id it recorded): its tags are not asked. */
  recorded?(ref: Ref, found: Found): boolean;
  /** Reads an unowned resource must pass before it is adopted (a bucket in the wrong region). */
  beforeAdopt?(ref: Ref, found: Found): Promise<void>;
  /** Creates it carrying `tags` (the owner tag among them). */
  create(ref: Ref, tags: TagMap, journal: CreateJournal | undefined): Promise<Found>;
  /** What `seawall plan` says would be created: the create request's substance. */
  planned(ref: Ref, tags: TagMap): Record<string, unknown>;
  /**
   * What stands in for it in `seawall plan` while it does not exist: the later steps show
   * what they would do with it (`(new KMS key for alias/x)` as the bucket's key).
   */
  placeholder(ref: Ref): Found;
  /** Deletes it (read, and ours). Resources that are never deleted have none. */
  delete?(ref: Ref, found: Found): Promise<void>;
}

export interface LifecycleOptions {
  owner: string;
  /** The tags it is created with: the spec's and the owner tag. */
  tags: TagMap;
  mode: FacetMode;
  /** spec.adoptExisting: an unowned resource may be taken over. */
  adopt?: boolean;
  /** What the NotOwned message tells a person to do (a kind without adoptExisting). */
  remedy?: string;
  /** Recorded as ours by the caller (status, or a journalled create that was interrupted). */
  recorded?: boolean;
  /** Journal the create call (buckets, keys: see ADR 8). */
  journal?: CreateJournal;
}

/** What a read found, and what ownership says about it. */
export type Inspected<Found> =
  | { exists: true; found: Found; tags: TagMap; decision: 'ours' | 'adopt' }
  | { exists: false };

export type Ensured<Found> =
  /** Found and ours, or found and adopted (spec.adoptExisting). */
  | { state: 'existing' | 'adopted'; found: Found; tags: TagMap }
  /** Created now. */
  | { state: 'created'; found: Found; tags: TagMap }
  /** Missing, and the mode (a drift check) forbids creating it. */
  | { state: 'missing' }
  /** Missing; `seawall plan` lists it as a creation, and goes on with a placeholder. */
  | { state: 'planned'; found: Found; planned: Record<string, unknown>; tags: TagMap };

/** converge and correct may create what is missing; report and plan only say so. */
export function mayWrite(mode: FacetMode): boolean {
  return mode === 'converge' || mode === 'correct';
}

/**
 * Reads the resource and decides ownership, without writing: throws the StalledError of a
 * resource that is not ours (NotOwned, OwnedByAnother). Lets a kind check every name it
 * needs before it creates anything.
 */
export async function inspect<Ref, Found>(
  resource: ManagedResource<Ref, Found>,
  ref: Ref,
  options: Pick<LifecycleOptions, 'owner' | 'adopt' | 'recorded' | 'remedy'>,
): Promise<Inspected<Found>> {
  const found = await resource.read(ref);
  if (found === undefined) return { exists: false };
  const tags = resource.tagsOf(found);
  const decision = decideOwnership({
    what: resource.identify(ref),
    tags,
    owner: options.owner,
    adopt: options.adopt === true,
    recorded: options.recorded === true || resource.recorded?.(ref, found) === true,
    remedy: options.remedy,
  });
  if (decision === 'adopt') await resource.beforeAdopt?.(ref, found);
  return { exists: true, found, tags, decision };
}

/** The resource, there and ours: found, adopted, created, or said to be missing or planned. */
export async function ensure<Ref, Found>(
  resource: ManagedResource<Ref, Found>,
  ref: Ref,
  options: LifecycleOptions,
  inspected?: Inspected<Found>,
): Promise<Ensured<Found>> {
  const seen = inspected ?? (await inspect(resource, ref, options));
  if (seen.exists) {
    return {
      state: seen.decision === 'adopt' ? 'adopted' : 'existing',
      found: seen.found,
      tags: seen.tags,
    };
  }
  if (options.mode === 'plan') {
    return {
      state: 'planned',
      found: resource.placeholder(ref),
      planned: resource.planned(ref, options.tags),
      tags: options.tags,
    };
  }
  if (!mayWrite(options.mode)) return { state: 'missing' };
  const created = await resource.create(ref, options.tags, options.journal);
  return { state: 'created', found: created, tags: options.tags };
}

export type Retired = 'deleted' | 'gone' | 'not-ours';

/**
 * What deletion needs of a resource: read, its tags, delete. Its Ref may be less than
 * what creating it takes (a Glue job is deleted by name; it is created from its definition).
 */
export type Retirable<Ref, Found> = Pick<
  ManagedResource<Ref, Found>,
  'type' | 'read' | 'tagsOf' | 'delete'
>;

/**
 * Deletes the resource if it is there and carries this owner's tag; one without the tag
 * is left where it is (deletion never takes what it cannot prove it made). Idempotent: a
 * retry after a crash finds it gone.
 */
export async function retire<Ref, Found>(
  resource: Retirable<Ref, Found>,
  ref: Ref,
  owner: string,
): Promise<Retired> {
  if (!resource.delete) throw new Error(`a ${resource.type} is never deleted by Seawall`);
  const found = await resource.read(ref);
  if (found === undefined) return 'gone';
  if (ownershipOf(resource.tagsOf(found), owner) !== 'owned') return 'not-ours';
  await resource.delete(ref, found);
  return 'deleted';
}
