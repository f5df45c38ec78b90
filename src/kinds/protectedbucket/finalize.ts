// Clean-up of a deleted ProtectedBucket under its deletionPolicy.
//   Retain (default): nothing in AWS changes.
//   Delete: the replication rule and role go; buckets go only when empty (no versions,
//   no delete markers — Seawall never deletes objects to get there); keys are scheduled
//   for deletion with the longest window (30 days) and their aliases removed.
// Only what carries our owner tag is touched. Emptiness of both buckets is checked
// first, so a non-empty bucket stalls the deletion before anything has changed: the
// backup keeps replicating and no key is scheduled while data still depends on it.
import {
  DeleteAliasCommand,
  DescribeKeyCommand,
  type KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { DeleteBucketReplicationCommand } from '@aws-sdk/client-s3';
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { isAwsError } from '../../aws/errors.ts';
import { deleteReplicationRole, replicationRoleName } from '../../aws/iam/replication-role.ts';
import { readKeyTags } from '../../aws/kms/key.ts';
import { ownershipOf, ownerValue } from '../../aws/ownership.ts';
import {
  type BucketTarget,
  countBucketContents,
  deleteBucketIfEmpty,
  describeContents,
  observeBucket,
} from '../../aws/s3/bucket.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { PbRequest } from './reconciler.ts';
import { resolveSettings } from './settings.ts';

/** The maximum waiting period KMS allows: a mistaken deletion can be undone for a month. */
export const KEY_DELETION_WINDOW_DAYS = 30;

export async function finalizeProtectedBucket(request: PbRequest, aws: AwsClients): Promise<void> {
  const object = request.object as ProtectedBucket;
  const settings = resolveSettings(object);
  if (settings.deletionPolicy === 'Retain') {
    request.log.info('deletionPolicy Retain: AWS resources are left in place');
    return;
  }
  if (request.mode === 'plan') return;
  const owner = ownerValue({
    namespace: object.metadata.namespace,
    kind: object.kind,
    name: object.metadata.name,
  });
  const primary: BucketTarget = {
    s3: aws.s3(settings.region),
    bucket: settings.bucketName,
    region: settings.region,
  };
  const backup: BucketTarget | undefined = settings.backup
    ? {
        s3: aws.s3(settings.backup.region),
        bucket: settings.backup.bucketName,
        region: settings.backup.region,
      }
    : undefined;
  const buckets = [primary, ...(backup ? [backup] : [])];
  const ours: BucketTarget[] = [];
  for (const target of buckets) if (await isOwnedBucket(target, owner)) ours.push(target);

  for (const target of ours) await requireEmpty(target);

  if (backup && ours.includes(primary)) await removeReplication(primary);
  if (backup) {
    await deleteReplicationRole({
      iam: aws.iam(),
      roleName: replicationRoleName(settings.bucketName),
      owner,
    });
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
      kms: aws.kms(settings.backup.region),
      alias: settings.backup.key.alias,
      arn: request.status.backupKeyArn,
    });
  for (const key of keys) await scheduleKeyDeletion(key.kms, key.alias, key.arn, owner);
  request.log.info({ buckets: ours.map((b) => b.bucket) }, 'deleted AWS resources');
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
async function scheduleKeyDeletion(
  kms: KMSClient,
  alias: string,
  knownArn: string | undefined,
  owner: string,
): Promise<void> {
  let keyId = knownArn;
  let tags: Record<string, string>;
  try {
    if (!keyId) {
      const described = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
      keyId = described.KeyMetadata?.Arn;
      if (!keyId) return;
    }
    // moto answers some KMS calls given an ARN with a 500: use the bare key id.
    keyId = keyIdOf(keyId);
    tags = await readKeyTags(kms, keyId);
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) return;
    throw error;
  }
  if (ownershipOf(tags, owner) !== 'owned') return;
  try {
    await kms.send(new DeleteAliasCommand({ AliasName: alias }));
  } catch (error) {
    if (!isAwsError(error, 'NotFoundException')) throw error;
  }
  try {
    await kms.send(
      new ScheduleKeyDeletionCommand({
        KeyId: keyId,
        PendingWindowInDays: KEY_DELETION_WINDOW_DAYS,
      }),
    );
  } catch (error) {
    // Already scheduled by an earlier attempt.
    if (!isAwsError(error, 'KMSInvalidStateException', 'NotFoundException')) throw error;
  }
}

/** `arn:aws:kms:<region>:<account>:key/<id>` → `<id>`. */
export function keyIdOf(keyIdOrArn: string): string {
  return keyIdOrArn.startsWith('arn:') ? (keyIdOrArn.split('/').pop() ?? keyIdOrArn) : keyIdOrArn;
}
