// Clean-up of a deleted CostMonitor under its deletionPolicy.
//   Retain (default): nothing in AWS changes (reconcileOnce never calls this under Retain).
//   Delete: the trail goes first (so the log bucket stops filling), then alarms, the
//   dashboard, the topics (their subscriptions go with them) and the topic keys
//   (scheduled for deletion with the longest window, 30 days). The log bucket goes only
//   when it holds nothing at all — audit logs are never deleted: a log bucket that holds
//   logs stalls the deletion with a message naming it, and its key (needed to read those
//   logs) is kept with it. Each resource goes through the lifecycle's `retire`: only what
//   carries this CostMonitor's owner tag (a dashboard: its owner marker) is touched.
import type { CostMonitor } from '../../api/costmonitor.ts';
import { accountOf } from '../../aws/account.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { BILLING_REGION } from '../../aws/cloudwatch/alarms.ts';
import { scheduleOwnedKeyDeletion } from '../../aws/kms/key.ts';
import { retire } from '../../aws/lifecycle.ts';
import { ownershipOf } from '../../aws/ownership.ts';
import {
  type BucketTarget,
  countBucketContents,
  describeContents,
  s3Bucket,
} from '../../aws/s3/bucket.ts';
import { StalledError } from '../../runtime/errors.ts';
import { resolveSettings, type TrailSpecSettings } from './settings.ts';
import { retireRegionAlarms } from './steps/alarms.ts';
import { retireTrail } from './steps/audit-trail.ts';
import type { CmRequest } from './steps/context.ts';
import { retireDashboard } from './steps/dashboard.ts';
import { retireTopic } from './steps/topics.ts';

export async function finalizeCostMonitor(request: CmRequest, aws: AwsClients): Promise<void> {
  const settings = resolveSettings(request.object as CostMonitor);
  const { owner } = settings;
  const status = request.status;
  const account = await accountOf(aws);

  const trail = settings.trail;
  if (trail) await retireTrail(aws, account, trail, owner);

  const alarmRegions = new Set((status.alarms ?? []).map((a) => a.region));
  if (settings.billingThresholds.length > 0) alarmRegions.add(BILLING_REGION);
  for (const region of alarmRegions) {
    await retireRegionAlarms(aws, region, settings.alarmPrefix, owner);
  }

  if (settings.dashboard) await retireDashboard(aws, account, settings.dashboard.name, owner);

  if (settings.topic.owned) {
    for (const topic of status.topics ?? []) {
      await retireTopic(aws, topic, settings.topic.name, owner);
    }
  }

  if (trail?.logBucket.owned) await retireLogBucket(aws, trail, owner);
  if (trail) {
    await scheduleOwnedKeyDeletion(
      aws.kms(trail.region),
      trail.keyAlias,
      status.auditTrail?.keyArn,
      owner,
    );
  }
  request.log.info('deleted AWS resources');
}

/** The log bucket goes only when empty: audit logs are never deleted (the key stays too). */
async function retireLogBucket(
  aws: AwsClients,
  trail: TrailSpecSettings,
  owner: string,
): Promise<void> {
  const target: BucketTarget = {
    s3: aws.s3(trail.region),
    bucket: trail.logBucket.name,
    region: trail.region,
  };
  const found = await s3Bucket.read(target);
  // Not ours (or gone): retire would leave it; its contents are none of our business.
  if (!found || ownershipOf(found.tags, owner) !== 'owned') return;
  const contents = await countBucketContents(target);
  if (contents.versions + contents.deleteMarkers > 0) {
    throw new StalledError(
      'LogBucketNotEmpty',
      `log bucket "${target.bucket}" holds ${describeContents(contents)} of audit logs; Seawall never deletes audit logs, so the bucket and its KMS key ${trail.keyAlias} stay. Everything else is deleted. Empty the bucket yourself (versions included), or set deletionPolicy: Retain, to finish deleting this CostMonitor`,
    );
  }
  await retire(s3Bucket, target, owner);
}
