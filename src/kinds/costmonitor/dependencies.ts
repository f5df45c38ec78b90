// The buckets a CostMonitor watches. A `bucketRef` names a ProtectedBucket in the same
// namespace: the CostMonitor waits (DependencyNotReady) until that bucket exists and is
// encrypted (src/kinds/protectedbucket/reference.ts), then takes its bucket name and
// region from it.
import type { MonitoredBucket } from '../../api/costmonitor.ts';
import {
  type ProtectedBucketReader,
  requireUsableBucket,
  type UsableBucket,
} from '../protectedbucket/reference.ts';
import type { ResolvedBucket } from './settings.ts';

export async function resolveBuckets(
  specs: MonitoredBucket[],
  namespace: string,
  defaultRegion: string,
  reader: ProtectedBucketReader,
  /** The ProtectedBuckets referenced, as found (for the BucketReady condition). */
  referenced: UsableBucket[] = [],
): Promise<ResolvedBucket[]> {
  const resolved: ResolvedBucket[] = [];
  for (const spec of specs) {
    const common = {
      maxSizeGiB: spec.maxSizeGiB,
      maxObjects: spec.maxObjects,
      notifyTopic: spec.notifyTopic ?? true,
      actions: spec.actions ?? [],
    };
    if (spec.bucketName) {
      resolved.push({
        bucketName: spec.bucketName,
        region: spec.region ?? defaultRegion,
        ...common,
      });
      continue;
    }
    const bucket = await requireUsableBucket(reader, namespace, spec.bucketRef?.name ?? '');
    referenced.push(bucket);
    resolved.push({ bucketName: bucket.bucketName, region: bucket.region, ...common });
  }
  return resolved;
}
