// Shared pieces of the CostMonitor integration tests: objects, a fake ProtectedBucket
// reader, and reconcileOnce with quiet dependencies.
import type { CostMonitor, CostMonitorSpec, CostMonitorStatus } from '../../src/api/costmonitor.ts';
import type { ProtectedBucket } from '../../src/api/protectedbucket.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { classifyAwsError } from '../../src/aws/errors.ts';
import type { ProtectedBucketReader } from '../../src/kinds/costmonitor/dependencies.ts';
import {
  type CostMonitorDeps,
  createCostMonitorReconciler,
} from '../../src/kinds/costmonitor/reconciler.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { type ReconcileDeps, reconcileOnce } from '../../src/runtime/reconcile-once.ts';

export function costMonitor(
  namespace: string,
  name: string,
  spec: CostMonitorSpec,
  status?: CostMonitorStatus,
): CostMonitor {
  return {
    apiVersion: 'seawall.dev/v1alpha1',
    kind: 'CostMonitor',
    metadata: { name, namespace, generation: 1, uid: `uid-${name}` },
    spec,
    ...(status ? { status } : {}),
  };
}

export function readyProtectedBucket(
  namespace: string,
  name: string,
  bucketName: string,
  region: string,
  ready = true,
): ProtectedBucket {
  const now = new Date().toISOString();
  return {
    apiVersion: 'seawall.dev/v1alpha1',
    kind: 'ProtectedBucket',
    metadata: { name, namespace, generation: 1 },
    spec: { bucketName, region },
    status: {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          observedGeneration: 1,
          lastTransitionTime: now,
          reason: ready ? 'Succeeded' : 'Progressing',
          message: ready ? 'AWS matches the spec' : 'creating the bucket',
        },
      ],
    },
  };
}

/** A ProtectedBucket reader over an in-memory map the test fills. */
export class FakeBuckets implements ProtectedBucketReader {
  readonly objects = new Map<string, ProtectedBucket>();
  put(bucket: ProtectedBucket): void {
    this.objects.set(`${bucket.metadata.namespace}/${bucket.metadata.name}`, bucket);
  }
  async get(namespace: string, name: string): Promise<ProtectedBucket | undefined> {
    return this.objects.get(`${namespace}/${name}`);
  }
}

export function reconcileDeps(): ReconcileDeps {
  return {
    log: silentLogger(),
    events: { normal() {}, warning() {} },
    now: () => new Date(),
    classifiers: [classifyAwsError],
    defaultDriftIntervalMs: 600_000,
  };
}

/** One reconcile; returns the result and the object as the controller would store it. */
export async function reconcile(deps: CostMonitorDeps, object: CostMonitor) {
  const reconciler = createCostMonitorReconciler(deps);
  const result = await reconcileOnce(reconciler, object, reconcileDeps());
  return { result, next: { ...object, status: result.status } as CostMonitor };
}

export function readsByOperation(log: CallLog): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of log.reads()) {
    const key = `${call.service}:${call.operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export { CallLog };
