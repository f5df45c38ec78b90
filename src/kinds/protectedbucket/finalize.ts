// Clean-up of a deleted ProtectedBucket under its deletionPolicy.
//   Retain (default): nothing in AWS changes (reconcileOnce never calls this under Retain).
//   Delete: the replication rule and role go; buckets go only when empty (no versions,
//   no delete markers — Seawall never deletes objects to get there); keys are scheduled
//   for deletion with the longest window (30 days) and their aliases removed.
// Only what carries our owner tag is touched. Emptiness of both buckets is checked
// first, so a non-empty bucket stalls the deletion before anything has changed: the
// backup keeps replicating and no key is scheduled while data still depends on it.
import type { KMSClient } from '@aws-sdk/client-kms';
import { DeleteBucketReplicationCommand } from '@aws-sdk/client-s3';
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { readRegionAlarms, retireAlarms } from '../../aws/cloudwatch/alarms.ts';
import { isAwsError } from '../../aws/errors.ts';
import {
  REPLICATION_POLICY_NAME,
  REPLICATION_SERVICE,
  replicationRoleName,
} from '../../aws/iam/replication-role.ts';
import { serviceRole } from '../../aws/iam/role.ts';
import { scheduleOwnedKeyDeletion } from '../../aws/kms/key.ts';
import { retire } from '../../aws/lifecycle.ts';
import { ownershipOf } from '../../aws/ownership.ts';
import {
  type BucketTarget,
  countBucketContents,
  deleteBucketIfEmpty,
  describeContents,
  observeBucket,
} from '../../aws/s3/bucket.ts';
import type { DefaultRetention } from '../../aws/s3/object-lock.ts';
import { removeSeawallObjects } from '../../aws/s3/replication-probe.ts';
import { StalledError, WaitingError } from '../../runtime/errors.ts';
import type { PbRequest } from './reconciler.ts';
import { replicationAlarmPrefix } from './replication-alarms.ts';
import { resolveSettings } from './settings.ts';

export async function finalizeProtectedBucket(
  request: PbRequest,
  aws: AwsClients,
  /** The backup's account's clients when it is in another account (spec.backup.account). */
  backupAws: AwsClients = aws,
): Promise<void> {
  const object = request.object as ProtectedBucket;
  const settings = resolveSettings(object);
  const owner = settings.owner;
  const primary: BucketTarget = {
    s3: aws.s3(settings.region),
    bucket: settings.bucketName,
    region: settings.region,
  };
  const backup: BucketTarget | undefined = settings.backup
    ? {
        s3: backupAws.s3(settings.backup.region),
        bucket: settings.backup.bucketName,
        region: settings.backup.region,
      }
    : undefined;
  const buckets = [primary, ...(backup ? [backup] : [])];
  const ours: BucketTarget[] = [];
  for (const target of buckets) if (await isOwnedBucket(target, owner)) ours.push(target);

  for (const target of ours) await requireEmpty(target);
  // Empty but for Seawall's own replication probes: those go (nothing else is touched).
  // The backup first: under Object Lock its probe replicas stay until their retention
  // ends, and the deletion waits for that before it changes anything else.
  for (const target of [...ours].reverse()) {
    try {
      await removeSeawallObjects(target);
    } catch (error) {
      if (target === backup && settings.backup?.objectLock && isAwsError(error, 'AccessDenied')) {
        throw new WaitingError(
          'RetentionActive',
          `backup bucket "${target.bucket}" has S3 Object Lock: its replicas of Seawall's probe objects cannot be deleted inside their retention (${describeRetention(settings.backup.objectLock)}); the deletion completes once it has passed, or set deletionPolicy: Retain`,
          RETENTION_POLL_MS,
        );
      }
      throw error;
    }
  }

  if (backup && ours.includes(primary)) await removeReplication(primary);
  if (backup) {
    await retire(serviceRole, replicationRoleRef(aws, settings.bucketName), owner);
  }
  for (const target of ours) await deleteBucketIfEmpty(target);

  const keys: { kms: KMSClient; alias: string; arn: string | undefined }[] = [];
  if (settings.key.managed)
    keys.push({
      kms: aws.kms(settings.region),
      alias: settings.key.alias,
      arn: request.status.keyArn,
    });
  if (settings.backup?.key.managed)
    keys.push({
      kms: backupAws.kms(settings.backup.region),
      alias: settings.backup.key.alias,
      arn: request.status.backupKeyArn,
    });
  for (const key of keys) await scheduleOwnedKeyDeletion(key.kms, key.alias, key.arn, owner);
  if (request.status.replicationAlarms?.length) {
    // The replication alarms (RTC): only those carrying the owner tag.
    const prefix = replicationAlarmPrefix(
      object.metadata.namespace ?? '',
      object.metadata.name ?? '',
    );
    const snapshot = await readRegionAlarms(
      aws.cloudwatch(settings.region),
      settings.region,
      prefix,
    );
    await retireAlarms(snapshot, snapshot.alarms, owner);
  }
  request.log.info({ buckets: ours.map((b) => b.bucket) }, 'deleted AWS resources');
}

/** The replication role, as the lifecycle knows it. */
export function replicationRoleRef(aws: AwsClients, bucketName: string) {
  return {
    iam: aws.iam(),
    roleName: replicationRoleName(bucketName),
    service: REPLICATION_SERVICE,
    policyName: REPLICATION_POLICY_NAME,
    description: `Seawall: replicates s3://${bucketName} to its backup`,
  };
}

/** How often a deletion waiting for an Object Lock retention to pass looks again. */
const RETENTION_POLL_MS = 60 * 60_000;

function describeRetention(retention: DefaultRetention): string {
  const period = retention.years ? `${retention.years} year(s)` : `${retention.days} day(s)`;
  return `${retention.mode}, ${period}`;
}

async function isOwnedBucket(target: BucketTarget, owner: string): Promise<boolean> {
  const presence = await observeBucket(target);
  return presence.exists && ownershipOf(presence.tags, owner) === 'owned';
}

async function requireEmpty(target: BucketTarget): Promise<void> {
  const contents = await countBucketContents(target);
  if (contents.versions + contents.deleteMarkers > 0) {
    throw new StalledError(
      'BucketNotEmpty',
      `bucket "${target.bucket}" still holds ${describeContents(contents)}; Seawall never deletes objects. Empty it (versions and delete markers included) or set deletionPolicy: Retain`,
    );
  }
}

async function removeReplication(primary: BucketTarget): Promise<void> {
  try {
    await primary.s3.send(new DeleteBucketReplicationCommand({ Bucket: primary.bucket }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchBucket', 'ReplicationConfigurationNotFoundError')) throw error;
  }
}

/** Schedules our key for deletion (30 days) and removes its alias; a foreign key is left alone. */
