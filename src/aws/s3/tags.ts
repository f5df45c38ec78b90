// bucket.tags: the bucket's tag set — the spec's tags plus the owner tag. Seawall owns
// the whole set of a bucket it manages (PutBucketTagging replaces it anyway). The read is
// shared with the ownership check: pass the tags observeBucket already returned.
import { GetBucketTaggingCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import type { Facet } from '../facet.ts';
import {
  diffTags,
  type TagMap,
  tagsFromKeyValue,
  tagsToKeyValue,
  withOwnerTag,
} from '../ownership.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

export interface BucketTagsContext extends BucketTarget {
  owner: string;
  tags: TagMap | undefined;
  /** Tags read moments ago by observeBucket/ensureBucket: spares a second GetBucketTagging. */
  knownTags?: TagMap;
}

export const bucketTagsFacet: Facet<BucketTagsContext, TagMap> = {
  calls: ['s3:GetBucketTagging', 's3:PutBucketTagging'],
  name: 'bucket.tags',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    if (ctx.knownTags) return ctx.knownTags;
    try {
      const out = await ctx.s3.send(new GetBucketTaggingCommand({ Bucket: ctx.bucket }));
      return tagsFromKeyValue(out.TagSet);
    } catch (error) {
      if (isAwsError(error, 'NoSuchTagSet')) return {};
      throw error;
    }
  },
  desired: (ctx) => withOwnerTag(ctx.tags, ctx.owner),
  diff: diffTags,
  async apply(ctx, desired) {
    await ctx.s3.send(
      new PutBucketTaggingCommand({
        Bucket: ctx.bucket,
        Tagging: { TagSet: tagsToKeyValue(desired) },
      }),
    );
  },
};
