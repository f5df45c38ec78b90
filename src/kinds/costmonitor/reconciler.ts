// The CostMonitor reconciler: ordered steps (steps/), each stopping the reconcile at its
// first error (Flux style):
//   watched buckets (wait for ProtectedBuckets) → alert topics (key, topic, subscriptions,
//   per region) → alarms (per region, one read each) → estimated charges → dashboard →
//   audit trail (key → log bucket → trail → settings, event selectors, logging).
// Every AWS resource goes through the one lifecycle (src/aws/lifecycle.ts): found and
// ours, created, or — in a drift check that may not create — missing, and in `seawall
// plan` listed as a creation. A steady-state check makes read calls only.

import type * as k8s from '@kubernetes/client-node';
import {
  type CostMonitor,
  type CostMonitorSpec,
  type CostMonitorStatus,
  costMonitorKind,
} from '../../api/costmonitor.ts';
import { accountOf } from '../../aws/account.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { removeCondition, setCondition } from '../../runtime/conditions.ts';
import type { ReconcileResult, Reconciler } from '../../runtime/reconciler.ts';
import {
  bucketReadyCondition,
  kubeProtectedBuckets,
  type ProtectedBucketReader,
  type UsableBucket,
} from '../protectedbucket/reference.ts';
import { endsAtMissing } from '../steps.ts';
import { resolveBuckets } from './dependencies.ts';
import { finalizeCostMonitor } from './finalize.ts';
import { costMonitorResources } from './identifiers.ts';
import { resolveSettings } from './settings.ts';
import { alarms } from './steps/alarms.ts';
import { auditTrail } from './steps/audit-trail.ts';
import { billing } from './steps/billing.ts';
import { type CmRequest, CostMonitorSteps } from './steps/context.ts';
import { dashboard } from './steps/dashboard.ts';
import { alertTopics } from './steps/topics.ts';

export interface CostMonitorDeps {
  aws: AwsClients;
  /** Reads the ProtectedBuckets that bucketRefs name. */
  buckets: ProtectedBucketReader;
}

export function createCostMonitorReconciler(
  deps: CostMonitorDeps,
): Reconciler<CostMonitorSpec, CostMonitorStatus> {
  return {
    kind: costMonitorKind,
    resourcesOf: costMonitorResources,
    dependsOn: [
      {
        kind: 'ProtectedBucket',
        references: (object) =>
          (object.spec.buckets ?? []).flatMap((b) => (b.bucketRef ? [b.bucketRef.name] : [])),
      },
    ],
    reconcile: (request) => reconcileCostMonitor(request, deps),
    finalize: (request) => finalizeCostMonitor(request, deps.aws),
  };
}

/** The operator's factory: ProtectedBuckets are read from the API server. */
export function costMonitorReconcilerFor(deps: { aws: AwsClients; kc: k8s.KubeConfig }) {
  return createCostMonitorReconciler({ aws: deps.aws, buckets: kubeProtectedBuckets(deps.kc) });
}

async function reconcileCostMonitor(
  request: CmRequest,
  deps: CostMonitorDeps,
): Promise<ReconcileResult> {
  const settings = resolveSettings(request.object as CostMonitor);
  const referenced: UsableBucket[] = [];
  const buckets = await resolveBuckets(
    settings.buckets,
    settings.namespace,
    settings.region,
    deps.buckets,
    referenced,
  );
  // A referenced bucket that is usable but not Ready (reported drift, a backup converging)
  // is shown here rather than stopping the alarms on it.
  request.status.conditions =
    referenced.length > 0
      ? setCondition(
          request.status.conditions,
          bucketReadyCondition(referenced),
          request.object.metadata.generation ?? 0,
          request.now,
        )
      : removeCondition(request.status.conditions, 'BucketReady');
  const steps = new CostMonitorSteps(request, deps.aws, settings, await accountOf(deps.aws));
  try {
    const topics = await alertTopics(steps, buckets);
    await alarms(steps, buckets, topics);
    await billing(steps);
    await dashboard(steps, buckets);
    await auditTrail(steps);
    return {};
  } catch (error) {
    return endsAtMissing(error);
  }
}
