// The reconcilers Seawall runs, one per kind. Each kind's folder exports a factory
// taking the shared dependencies; adding a kind = one line here.
import type * as k8s from '@kubernetes/client-node';
import type { AwsClients } from '../aws/clients.ts';
import type { Reconciler } from '../runtime/reconciler.ts';
import { createCostMonitorReconciler } from './costmonitor/reconciler.ts';
import { createProtectedBucketReconciler } from './protectedbucket/reconciler.ts';
import { kubeProtectedBuckets, type ProtectedBucketReader } from './protectedbucket/reference.ts';
import { createQualityPipelineReconciler } from './qualitypipeline/reconciler.ts';

export interface KindDeps {
  aws: AwsClients;
  kc: k8s.KubeConfig;
  /** Where bucketRefs are read (default: the cluster; `seawall plan` reads its files first). */
  buckets?: ProtectedBucketReader;
}

type ReconcilerFactory = (deps: KindDeps) => Reconciler<never, never>;

const factories: ReconcilerFactory[] = [
  (deps) => createProtectedBucketReconciler({ aws: deps.aws }) as Reconciler<never, never>,
  (deps) =>
    createQualityPipelineReconciler({
      aws: deps.aws,
      buckets: deps.buckets ?? kubeProtectedBuckets(deps.kc),
    }) as Reconciler<never, never>,
  (deps) =>
    createCostMonitorReconciler({
      aws: deps.aws,
      buckets: deps.buckets ?? kubeProtectedBuckets(deps.kc),
    }) as Reconciler<never, never>,
];

export function createReconcilers(deps: KindDeps): Reconciler<never, never>[] {
  return factories.map((create) => create(deps));
}
