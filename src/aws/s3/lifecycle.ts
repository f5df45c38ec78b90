// bucket.lifecycle: the lifecycle configuration of a bucket Seawall owns. Seawall owns
// the whole configuration; with no rule asked, whatever is there is removed (the spec is
// the truth). Compared on a projection that ignores what S3 adds
// (TransitionDefaultMinimumObjectSize, empty Filter shapes). A ProtectedBucket asks for
// a noncurrent-version rule (`lifecycleFacet`); other owners build their own rules and
// get the same observe/diff/apply from `lifecycleFacetFor` (e.g. log retention).
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
  ExpirationDays?: number | undefined;
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
    ExpirationDays: rule.Expiration?.Days,
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
    ...(r.ExpirationDays !== undefined ? { Expiration: { Days: r.ExpirationDays } } : {}),
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

/** The lifecycle facet for any owner: only the desired rules differ. */
export function lifecycleFacetFor<C extends BucketTarget>(
  name: string,
  desired: (ctx: C) => LifecycleState,
): Facet<C, LifecycleState> {
  return {
    calls: [
      's3:DeleteBucketLifecycle',
      's3:GetBucketLifecycleConfiguration',
      's3:PutBucketLifecycleConfiguration',
    ],
    name,
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
    desired,
    diff: (want, observed) => diffFields({ ...want }, observed),
    async apply(ctx, want) {
      if (want.Rules.length === 0) {
        await ctx.s3.send(new DeleteBucketLifecycleCommand({ Bucket: ctx.bucket }));
        return;
      }
      await ctx.s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: ctx.bucket,
          LifecycleConfiguration: { Rules: lifecycleRules(want) },
        }),
      );
    },
  };
}

export const lifecycleFacet = lifecycleFacetFor<LifecycleContext>('bucket.lifecycle', (ctx) =>
  desiredLifecycle(ctx.lifecycle),
);
