// bucket.lifecycle: the noncurrent-version rule. Seawall owns the whole lifecycle
// configuration of a bucket that asks for one; with none asked, whatever is there is
// removed (the spec is the truth). Compared on a projection that ignores what S3 adds
// (TransitionDefaultMinimumObjectSize, empty Filter shapes).
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type TransitionStorageClass,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet } from '../facet.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

export const LIFECYCLE_RULE_ID = 'seawall-noncurrent-versions';

export interface NoncurrentVersionLifecycle {
  noncurrentVersionExpirationDays?: number | undefined;
  noncurrentVersionTransition?: { days: number; storageClass: string } | undefined;
}

export interface LifecycleContext extends BucketTarget {
  lifecycle: NoncurrentVersionLifecycle | undefined;
}

/** The comparable shape of one rule. */
export interface LifecycleRuleState {
  ID: string | undefined;
  Status: string | undefined;
  Prefix: string;
  NoncurrentDays: number | undefined;
  Transitions: { NoncurrentDays: number | undefined; StorageClass: string | undefined }[];
}

export interface LifecycleState {
  Rules: LifecycleRuleState[];
}

/** Pure: the rules the spec asks for (none when it asks for nothing). */
export function desiredLifecycle(
  lifecycle: NoncurrentVersionLifecycle | undefined,
): LifecycleState {
  const expiration = lifecycle?.noncurrentVersionExpirationDays;
  const transition = lifecycle?.noncurrentVersionTransition;
  if (expiration === undefined && transition === undefined) return { Rules: [] };
  return {
    Rules: [
      {
        ID: LIFECYCLE_RULE_ID,
        Status: 'Enabled',
        Prefix: '',
        NoncurrentDays: expiration,
        Transitions: transition
          ? [{ NoncurrentDays: transition.days, StorageClass: transition.storageClass }]
          : [],
      },
    ],
  };
}

export function projectRule(rule: LifecycleRule): LifecycleRuleState {
  return {
    ID: rule.ID,
    Status: rule.Status,
    Prefix: rule.Filter?.Prefix ?? rule.Prefix ?? '',
    NoncurrentDays: rule.NoncurrentVersionExpiration?.NoncurrentDays,
    Transitions: (rule.NoncurrentVersionTransitions ?? []).map((t) => ({
      NoncurrentDays: t.NoncurrentDays,
      StorageClass: t.StorageClass,
    })),
  };
}

export function lifecycleRules(state: LifecycleState): LifecycleRule[] {
  return state.Rules.map((r) => ({
    ID: r.ID,
    Status: r.Status === 'Enabled' ? 'Enabled' : 'Disabled',
    Filter: { Prefix: r.Prefix },
    ...(r.NoncurrentDays !== undefined
      ? { NoncurrentVersionExpiration: { NoncurrentDays: r.NoncurrentDays } }
      : {}),
    ...(r.Transitions.length > 0
      ? {
          NoncurrentVersionTransitions: r.Transitions.map((t) => ({
            NoncurrentDays: t.NoncurrentDays,
            StorageClass: t.StorageClass as TransitionStorageClass,
          })),
        }
      : {}),
  }));
}

export const lifecycleFacet: Facet<LifecycleContext, LifecycleState> = {
  name: 'bucket.lifecycle',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    try {
      const out = await ctx.s3.send(
        new GetBucketLifecycleConfigurationCommand({ Bucket: ctx.bucket }),
      );
      return { Rules: (out.Rules ?? []).map(projectRule) };
    } catch (error) {
      if (isAwsError(error, 'NoSuchLifecycleConfiguration')) return { Rules: [] };
      throw error;
    }
  },
  desired: (ctx) => desiredLifecycle(ctx.lifecycle),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired) {
    if (desired.Rules.length === 0) {
      await ctx.s3.send(new DeleteBucketLifecycleCommand({ Bucket: ctx.bucket }));
      return;
    }
    await ctx.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: ctx.bucket,
        LifecycleConfiguration: { Rules: lifecycleRules(desired) },
      }),
    );
  },
};
