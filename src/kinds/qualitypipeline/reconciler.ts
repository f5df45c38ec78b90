// The QualityPipeline reconciler, a dispatcher in three steps that stop at the first
// error:
//   settings (schedule and DQDL checked: Stalled with line and column) → source bucket
//   (source.ts: a bucketRef waits for a usable ProtectedBucket, a plain bucket must
//   exist) → the engine (engine.ts): embedded (embedded-engine.ts) or glue
//   (glue-engine.ts), which runs the pipeline and says when to look again.
// Deletion is the engine's too: the embedded engine made nothing in AWS.

import type * as k8s from '@kubernetes/client-node';
import {
  type QualityPipeline,
  type QualityPipelineSpec,
  type QualityPipelineStatus,
  qualityPipelineKind,
} from '../../api/qualitypipeline.ts';
import type { AwsClients } from '../../aws/clients.ts';
import type { Reconciler } from '../../runtime/reconciler.ts';
import { kubeProtectedBuckets } from '../protectedbucket/reference.ts';
import { ReconcileSteps } from '../steps.ts';
import { embeddedEngine } from './embedded-engine.ts';
import { EmbeddedRuns } from './embedded-runs.ts';
import type { QualityEngine, QualityPipelineDeps } from './engine.ts';
import { glueEngine } from './glue-engine.ts';
import { qualityPipelineResources } from './identifiers.ts';
import { locations, resolveSettings } from './settings.ts';
import { sourceBucket } from './source.ts';

export type {
  PipelineContext,
  QpRequest,
  QualityPipelineDeps,
  SourceBucket,
} from './engine.ts';

export function createQualityPipelineReconciler(
  deps: QualityPipelineDeps,
): Reconciler<QualityPipelineSpec, QualityPipelineStatus> {
  const runs = deps.runs ?? new EmbeddedRuns();
  const full: QualityPipelineDeps = { ...deps, runs };
  const engines: Record<QualityEngine['name'], QualityEngine> = {
    embedded: embeddedEngine(runs),
    glue: glueEngine,
  };
  return {
    kind: qualityPipelineKind,
    resourcesOf: qualityPipelineResources,
    dependsOn: [
      {
        kind: 'ProtectedBucket',
        references: (object) =>
          object.spec.source.bucketRef ? [object.spec.source.bucketRef.name] : [],
      },
    ],
    async reconcile(request) {
      const settings = resolveSettings(request.object as QualityPipeline);
      request.status.engine = settings.engine;
      const { source, s3 } = await sourceBucket(request, settings, full);
      return engines[settings.engine].reconcile({
        request,
        settings,
        source,
        where: locations(settings, source.bucket),
        s3,
        deps: full,
        steps: new ReconcileSteps(request),
      });
    },
    // The engine the spec names: switching engines leaves the old engine's resources.
    finalize: (request) =>
      engines[request.object.spec.engine ?? 'embedded'].finalize(request, full),
  };
}

/** The operator's factory (src/kinds/index.ts): ProtectedBuckets read through the API server. */
export function qualityPipelineReconcilerFor(deps: { aws: AwsClients; kc: k8s.KubeConfig }) {
  return createQualityPipelineReconciler({
    aws: deps.aws,
    buckets: kubeProtectedBuckets(deps.kc),
  });
}
