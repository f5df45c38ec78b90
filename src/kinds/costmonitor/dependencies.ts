// The buckets a CostMonitor watches. A `bucketRef` names a ProtectedBucket in the same
// namespace: the CostMonitor waits (DependencyNotReady) until that bucket is Ready for
// its current generation, then takes its bucket name and region from it. The Kubernetes
// read is a narrow interface so the reconciler is tested without an API server.
import type * as k8s from '@kubernetes/client-node';
import type { MonitoredBucket } from '../../api/costmonitor.ts';
import { type ProtectedBucket, protectedBucketKind } from '../../api/protectedbucket.ts';
import { findCondition } from '../../runtime/conditions.ts';
import { WaitingError } from '../../runtime/errors.ts';
import { kubeObjects } from '../../runtime/kube-objects.ts';
import type { ResolvedBucket } from './settings.ts';

/** Reads one ProtectedBucket; undefined when it does not exist. */
export interface ProtectedBucketReader {
  get(namespace: string, name: string): Promise<ProtectedBucket | undefined>;
}

export function kubeProtectedBuckets(kc: k8s.KubeConfig): ProtectedBucketReader {
  const objects = kubeObjects(kc);
  return {
    async get(namespace, name) {
      return (await objects.get(protectedBucketKind, namespace, name)) as
        | ProtectedBucket
        | undefined;
    },
  };
}

/** How long to wait before looking at a dependency again (it also re-queues on change). */
export const DEPENDENCY_RETRY_MS = 15_000;

/** Pure: is this ProtectedBucket Ready for the generation it is at now? */
export function isReady(bucket: ProtectedBucket): boolean {
  const ready = findCondition(bucket.status?.conditions, 'Ready');
  return (
    ready?.status === 'True' &&
    bucket.status?.observedGeneration === (bucket.metadata.generation ?? 0) &&
    (ready.observedGeneration === undefined ||
      ready.observedGeneration === (bucket.metadata.generation ?? 0))
  );
}

export async function resolveBuckets(
  specs: MonitoredBucket[],
  namespace: string,
  defaultRegion: string,
  reader: ProtectedBucketReader,
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
    const ref = spec.bucketRef?.name ?? '';
    const bucket = await reader.get(namespace, ref);
    if (!bucket) {
      throw new WaitingError(
        'DependencyNotReady',
        `ProtectedBucket ${namespace}/${ref} does not exist yet`,
        DEPENDENCY_RETRY_MS,
      );
    }
    if (!isReady(bucket)) {
      const ready = findCondition(bucket.status?.conditions, 'Ready');
      throw new WaitingError(
        'DependencyNotReady',
        `ProtectedBucket ${namespace}/${ref} is not Ready${ready ? ` (${ready.reason}: ${ready.message})` : ''}`,
        DEPENDENCY_RETRY_MS,
      );
    }
    resolved.push({ bucketName: bucket.spec.bucketName, region: bucket.spec.region, ...common });
  }
  return resolved;
}
