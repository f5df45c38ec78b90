// A reference to a ProtectedBucket (bucketRef), as the kinds that build on one read it:
// one reader, one rule for when the bucket may be used. A dependent needs what the bucket
// IS — it exists, Seawall created it and encrypted it with a key — not a spotless Ready:
// a drift only reported (driftPolicy Report), a backup still converging or a stalled
// replication rule leave the data there and readable, so they are shown on the dependent
// (a BucketReady condition) instead of stopping it.
import type * as k8s from '@kubernetes/client-node';
import type { Condition } from '../../api/common.ts';
import { type ProtectedBucket, protectedBucketKind } from '../../api/protectedbucket.ts';
import { findCondition } from '../../runtime/conditions.ts';
import { WaitingError } from '../../runtime/errors.ts';
import { kubeObjects } from '../../runtime/kube-objects.ts';

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

/**
 * On a ProtectedBucket `seawall plan` planned from its files: what its status would
 * record. Its bucket may not exist yet — a dependent plans as if it did.
 */
export const PLANNED_ANNOTATION = 'seawall.dev/planned';

/** What a dependent uses of a ProtectedBucket. */
export interface UsableBucket {
  /** Only planned (`seawall plan`): the bucket may not exist yet. */
  planned?: boolean;
  name: string;
  bucketName: string;
  region: string;
  bucketArn: string;
  keyArn: string;
  /** The bucket's own Ready condition: True, or why not (shown on the dependent). */
  ready: { status: Condition['status']; reason: string; message: string };
}

export type BucketUsability =
  | { usable: true; bucket: UsableBucket }
  | { usable: false; why: string };

/** Pure: may a dependent use this ProtectedBucket now, and if not, why. */
export function usability(name: string, pb: ProtectedBucket | undefined): BucketUsability {
  if (!pb) return { usable: false, why: `ProtectedBucket ${name} does not exist yet` };
  if (pb.metadata.deletionTimestamp) {
    return { usable: false, why: `ProtectedBucket ${name} is being deleted` };
  }
  const ready = findCondition(pb.status?.conditions, 'Ready');
  const { bucketArn, keyArn } = pb.status ?? {};
  if (!bucketArn || !keyArn) {
    const state = ready ? ` (${ready.reason}: ${ready.message})` : '';
    return {
      usable: false,
      why: `ProtectedBucket ${name} has not created and encrypted its bucket yet${state}`,
    };
  }
  return {
    usable: true,
    bucket: {
      ...(pb.metadata.annotations?.[PLANNED_ANNOTATION] === 'true' ? { planned: true } : {}),
      name,
      bucketName: pb.spec.bucketName,
      region: pb.spec.region,
      bucketArn,
      keyArn,
      ready: {
        status: ready?.status ?? 'Unknown',
        reason: ready?.reason ?? 'NotYetReconciled',
        message: ready?.message ?? '',
      },
    },
  };
}

/** How long to wait before looking at a bucket again (the watch also re-queues at once). */
export const DEPENDENCY_POLL_MS = 15_000;

/** The bucket once usable; otherwise WaitingError('DependencyNotReady') saying why. */
export async function requireUsableBucket(
  reader: ProtectedBucketReader,
  namespace: string,
  name: string,
  pollMs = DEPENDENCY_POLL_MS,
): Promise<UsableBucket> {
  const found = usability(`${namespace}/${name}`, await reader.get(namespace, name));
  if (!found.usable) throw new WaitingError('DependencyNotReady', found.why, pollMs);
  return found.bucket;
}

/**
 * The dependent's BucketReady condition: True when the bucket is Ready, False (with the
 * bucket's reason) when it is usable but not Ready — reported drift, a backup converging.
 */
export function bucketReadyCondition(buckets: UsableBucket[]): {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
} {
  const notReady = buckets.filter((b) => b.ready.status !== 'True');
  if (notReady.length === 0) {
    return {
      type: 'BucketReady',
      status: 'True',
      reason: 'Ready',
      message: `${buckets.map((b) => `ProtectedBucket ${b.name}`).join(', ')} Ready`,
    };
  }
  return {
    type: 'BucketReady',
    status: 'False',
    reason: notReady[0]?.ready.reason ?? 'NotReady',
    message: notReady
      .map(
        (b) =>
          `ProtectedBucket ${b.name} is usable but not Ready (${b.ready.reason}: ${b.ready.message})`,
      )
      .join('; '),
  };
}
