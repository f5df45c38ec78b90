// The spec with every default applied, in the shape the facets take. Pure: the API
// server applies the same defaults, but reconcileOnce tests and `seawall plan` see specs
// that never went through it.
import type { ProtectedBucket, ProtectedBucketSpec } from '../../api/protectedbucket.ts';
import { ownerValue, type TagMap } from '../../aws/ownership.ts';
import type { NoncurrentVersionLifecycle } from '../../aws/s3/lifecycle.ts';
import type { DefaultRetention } from '../../aws/s3/object-lock.ts';
import type { PublicAccessBlockState } from '../../aws/s3/public-access-block.ts';
import type { VersioningStatus } from '../../aws/s3/versioning.ts';
import { parseDuration } from '../../runtime/durations.ts';
import { DEFAULT_VERIFY_INTERVAL_MS } from './verification.ts';

export const DEFAULT_ROTATION_DAYS = 365;

/** A key Seawall creates and manages, or an existing one it only uses. */
export type KeySettings =
  | { managed: true; alias: string; rotationEnabled: boolean; rotationPeriodInDays: number }
  | { managed: false; keyArn: string };

export interface BackupSettings {
  bucketName: string;
  region: string;
  storageClass: string;
  key: KeySettings;
  deleteMarkerReplication: boolean;
  replicationTimeControl: boolean;
  verifyIntervalMs: number;
  /** S3 Object Lock on the backup bucket, with this default retention. */
  objectLock: DefaultRetention | undefined;
}

export interface ProtectedBucketSettings {
  /** The owner tag's value: namespace/ProtectedBucket/name. */
  owner: string;
  bucketName: string;
  region: string;
  key: KeySettings;
  bucketKeyEnabled: boolean;
  versioning: VersioningStatus;
  publicAccessBlock: PublicAccessBlockState;
  enforceTLS: boolean;
  tags: TagMap;
  lifecycle: NoncurrentVersionLifecycle | undefined;
  backup: BackupSettings | undefined;
  adoptExisting: boolean;
  deletionPolicy: 'Retain' | 'Delete';
}

/** KMS aliases allow no periods, bucket names do: `a.b` → `alias/seawall/a-b`. */
export function defaultAlias(bucketName: string): string {
  return `alias/seawall/${bucketName.replaceAll('.', '-')}`;
}

export function keySettings(
  spec: ProtectedBucketSpec['encryption'],
  bucketName: string,
): KeySettings {
  if (spec?.keyArn) return { managed: false, keyArn: spec.keyArn };
  return {
    managed: true,
    alias: spec?.alias ?? defaultAlias(bucketName),
    rotationEnabled: spec?.rotation?.enabled ?? true,
    rotationPeriodInDays: spec?.rotation?.periodInDays ?? DEFAULT_ROTATION_DAYS,
  };
}

export function resolveSettings(object: ProtectedBucket): ProtectedBucketSettings {
  const spec = object.spec;
  const pab = spec.publicAccessBlock ?? {};
  const backup = spec.backup;
  return {
    owner: ownerValue({
      namespace: object.metadata.namespace,
      kind: 'ProtectedBucket',
      name: object.metadata.name,
    }),
    bucketName: spec.bucketName,
    region: spec.region,
    key: keySettings(spec.encryption, spec.bucketName),
    bucketKeyEnabled: spec.bucketKeyEnabled ?? true,
    versioning: spec.versioning ?? 'Enabled',
    publicAccessBlock: {
      BlockPublicAcls: pab.blockPublicAcls ?? true,
      IgnorePublicAcls: pab.ignorePublicAcls ?? true,
      BlockPublicPolicy: pab.blockPublicPolicy ?? true,
      RestrictPublicBuckets: pab.restrictPublicBuckets ?? true,
    },
    enforceTLS: spec.enforceTLS ?? true,
    tags: spec.tags ?? {},
    lifecycle: spec.lifecycle,
    backup: backup
      ? {
          bucketName: backup.bucketName,
          region: backup.region,
          storageClass: backup.storageClass ?? 'STANDARD',
          key: keySettings(backup.encryption, backup.bucketName),
          deleteMarkerReplication: backup.deleteMarkerReplication ?? true,
          replicationTimeControl: backup.replicationTimeControl ?? false,
          verifyIntervalMs: backup.verifyInterval
            ? parseDuration(backup.verifyInterval)
            : DEFAULT_VERIFY_INTERVAL_MS,
          objectLock: backup.objectLock
            ? {
                mode: backup.objectLock.mode,
                days: backup.objectLock.days,
                years: backup.objectLock.years,
              }
            : undefined,
        }
      : undefined,
    adoptExisting: spec.adoptExisting ?? false,
    deletionPolicy: spec.deletionPolicy ?? 'Retain',
  };
}
