// bucketRef: a QualityPipeline reads its ProtectedBucket through this narrow interface, so
// the reconciler depends on "is it Ready, and what is its bucket" rather than on the
// Kubernetes client (tests pass a fake; the operator passes the client-node one).
import * as k8s from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../api/common.ts';
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import { protectedBucketKind } from '../../api/protectedbucket.ts';
import { WaitingError } from '../../runtime/errors.ts';

export interface BucketDependency {
  bucketName: string;
  region: string;
  /** Ready=True for the current generation. */
  ready: boolean;
  /** The Ready condition's message, to tell a person what the pipeline waits for. */
  message: string;
}

export interface ProtectedBucketReader {
  get(namespace: string, name: string): Promise<BucketDependency | undefined>;
}

/** Ready only counts when it was set for the generation being looked at (kstatus). */
export function dependencyOf(pb: ProtectedBucket): BucketDependency {
  const ready = pb.status?.conditions?.find((c) => c.type === 'Ready');
  const generation = pb.metadata.generation ?? 0;
  return {
    bucketName: pb.spec.bucketName,
    region: pb.spec.region,
    ready: ready?.status === 'True' && (pb.status?.observedGeneration ?? -1) === generation,
    message: ready?.message ?? 'not reconciled yet',
  };
}

export function kubeProtectedBucketReader(kc: k8s.KubeConfig): ProtectedBucketReader {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  return {
    async get(namespace, name) {
      try {
        const pb = (await api.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: protectedBucketKind.plural,
          name,
        })) as ProtectedBucket;
        return dependencyOf(pb);
      } catch (error) {
        if ((error as { code?: number }).code === 404) return undefined;
        throw error;
      }
    },
  };
}

/** How often a pipeline looks again at a bucket it waits for (the runtime has no cross-kind watch). */
export const DEPENDENCY_POLL_MS = 5_000;

/** The bucket, once Ready; otherwise WaitingError('DependencyNotReady'). */
export async function requireReadyBucket(
  reader: ProtectedBucketReader,
  namespace: string,
  name: string,
  pollMs = DEPENDENCY_POLL_MS,
): Promise<BucketDependency> {
  const found = await reader.get(namespace, name);
  if (!found) {
    throw new WaitingError(
      'DependencyNotReady',
      `ProtectedBucket ${namespace}/${name} does not exist yet`,
      pollMs,
    );
  }
  if (!found.ready) {
    throw new WaitingError(
      'DependencyNotReady',
      `ProtectedBucket ${namespace}/${name} is not Ready yet: ${found.message}`,
      pollMs,
    );
  }
  return found;
}
