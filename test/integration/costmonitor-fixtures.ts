// Shared pieces of the CostMonitor integration tests: objects, a fake ProtectedBucket
// reader, and reconcileOnce with quiet dependencies.
import type { CostMonitor, CostMonitorSpec, CostMonitorStatus } from '../../src/api/costmonitor.ts';
import type { ProtectedBucket } from '../../src/api/protectedbucket.ts';
import { CallLog } from '../../src/aws/calls.ts';
import {
  type CostMonitorDeps,
  createCostMonitorReconciler,
} from '../../src/kinds/costmonitor/reconciler.ts';
import type { ProtectedBucketReader } from '../../src/kinds/protectedbucket/reference.ts';
import { reconcileOnce } from '../../src/runtime/reconcile-once.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { readsByOperation } from '../harness/aws.ts';
import { reconcileDeps } from '../harness/operator.ts';
import { converge as convergeObject } from '../harness/reconcile.ts';
import { aCostMonitor, aProtectedBucket, readyCondition } from '../harness/seawall-objects.ts';

export function costMonitor(
  namespace: string,
  name: string,
  spec: CostMonitorSpec,
  status?: CostMonitorStatus,
): CostMonitor {
  return aCostMonitor(name, spec, {
    metadata: { namespace, generation: 1, uid: `uid-${name}` },
    status,
  });
}

export function readyProtectedBucket(
  namespace: string,
  name: string,
  bucketName: string,
  region: string,
  ready = true,
): ProtectedBucket {
  return aProtectedBucket(
    name,
    { bucketName, region },
    {
      metadata: { namespace, generation: 1 },
      // A Ready bucket has been created and encrypted; one still converging has not.
      status: {
        observedGeneration: 1,
        conditions: [readyCondition(ready)],
        ...(ready
          ? {
              bucketArn: `arn:aws:s3:::${bucketName}`,
              keyArn: `arn:aws:kms:${region}:000000000000:key/${name}`,
            }
          : {}),
      },
    },
  );
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

/** Passes until the CostMonitor settles, as the controller runs them (AWS propagates creates). */
export async function converge(deps: CostMonitorDeps, object: CostMonitor) {
  const reconciler = createCostMonitorReconciler(deps);
  const result = await convergeObject(reconciler as Reconciler<never, never>, object);
  return { result, next: result.object };
}

/** One reconcile; returns the result and the object as the controller would store it. */
export async function reconcile(deps: CostMonitorDeps, object: CostMonitor) {
  const reconciler = createCostMonitorReconciler(deps);
  const result = await reconcileOnce(reconciler, object, reconcileDeps());
  return { result, next: { ...object, status: result.status } as CostMonitor };
}

export { CallLog, readsByOperation, reconcileDeps };
