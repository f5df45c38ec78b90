// Shared by the ProtectedBucket integration tests: objects, reconcile deps, read-backs.
import { type KMSClient, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import type {
  ProtectedBucket,
  ProtectedBucketSpec,
  ProtectedBucketStatus,
} from '../../src/api/protectedbucket.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { tagsFromKms } from '../../src/aws/ownership.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { readsByOperation } from '../harness/aws.ts';
import { reconcileDeps } from '../harness/operator.ts';
import {
  type ConvergeOptions,
  converge as convergeObject,
  reconcilePass,
} from '../harness/reconcile.ts';
import { aProtectedBucket } from '../harness/seawall-objects.ts';

export function pbObject(
  namespace: string,
  name: string,
  spec: ProtectedBucketSpec,
  status?: ProtectedBucketStatus,
  generation = 1,
): ProtectedBucket {
  return aProtectedBucket(name, spec, {
    metadata: { namespace, generation, uid: `${name}-uid` },
    status,
  });
}

type PbReconciler = Reconciler<ProtectedBucketSpec, ProtectedBucketStatus>;

/** One reconcile pass (see test/harness/reconcile.ts). */
export function reconcile(reconciler: PbReconciler, object: ProtectedBucket) {
  return reconcilePass(reconciler as Reconciler<never, never>, object);
}

/** Passes until the ProtectedBucket settles, as the controller would run them. */
export function converge(
  reconciler: PbReconciler,
  object: ProtectedBucket,
  options?: ConvergeOptions,
) {
  return convergeObject(reconciler as Reconciler<never, never>, object, options);
}

/** Keys of the account (region) carrying this owner tag (any owner: undefined), with their tags. */
export async function ownedKeys(kms: KMSClient, owner: string | undefined) {
  const out: { keyId: string; tags: Record<string, string> }[] = [];
  let marker: string | undefined;
  do {
    const keys = await kms.send(new ListKeysCommand({ Marker: marker }));
    for (const key of keys.Keys ?? []) {
      const tags = tagsFromKms(
        (await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags,
      );
      const found = tags['seawall.dev/owner'];
      if (found !== undefined && (owner === undefined || found === owner))
        out.push({ keyId: key.KeyId ?? '', tags });
    }
    marker = keys.Truncated ? keys.NextMarker : undefined;
  } while (marker);
  return out;
}

export { CallLog, readsByOperation, reconcileDeps };
