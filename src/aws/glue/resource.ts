// The Glue job, workflow, trigger and crawler as ManagedResources, made by one factory:
// read = Get<X> and GetTags (the owner tag: ownership is decided by the lifecycle, never
// here), create = Create<X> carrying the owner tag in the call, delete = Delete<X>. Only
// the Get, Create and Delete calls differ between the four (a GlueApi); what each one
// should be is its definition facet, beside it (job.ts, workflow.ts, trigger.ts,
// crawler.ts). Glue's Create* answer AlreadyExistsException for a name already taken, so
// the lifecycle reads first: that read is what tells Seawall's resource from another's
// before anything is written.
import { GetTagsCommand, type GlueClient } from '@aws-sdk/client-glue';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';
import type { ManagedResource, Retirable } from '../lifecycle.ts';
import type { TagMap } from '../ownership.ts';

export type GlueResourceType = 'job' | 'workflow' | 'trigger' | 'crawler';

/** Where Glue resources live: the client, and what their ARNs are made of. */
export interface GlueTarget {
  glue: GlueClient;
  region: string;
  accountId: string;
  partition?: string;
}

/** Which Glue resource: enough to read and delete it. */
export interface GlueName extends GlueTarget {
  name: string;
}

/** Which Glue resource and what it should be: enough to create it. */
export interface GlueRef<Def> extends GlueName {
  definition: Def;
  description: string;
}

/** A Glue resource as read: its definition in the shape Seawall writes, and its tags. */
export interface FoundGlue<Seen> {
  arn: string;
  definition: Seen;
  tags: TagMap;
}

/** What a definition facet works on: what the spec asks for and what the lifecycle read. */
export interface GlueContext<Def, Seen> {
  ref: GlueRef<Def>;
  found: FoundGlue<Seen>;
}

/**
 * The calls that differ between the Glue resource types. `Seen` is the definition as Glue
 * returns it (a trigger's State may be DEACTIVATED); `Def` what Seawall asks for.
 */
export interface GlueApi<Def extends Seen, Seen> {
  readonly type: GlueResourceType;
  /** The SDK operations read, create and delete call. */
  readonly calls: readonly string[];
  /** Get<X>: its definition (Glue's EntityNotFoundException: it does not exist). */
  read(ref: GlueName): Promise<Seen | undefined>;
  /** Create<X> from the definition, carrying `tags`. */
  create(ref: GlueRef<Def>, tags: TagMap): Promise<void>;
  /** Delete<X> (EntityNotFoundException: already gone, which is fine). */
  delete(ref: GlueName): Promise<void>;
}

/** Created from its definition; read, owned and deleted by its name alone. */
export type GlueResource<Def extends Seen, Seen> = ManagedResource<GlueRef<Def>, FoundGlue<Seen>> &
  Retirable<GlueName, FoundGlue<Seen>>;

export function glueArn(target: GlueTarget, type: GlueResourceType, name: string): string {
  return `arn:${target.partition ?? 'aws'}:glue:${target.region}:${target.accountId}:${type}/${name}`;
}

function isNotFound(error: unknown): boolean {
  return isAwsError(error, 'EntityNotFoundException');
}

/** For Delete<X>: a resource that is not there is an answer, not an error. */
function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error;
}

/** The ManagedResource of one Glue resource type. */
export function glueResource<Def extends Seen, Seen>(
  api: GlueApi<Def, Seen>,
): GlueResource<Def, Seen> {
  const label = `Glue ${api.type}`;
  const arnOf = (ref: GlueName) => glueArn(ref, api.type, ref.name);
  return {
    type: label,
    facetName: `glue.${api.type}`,
    calls: [...new Set([...api.calls, 'glue:GetTags'])].sort(),
    identify: (ref: GlueName) => `${label} ${ref.name} in ${ref.region}`,
    resourceName: (ref: GlueName) => arnOf(ref),
    async read(ref: GlueName) {
      try {
        const definition = await api.read(ref);
        if (definition === undefined) return undefined;
        const arn = arnOf(ref);
        // Deleted between the two reads: not found either.
        const out = await ref.glue.send(new GetTagsCommand({ ResourceArn: arn }));
        return { arn, definition, tags: out.Tags ?? {} };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    tagsOf: (found: FoundGlue<Seen>) => found.tags,
    async create(ref, tags) {
      await api.create(ref, tags);
      // Created from the definition: that is what it holds, so its facet has nothing to
      // change and no read to make.
      return { arn: arnOf(ref), definition: ref.definition, tags };
    },
    // Its definition is listed beside it, as its definition facet's value at creation.
    planned: (ref, tags) => ({ name: ref.name, tags }),
    placeholder: (ref) => ({ arn: arnOf(ref), definition: ref.definition, tags: {} }),
    delete: (ref: GlueName) => api.delete(ref).catch(ignoreNotFound),
  };
}

/** What a definition facet does that the others do not: its diff and its update calls. */
export interface DefinitionUpdate<Def extends Seen, Seen> {
  /** The SDK operations apply calls. */
  calls: readonly string[];
  diff(desired: Def, observed: Seen): FieldDiff[];
  apply(ctx: GlueContext<Def, Seen>, desired: Def, observed: Seen): Promise<void>;
}

/**
 * `glue.<type>.definition`: what the resource does, field by field. Observed from the
 * Get<X> answer the lifecycle already has (no read of its own); desired is the ref's
 * definition.
 */
export function glueDefinitionFacet<Def extends Seen, Seen>(
  type: GlueResourceType,
  update: DefinitionUpdate<Def, Seen>,
): Facet<GlueContext<Def, Seen>, Seen, Def> {
  return {
    name: `glue.${type}.definition`,
    calls: update.calls,
    resource: (ctx) => ctx.found.arn,
    observe: async (ctx) => ctx.found.definition,
    desired: (ctx) => ctx.ref.definition,
    diff: update.diff,
    apply: update.apply,
  };
}

/** Glue names: letters, digits, - and _; at most 255 characters. */
export function glueName(namespace: string, name: string, suffix = ''): string {
  const base = `seawall-${namespace}-${name}${suffix}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return base.slice(0, 255);
}
