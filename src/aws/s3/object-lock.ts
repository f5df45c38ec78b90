// bucket.objectLock: S3 Object Lock with a default retention, so every object version
// written to the bucket (a replica too) can be neither deleted nor overwritten for the
// retention period — in GOVERNANCE mode not without s3:BypassGovernanceRetention, in
// COMPLIANCE mode not by anyone. S3 enables Object Lock on an existing bucket only while
// versioning is Enabled (the versioning facet runs first), and never turns it off again:
// Seawall owns the default retention, and a bucket without one that has Object Lock
// enabled is drift only in its rule.
import {
  GetObjectLockConfigurationCommand,
  type ObjectLockRetentionMode,
  PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet } from '../facet.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

/** A default retention: a mode, and a period in days or in years (S3 takes one of the two). */
export interface DefaultRetention {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  days?: number | undefined;
  years?: number | undefined;
}

export interface ObjectLockContext extends BucketTarget {
  retention: DefaultRetention;
}

export interface ObjectLockState {
  ObjectLockEnabled: 'Enabled' | 'Disabled';
  Mode: string | undefined;
  Days: number | undefined;
  Years: number | undefined;
}

/** Pure: what the bucket's Object Lock configuration should read. */
export function desiredObjectLock(retention: DefaultRetention): ObjectLockState {
  return {
    ObjectLockEnabled: 'Enabled',
    Mode: retention.mode,
    Days: retention.days,
    Years: retention.years,
  };
}

export const objectLockFacet: Facet<ObjectLockContext, ObjectLockState> = {
  name: 'bucket.objectLock',
  calls: ['s3:GetObjectLockConfiguration', 's3:PutObjectLockConfiguration'],
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    try {
      const out = await ctx.s3.send(new GetObjectLockConfigurationCommand({ Bucket: ctx.bucket }));
      const config = out.ObjectLockConfiguration;
      const retention = config?.Rule?.DefaultRetention;
      return {
        ObjectLockEnabled: config?.ObjectLockEnabled === 'Enabled' ? 'Enabled' : 'Disabled',
        Mode: retention?.Mode,
        Days: retention?.Days,
        Years: retention?.Years,
      };
    } catch (error) {
      // A bucket that never had Object Lock.
      if (isAwsError(error, 'ObjectLockConfigurationNotFoundError')) {
        return {
          ObjectLockEnabled: 'Disabled',
          Mode: undefined,
          Days: undefined,
          Years: undefined,
        };
      }
      throw error;
    }
  },
  desired: (ctx) => desiredObjectLock(ctx.retention),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired) {
    await ctx.s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: ctx.bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: {
            DefaultRetention: {
              Mode: desired.Mode as ObjectLockRetentionMode,
              ...(desired.Days !== undefined ? { Days: desired.Days } : {}),
              ...(desired.Years !== undefined ? { Years: desired.Years } : {}),
            },
          },
        },
      }),
    );
  },
};
