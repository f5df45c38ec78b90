// bucket.ownershipControls: BucketOwnerEnforced turns ACLs off; the bucket owner owns
// every object.
import {
  GetBucketOwnershipControlsCommand,
  type ObjectOwnership,
  PutBucketOwnershipControlsCommand,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet } from '../facet.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

export interface OwnershipControlsContext extends BucketTarget {
  objectOwnership: ObjectOwnership;
}

export interface OwnershipControlsState {
  ObjectOwnership: string | undefined;
}

export const ownershipControlsFacet: Facet<OwnershipControlsContext, OwnershipControlsState> = {
  calls: ['s3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls'],
  name: 'bucket.ownershipControls',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    try {
      const out = await ctx.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: ctx.bucket }));
      return { ObjectOwnership: out.OwnershipControls?.Rules?.[0]?.ObjectOwnership };
    } catch (error) {
      if (isAwsError(error, 'OwnershipControlsNotFoundError'))
        return { ObjectOwnership: undefined };
      throw error;
    }
  },
  desired: (ctx) => ({ ObjectOwnership: ctx.objectOwnership }),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired) {
    await ctx.s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: ctx.bucket,
        OwnershipControls: {
          Rules: [{ ObjectOwnership: desired.ObjectOwnership as ObjectOwnership }],
        },
      }),
    );
  },
};
