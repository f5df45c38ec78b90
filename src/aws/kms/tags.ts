// key.tags: the key's tags — the spec's, the owner tag and the alias tag (which lets a
// retry find a key whose alias was never made).
import { type KMSClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-kms';
import type { Facet } from '../facet.ts';
import { diffTags, type TagMap, tagChanges, tagsToKms } from '../ownership.ts';
import { keyTags, readKeyTags } from './key.ts';

export interface KeyTagsContext {
  kms: KMSClient;
  keyId: string;
  keyArn: string;
  alias: string;
  owner: string;
  tags: TagMap | undefined;
  /** Tags ensureKey read moments ago: no second ListResourceTags. */
  knownTags?: TagMap;
}

export const keyTagsFacet: Facet<KeyTagsContext, TagMap> = {
  calls: ['kms:ListResourceTags', 'kms:TagResource', 'kms:UntagResource'],
  name: 'key.tags',
  resource: (ctx) => ctx.keyArn,
  observe: async (ctx) => ctx.knownTags ?? (await readKeyTags(ctx.kms, ctx.keyId)),
  desired: (ctx) => keyTags(ctx.tags, ctx.owner, ctx.alias),
  diff: diffTags,
  async apply(ctx, desired, observed) {
    const { set, remove } = tagChanges(desired, observed);
    if (remove.length > 0)
      await ctx.kms.send(new UntagResourceCommand({ KeyId: ctx.keyId, TagKeys: remove }));
    if (Object.keys(set).length > 0)
      await ctx.kms.send(new TagResourceCommand({ KeyId: ctx.keyId, Tags: tagsToKms(set) }));
  },
};
