// Clean-up of a deleted CostMonitor under its deletionPolicy.
//   Retain (default): nothing in AWS changes (reconcileOnce never calls this under Retain).
//   Delete: the trail goes first (so the log bucket stops filling), then alarms, the
//   dashboard, the topics (their subscriptions go with them) and the topic keys
//   (scheduled for deletion with the longest window, 30 days). The log bucket goes only
//   when it holds nothing at all — audit logs are never deleted: a log bucket that holds
//   logs stalls the deletion with a message naming it, and its key (needed to read those
//   logs) is kept with it. Only what carries this CostMonitor's owner tag is touched.
import { DeleteTrailCommand } from '@aws-sdk/client-cloudtrail';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import type { CostMonitor } from '../../api/costmonitor.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { readTrail, trailOwner } from '../../aws/cloudtrail/trail.ts';
import { deleteOwnedAlarms } from '../../aws/cloudwatch/alarms.ts';
import { deleteOwnedDashboard } from '../../aws/cloudwatch/dashboard.ts';
import { isAwsError } from '../../aws/errors.ts';
import { scheduleOwnedKeyDeletion } from '../../aws/kms/key.ts';
import { ownershipOf } from '../../aws/ownership.ts';
import {
  type BucketTarget,
  countBucketContents,
  deleteBucketIfEmpty,
  describeContents,
  observeBucket,
} from '../../aws/s3/bucket.ts';
import { topicOwner } from '../../aws/sns/topic.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { CmRequest } from './reconciler.ts';
import { resolveSettings, topicKeyAlias } from './settings.ts';

export async function finalizeCostMonitor(request: CmRequest, aws: AwsClients): Promise<void> {
  const object = request.object as CostMonitor;
  const settings = resolveSettings(object);
  const { owner } = settings;
  const status = request.status;

  const trail = settings.trail;
  if (trail) await deleteOwnedTrail(aws, trail.region, trail.name, owner);

  const alarmRegions = new Set((status.alarms ?? []).map((a) => a.region));
  if (settings.billingThresholds.length > 0) alarmRegions.add('us-east-1');
  for (const region of alarmRegions) {
    await deleteOwnedAlarms(aws, region, settings.alarmPrefix, owner);
  }

  if (settings.dashboard) {
    await deleteOwnedDashboard(
      aws,
      settings.dashboard.name,
      owner,
      status.dashboard?.name === settings.dashboard.name,
    );
  }

  if (settings.topic.owned) {
    for (const topic of status.topics ?? []) {
      await deleteOwnedTopic(aws, topic.region, topic.arn, owner);
      await scheduleOwnedKeyDeletion(
        aws.kms(topic.region),
        topicKeyAlias(settings.topic.name),
        topic.keyArn,
        owner,
      );
    }
  }

  if (trail?.logBucket.owned) {
    const target: BucketTarget = {
      s3: aws.s3(trail.region),
      bucket: trail.logBucket.name,
      region: trail.region,
    };
    const presence = await observeBucket(target);
    if (presence.exists && ownershipOf(presence.tags, owner) === 'owned') {
      const contents = await countBucketContents(target);
      if (contents.versions + contents.deleteMarkers > 0) {
        throw new StalledError(
          'LogBucketNotEmpty',
          `log bucket "${target.bucket}" holds ${describeContents(contents)} of audit logs; Seawall never deletes audit logs, so the bucket and its KMS key ${trail.keyAlias} stay. Everything else is deleted. Empty the bucket yourself (versions included), or set deletionPolicy: Retain, to finish deleting this CostMonitor`,
        );
      }
      await deleteBucketIfEmpty(target);
    }
  }
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

async function deleteOwnedTrail(aws: AwsClients, region: string, name: string, owner: string) {
  const found = await readTrail(aws, region, name);
  if (!found?.TrailARN) return;
  if ((await trailOwner(aws, region, found.TrailARN)) !== owner) return;
  // By name: moto's DeleteTrail ignores an ARN (AWS takes both).
  await aws.cloudtrail(region).send(new DeleteTrailCommand({ Name: name }));
}

export async function deleteOwnedTopic(
  aws: AwsClients,
  region: string,
  arn: string,
  owner: string,
) {
  let found: string | undefined;
  try {
    found = await topicOwner(aws, region, arn);
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NotFoundException', 'ResourceNotFound')) return;
    throw error;
  }
  if (found !== owner) return;
  await aws.sns(region).send(new DeleteTopicCommand({ TopicArn: arn }));
}
