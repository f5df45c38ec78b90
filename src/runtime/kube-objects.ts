// The narrow Kubernetes surface the controller needs for Seawall objects: read one,
// list, write status, change finalizers. Everything goes through the custom objects API
// as plain JSON (the typed models would rename fields such as `default`).
import * as k8s from '@kubernetes/client-node';
import type { SeawallObject } from '../api/common.ts';
import { GROUP, VERSION } from '../api/common.ts';
import type { KindDefinition } from '../api/kind-definition.ts';

export type AnyObject = SeawallObject<Record<string, unknown>, Record<string, unknown>>;

export interface KubeObjects {
  get(kind: KindDefinition, namespace: string, name: string): Promise<AnyObject | undefined>;
  /** Replaces `status` through the status subresource; never touches spec or metadata. */
  writeStatus(
    kind: KindDefinition,
    object: AnyObject,
    status: Record<string, unknown>,
  ): Promise<void>;
  /** Sets the finalizer list, guarded by resourceVersion (a conflict throws). */
  setFinalizers(kind: KindDefinition, object: AnyObject, finalizers: string[]): Promise<AnyObject>;
}

export function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

export function isConflict(error: unknown): boolean {
  return (error as { code?: number }).code === 409;
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export function kubeObjects(kc: k8s.KubeConfig): KubeObjects {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  return {
    async get(kind, namespace, name) {
      try {
        // A cluster-scoped kind (AwsAccount) is keyed with an empty namespace.
        return (await (namespace
          ? api.getNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace,
              plural: kind.plural,
              name,
            })
          : api.getClusterCustomObject({
              group: GROUP,
              version: VERSION,
              plural: kind.plural,
              name,
            }))) as AnyObject;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async writeStatus(kind, object, status) {
      const body = mergePatchFor(object.status ?? {}, status);
      const target = {
        group: GROUP,
        version: VERSION,
        plural: kind.plural,
        name: object.metadata.name ?? '',
        body: { status: body },
      };
      const namespace = object.metadata.namespace;
      if (namespace)
        await api.patchNamespacedCustomObjectStatus({ ...target, namespace }, mergePatch);
      else await api.patchClusterCustomObjectStatus(target, mergePatch);
    },
    async setFinalizers(kind, object, finalizers) {
      const target = {
        group: GROUP,
        version: VERSION,
        plural: kind.plural,
        name: object.metadata.name ?? '',
        body: { metadata: { finalizers, resourceVersion: object.metadata.resourceVersion } },
      };
      const namespace = object.metadata.namespace;
      return (await (namespace
        ? api.patchNamespacedCustomObject({ ...target, namespace }, mergePatch)
        : api.patchClusterCustomObject(target, mergePatch))) as AnyObject;
    },
  };
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON merge patch (RFC 7386) that turns `previous` into `next`. A merge patch merges
 * nested objects, so a key that went away must be sent as null at every depth — or a
 * failed run without a score would keep the score of the run before it.
 */
export function mergePatchFor(previous: Json, next: Json): Json {
  const patch: Json = {};
  for (const [key, value] of Object.entries(next)) {
    const before = previous[key];
    patch[key] =
      isPlainObject(value) && isPlainObject(before) ? mergePatchFor(before, value) : value;
  }
  for (const key of Object.keys(previous)) if (!(key in next)) patch[key] = null;
  return patch;
}
