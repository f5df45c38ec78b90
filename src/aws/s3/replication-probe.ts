// replication.verified: proof that the backup really receives the bucket's objects. A
// configuration S3 accepts can still replicate nothing (a key policy without the role,
// a role without kms:Decrypt on a Bucket-Key backup, a disabled key ...), so Seawall
// writes a small probe object under its own prefix and checks that its version arrives
// in the backup, encrypted with the backup key. The probe key is Seawall's; it is the
// only object Seawall ever writes into (and, on deletion, removes from) a protected
// bucket.
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import type { BucketTarget } from './bucket.ts';
import { objectVersionPages } from './object-versions.ts';

/** Where probes go: Seawall's own prefix (data-quality runs never read it). */
export const SEAWALL_OBJECT_PREFIX = '.seawall/';
export const PROBE_KEY = `${SEAWALL_OBJECT_PREFIX}replication-probe`;

export interface Probe {
  key: string;
  versionId: string;
  writtenAt: string;
}

/** Writes a new probe version (SSE-KMS by the bucket's default encryption). */
export async function writeProbe(target: BucketTarget, now: Date): Promise<Probe> {
  const out = await target.s3.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: PROBE_KEY,
      Body: JSON.stringify({ seawall: 'replication probe', writtenAt: now.toISOString() }),
      ContentType: 'application/json',
    }),
  );
  if (!out.VersionId)
    throw new Error(`PutObject of ${PROBE_KEY} returned no version: is versioning on?`);
  return { key: PROBE_KEY, versionId: out.VersionId, writtenAt: now.toISOString() };
}

/** What S3 says of the probe's replication: PENDING, COMPLETED, FAILED (undefined: gone). */
export async function sourceReplicationStatus(
  target: BucketTarget,
  probe: Probe,
): Promise<string | undefined> {
  try {
    const out = await target.s3.send(
      new HeadObjectCommand({ Bucket: target.bucket, Key: probe.key, VersionId: probe.versionId }),
    );
    return out.ReplicationStatus ?? 'PENDING';
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NoSuchKey', 'NoSuchVersion')) return undefined;
    throw error;
  }
}

export interface Replica {
  exists: boolean;
  replicationStatus?: string | undefined;
  kmsKeyId?: string | undefined;
}

/** The probe's version in the backup: it must be a REPLICA, encrypted with the backup key. */
export async function readReplica(target: BucketTarget, probe: Probe): Promise<Replica> {
  try {
    const out = await target.s3.send(
      new HeadObjectCommand({ Bucket: target.bucket, Key: probe.key, VersionId: probe.versionId }),
    );
    return { exists: true, replicationStatus: out.ReplicationStatus, kmsKeyId: out.SSEKMSKeyId };
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NoSuchKey', 'NoSuchVersion', '400'))
      return { exists: false };
    throw error;
  }
}

/**
 * Removes every version (and delete marker) of Seawall's own objects — the probes — so
 * a bucket holding nothing else can be deleted. Nothing outside SEAWALL_OBJECT_PREFIX
 * is ever touched.
 */
export async function removeSeawallObjects(target: BucketTarget): Promise<number> {
  let removed = 0;
  for await (const page of objectVersionPages(target, SEAWALL_OBJECT_PREFIX)) {
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (!v.Key?.startsWith(SEAWALL_OBJECT_PREFIX) || !v.VersionId) continue;
      await target.s3.send(
        new DeleteObjectCommand({ Bucket: target.bucket, Key: v.Key, VersionId: v.VersionId }),
      );
      removed++;
    }
  }
  return removed;
}
