// What every Glue facet shares: ARNs, tags and the ownership check. Glue's Create* calls
// (and moto's, which silently overwrite) must never touch a job, workflow, trigger or
// crawler Seawall does not own, so every facet reads the tags before it may create.
import { GetTagsCommand, type GlueClient } from '@aws-sdk/client-glue';
import { isAwsError } from '../errors.ts';
import { assertOwnedOrAdoptable, type TagMap } from '../ownership.ts';

export type GlueResourceType = 'job' | 'workflow' | 'trigger' | 'crawler';

export interface GlueTarget {
  glue: GlueClient;
  region: string;
  accountId: string;
  partition?: string;
  /** The owner tag value of the QualityPipeline. */
  owner: string;
}

export function glueArn(target: GlueTarget, type: GlueResourceType, name: string): string {
  return `arn:${target.partition ?? 'aws'}:glue:${target.region}:${target.accountId}:${type}/${name}`;
}

export async function readTags(target: GlueTarget, arn: string): Promise<TagMap> {
  try {
    const out = await target.glue.send(new GetTagsCommand({ ResourceArn: arn }));
    return out.Tags ?? {};
  } catch (error) {
    if (isAwsError(error, 'EntityNotFoundException')) return {};
    throw error;
  }
}

/** Throws StalledError (NotOwned / OwnedByAnother) unless we own the resource. */
export async function requireOwned(
  target: GlueTarget,
  type: GlueResourceType,
  name: string,
): Promise<TagMap> {
  const tags = await readTags(target, glueArn(target, type, name));
  assertOwnedOrAdoptable({ what: `Glue ${type} ${name}`, tags, owner: target.owner, adopt: false });
  return tags;
}

export function isNotFound(error: unknown): boolean {
  return isAwsError(error, 'EntityNotFoundException');
}

/** Glue names: letters, digits, - and _; at most 255 characters. */
export function glueName(namespace: string, name: string, suffix = ''): string {
  const base = `seawall-${namespace}-${name}${suffix}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return base.slice(0, 255);
}
