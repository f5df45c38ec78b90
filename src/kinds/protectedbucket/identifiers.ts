// What a ProtectedBucket owns in AWS, by the names CloudTrail events give them (ADR 70):
// its bucket and backup bucket, their KMS keys (ARN, id and the alias of a key Seawall
// manages) and the replication role. IAM's events arrive in us-east-1: a bucket with a
// backup listens there too.
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import { replicationRoleName } from '../../aws/iam/replication-role.ts';
import { arnIds, type ObjectResources } from '../../runtime/drift-events.ts';
import { keySettings } from './settings.ts';

export function protectedBucketResources(object: ProtectedBucket): ObjectResources {
  const { spec, status } = object;
  const ids = [spec.bucketName, ...arnIds(status?.keyArn)];
  const regions = [spec.region];
  const key = keySettings(spec.encryption, spec.bucketName);
  ids.push(...(key.managed ? [key.alias] : arnIds(key.keyArn)));
  if (spec.backup) {
    ids.push(spec.backup.bucketName, ...arnIds(status?.backupKeyArn));
    const backupKey = keySettings(spec.backup.encryption, spec.backup.bucketName);
    ids.push(...(backupKey.managed ? [backupKey.alias] : arnIds(backupKey.keyArn)));
    ids.push(replicationRoleName(spec.bucketName), ...arnIds(status?.replicationRoleArn));
    regions.push(spec.backup.region, 'us-east-1');
  }
  return { regions: [...new Set(regions)].sort(), ids: [...new Set(ids)] };
}
