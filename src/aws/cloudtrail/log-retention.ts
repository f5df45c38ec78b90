// bucket.logRetention: how long audit logs are kept in a log bucket Seawall created. The
// bucket is versioned, so "keep N days" is two steps: log files expire (become
// noncurrent) after N days, and noncurrent versions are removed a grace period later —
// long enough to undo a mistaken change of the retention. The CostMonitor owns the whole
// lifecycle configuration of its log bucket.
//
// (ProtectedBucket's lifecycle facet, src/aws/s3/lifecycle.ts, knows only noncurrent-
// version rules; when it learns current-version expiration this can fold into it.)
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet } from '../facet.ts';
import { type BucketTarget, bucketResource } from '../s3/bucket.ts';

export const LOG_RETENTION_RULE_ID = 'seawall-log-retention';
/** Noncurrent log versions are kept this long after they expire. */
export const NONCURRENT_GRACE_DAYS = 30;

export interface LogRetentionContext extends BucketTarget {
  retentionDays: number;
}

export interface RetentionRuleState {
  ID: string | undefined;
  Status: string | undefined;
  Prefix: string;
  ExpirationDays: number | undefined;
  NoncurrentDays: number | undefined;
}

export interface LogRetentionState {
  Rules: RetentionRuleState[];
}

/** Pure: the one rule a log bucket has. */
export function desiredRetention(retentionDays: number): LogRetentionState {
  return {
    Rules: [
      {
        ID: LOG_RETENTION_RULE_ID,
        Status: 'Enabled',
        Prefix: '',
        ExpirationDays: retentionDays,
        NoncurrentDays: NONCURRENT_GRACE_DAYS,
      },
    ],
  };
}

/** Pure: a rule as S3 returns it, in the shape compared (S3 adds fields of its own). */
export function projectRetentionRule(rule: LifecycleRule): RetentionRuleState {
  return {
    ID: rule.ID,
    Status: rule.Status,
    Prefix: rule.Filter?.Prefix ?? rule.Prefix ?? '',
    ExpirationDays: rule.Expiration?.Days,
    NoncurrentDays: rule.NoncurrentVersionExpiration?.NoncurrentDays,
  };
}

export function retentionRules(state: LogRetentionState): LifecycleRule[] {
  return state.Rules.map((r) => ({
    ID: r.ID,
    Status: r.Status === 'Enabled' ? 'Enabled' : 'Disabled',
    Filter: { Prefix: r.Prefix },
    ...(r.ExpirationDays !== undefined ? { Expiration: { Days: r.ExpirationDays } } : {}),
    ...(r.NoncurrentDays !== undefined
      ? { NoncurrentVersionExpiration: { NoncurrentDays: r.NoncurrentDays } }
      : {}),
  }));
}

export const logRetentionFacet: Facet<LogRetentionContext, LogRetentionState> = {
  name: 'bucket.logRetention',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    try {
      const out = await ctx.s3.send(
        new GetBucketLifecycleConfigurationCommand({ Bucket: ctx.bucket }),
      );
      return { Rules: (out.Rules ?? []).map(projectRetentionRule) };
    } catch (error) {
      if (isAwsError(error, 'NoSuchLifecycleConfiguration')) return { Rules: [] };
      throw error;
    }
  },
  desired: (ctx) => desiredRetention(ctx.retentionDays),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired) {
    if (desired.Rules.length === 0) {
      await ctx.s3.send(new DeleteBucketLifecycleCommand({ Bucket: ctx.bucket }));
      return;
    }
    await ctx.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: ctx.bucket,
        LifecycleConfiguration: { Rules: retentionRules(desired) },
      }),
    );
  },
};
