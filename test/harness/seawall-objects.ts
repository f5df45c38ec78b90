// Seawall custom objects (seawall.dev/v1alpha1) for integration tests and benchmarks: a
// typed client over k8s.CustomObjectsApi, `condition()`, and object builders in the
// cert-manager style (`aProtectedBucket(name, spec?, { metadata, status })`).
// No vitest import here: the benchmarks load this module outside vitest.
import * as k8s from '@kubernetes/client-node';
import {
  API_VERSION,
  type Condition,
  GROUP,
  type ObjectMeta,
  type SeawallObject,
  VERSION,
} from '../../src/api/common.ts';
import {
  type CostMonitor,
  type CostMonitorSpec,
  type CostMonitorStatus,
  costMonitorKind,
} from '../../src/api/costmonitor.ts';
import type { KindDefinition } from '../../src/api/kind-definition.ts';
import {
  type ProtectedBucket,
  type ProtectedBucketSpec,
  type ProtectedBucketStatus,
  protectedBucketKind,
} from '../../src/api/protectedbucket.ts';
import {
  type QualityPipeline,
  type QualityPipelineSpec,
  type QualityPipelineStatus,
  qualityPipelineKind,
} from '../../src/api/qualitypipeline.ts';

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export type AnySeawallObject = SeawallObject<Record<string, unknown>, Record<string, unknown>>;

/** Create/get/list/patch/patchStatus/delete of one kind in one namespace. */
export interface SeawallObjects<T = AnySeawallObject> {
  create(body: object): Promise<T>;
  get(name: string): Promise<T>;
  list(): Promise<T[]>;
  /** A JSON merge patch of the object (spec, metadata). */
  patch(name: string, body: Record<string, unknown>): Promise<T>;
  /** A JSON merge patch of `status` through the status subresource. */
  patchStatus(name: string, status: Record<string, unknown>): Promise<T>;
  delete(name: string): Promise<void>;
}

export interface SeawallObjectsOptions {
  /** Sent on create; 'Strict' makes the API server refuse unknown fields. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

/**
 * A client for one Seawall kind. `namespace` may be a function, read on every call, for a
 * test that moves from namespace to namespace.
 */
export function seawallObjects<T = AnySeawallObject>(
  kc: k8s.KubeConfig,
  kind: KindDefinition,
  namespace: string | (() => string),
  options: SeawallObjectsOptions = {},
): SeawallObjects<T> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const at = () => ({
    group: GROUP,
    version: VERSION,
    namespace: typeof namespace === 'string' ? namespace : namespace(),
    plural: kind.plural,
  });
  return {
    async create(body) {
      return (await custom.createNamespacedCustomObject({
        ...at(),
        ...(options.fieldValidation ? { fieldValidation: options.fieldValidation } : {}),
        body,
      })) as T;
    },
    async get(name) {
      return (await custom.getNamespacedCustomObject({ ...at(), name })) as T;
    },
    async list() {
      return ((await custom.listNamespacedCustomObject(at())) as { items: T[] }).items;
    },
    async patch(name, body) {
      return (await custom.patchNamespacedCustomObject({ ...at(), name, body }, mergePatch)) as T;
    },
    async patchStatus(name, status) {
      return (await custom.patchNamespacedCustomObjectStatus(
        { ...at(), name, body: { status } },
        mergePatch,
      )) as T;
    },
    async delete(name) {
      await custom.deleteNamespacedCustomObject({ ...at(), name });
    },
  };
}

/** The condition of `type` in the object's status, if any. */
export function condition<C extends { type: string }>(
  obj: { status?: { conditions?: readonly C[] } | undefined },
  type: string,
): C | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

/** Ready=True. */
export function isReady(obj: {
  status?: { conditions?: readonly { type: string; status: string }[] } | undefined;
}): boolean {
  return condition(obj, 'Ready')?.status === 'True';
}

/** A Ready condition as the reconciler writes it (True: Succeeded; False: Progressing). */
export function readyCondition(ready = true): Condition {
  return {
    type: 'Ready',
    status: ready ? 'True' : 'False',
    observedGeneration: 1,
    lastTransitionTime: new Date().toISOString(),
    reason: ready ? 'Succeeded' : 'Progressing',
    message: ready ? 'AWS matches the spec' : 'creating the bucket',
  };
}

/** What a builder adds beyond name and spec. */
export interface Build<Status> {
  metadata?: ObjectMeta;
  status?: Status;
}

function build<Spec, Status>(
  kind: string,
  name: string,
  spec: Spec,
  { metadata, status }: Build<Status>,
): SeawallObject<Spec, Status> {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: { name, ...metadata },
    spec,
    ...(status ? { status } : {}),
  };
}

/**
 * A ProtectedBucket; without a spec, bucket `<name>-b` in ca-central-1. A spec given is
 * used as it is (it may be invalid on purpose).
 */
export function aProtectedBucket(
  name: string,
  spec: ProtectedBucketSpec | Record<string, unknown> = {
    bucketName: `${name}-b`,
    region: 'ca-central-1',
  },
  extra: Build<ProtectedBucketStatus> = {},
): ProtectedBucket {
  return build(protectedBucketKind.kind, name, spec as ProtectedBucketSpec, extra);
}

/** A CostMonitor; without a spec, an empty one in ca-central-1. */
export function aCostMonitor(
  name: string,
  spec: CostMonitorSpec | Record<string, unknown> = { region: 'ca-central-1' },
  extra: Build<CostMonitorStatus> = {},
): CostMonitor {
  return build(costMonitorKind.kind, name, spec as CostMonitorSpec, extra);
}

/** A QualityPipeline with the spec given. */
export function aQualityPipeline(
  name: string,
  spec: QualityPipelineSpec | Record<string, unknown>,
  extra: Build<QualityPipelineStatus> = {},
): QualityPipeline {
  return build(qualityPipelineKind.kind, name, spec as QualityPipelineSpec, extra);
}
