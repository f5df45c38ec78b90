// The reconcilers Seawall runs, one per kind. Each kind's folder exports a factory
// taking the shared dependencies; adding a kind = one line here.
import type * as k8s from '@kubernetes/client-node';
import type { AwsClients } from '../aws/clients.ts';
import type { Reconciler } from '../runtime/reconciler.ts';
import { costMonitorReconcilerFor } from './costmonitor/reconciler.ts';
import { createProtectedBucketReconciler } from './protectedbucket/reconciler.ts';
import { qualityPipelineReconcilerFor } from './qualitypipeline/reconciler.ts';

export interface KindDeps {
  aws: AwsClients;
  kc: k8s.KubeConfig;
}

type ReconcilerFactory = (deps: KindDeps) => Reconciler<never, never>;

const factories: ReconcilerFactory[] = [
  (deps) => createProtectedBucketReconciler({ aws: deps.aws }) as Reconciler<never, never>,
  (deps) => qualityPipelineReconcilerFor(deps) as Reconciler<never, never>,
  (deps) => costMonitorReconcilerFor(deps) as Reconciler<never, never>,
];

export function createReconcilers(deps: KindDeps): Reconciler<never, never>[] {
  return factories.map((create) => create(deps));
}
