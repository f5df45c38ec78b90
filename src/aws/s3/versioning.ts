// bucket.versioning: Enabled or Suspended. A bucket that never had versioning reports no
// Status at all; S3 cannot return to that state, so it reads as "Disabled".
import { GetBucketVersioningCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { Facet } from '../facet.ts';
import { diffFields } from '../facet.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

export type VersioningStatus = 'Enabled' | 'Suspended';

export interface VersioningContext extends BucketTarget {
  versioning: VersioningStatus;
}

export interface VersioningState {
  Status: VersioningStatus | 'Disabled';
}

export const versioningFacet: Facet<VersioningContext, VersioningState> = {
  calls: ['s3:GetBucketVersioning', 's3:PutBucketVersioning'],
  name: 'bucket.versioning',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    const out = await ctx.s3.send(new GetBucketVersioningCommand({ Bucket: ctx.bucket }));
    return { Status: (out.Status as VersioningStatus | undefined) ?? 'Disabled' };
  },
  desired: (ctx) => ({ Status: ctx.versioning }),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired) {
    await ctx.s3.send(
      new PutBucketVersioningCommand({
        Bucket: ctx.bucket,
        VersioningConfiguration: { Status: desired.Status as VersioningStatus },
      }),
    );
  },
};
