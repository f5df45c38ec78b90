// bucket.publicAccessBlock: the four Block Public Access flags of the bucket.
import { GetPublicAccessBlockCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet } from '../facet.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

export interface PublicAccessBlockState {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface PublicAccessBlockContext extends BucketTarget {
  publicAccessBlock: PublicAccessBlockState;
}

const ALL_OFF: PublicAccessBlockState = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

export const publicAccessBlockFacet: Facet<PublicAccessBlockContext, PublicAccessBlockState> = {
  calls: ['s3:GetPublicAccessBlock', 's3:PutPublicAccessBlock'],
  name: 'bucket.publicAccessBlock',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    try {
      const out = await ctx.s3.send(new GetPublicAccessBlockCommand({ Bucket: ctx.bucket }));
      const c = out.PublicAccessBlockConfiguration;
      return {
        BlockPublicAcls: c?.BlockPublicAcls ?? false,
        IgnorePublicAcls: c?.IgnorePublicAcls ?? false,
        BlockPublicPolicy: c?.BlockPublicPolicy ?? false,
        RestrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
      };
    } catch (error) {
      // No configuration means every flag is off.
      if (isAwsError(error, 'NoSuchPublicAccessBlockConfiguration')) return { ...ALL_OFF };
      throw error;
    }
  },
  desired: (ctx) => ({ ...ctx.publicAccessBlock }),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired) {
    await ctx.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: ctx.bucket,
        PublicAccessBlockConfiguration: { ...desired },
      }),
    );
  },
};
