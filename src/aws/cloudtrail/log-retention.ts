// bucket.logRetention: how long audit logs are kept in a log bucket Seawall created. The
// bucket is versioned, so "keep N days" is two steps: log files expire (become
// noncurrent) after N days, and noncurrent versions are removed a grace period later —
// long enough to undo a mistaken change of the retention. The CostMonitor owns the whole
// lifecycle configuration of its log bucket; reading and writing it is the shared S3
// lifecycle facet's.
import type { BucketTarget } from '../s3/bucket.ts';
import { type LifecycleState, lifecycleFacetFor } from '../s3/lifecycle.ts';

export const LOG_RETENTION_RULE_ID = 'seawall-log-retention';
/** Noncurrent log versions are kept this long after they expire. */
export const NONCURRENT_GRACE_DAYS = 30;

export interface LogRetentionContext extends BucketTarget {
  retentionDays: number;
}

/** Pure: the one rule a log bucket has. */
export function desiredRetention(retentionDays: number): LifecycleState {
  return {
    Rules: [
      {
        ID: LOG_RETENTION_RULE_ID,
        Status: 'Enabled',
        Prefix: '',
        ExpirationDays: retentionDays,
        NoncurrentDays: NONCURRENT_GRACE_DAYS,
        Transitions: [],
      },
    ],
  };
}

export const logRetentionFacet = lifecycleFacetFor<LogRetentionContext>(
  'bucket.logRetention',
  (ctx) => desiredRetention(ctx.retentionDays),
);
