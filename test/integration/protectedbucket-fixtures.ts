// Shared by the ProtectedBucket integration tests: objects, reconcile deps, read-backs.
import { type KMSClient, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import type {
  ProtectedBucket,
  ProtectedBucketSpec,
  ProtectedBucketStatus,
} from '../../src/api/protectedbucket.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { tagsFromKms } from '../../src/aws/ownership.ts';
import { reconcileOnce } from '../../src/runtime/reconcile-once.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { readsByOperation } from '../harness/aws.ts';
import { reconcileDeps } from '../harness/operator.ts';
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

/** Reconciles and returns the object as the controller would store it (status folded in). */
/**
 * One reconcile. `object` is the object as the controller then stores it; `stored` is
 * what the API server holds if the process dies before its final status write: the last
 * checkpoint (the create journal, written before each create call).
 */
export async function reconcile(reconciler: PbReconciler, object: ProtectedBucket) {
  let checkpointed: Record<string, unknown> | undefined;
  const result = await reconcileOnce(reconciler, object, {
    ...reconcileDeps(),
    checkpoint: async (status) => {
      checkpointed = status;
    },
  });
  return {
    ...result,
    object: { ...object, status: result.status } as ProtectedBucket,
    stored: { ...object, status: checkpointed ?? object.status } as ProtectedBucket,
  };
}

/** Keys of the account (region) carrying an owner tag, with their tags. */
export async function ownedKeys(kms: KMSClient, owner: string) {
  const out: { keyId: string; tags: Record<string, string> }[] = [];
  const keys = await kms.send(new ListKeysCommand({}));
  for (const key of keys.Keys ?? []) {
    const tags = tagsFromKms(
      (await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags,
    );
    if (tags['seawall.dev/owner'] === owner) out.push({ keyId: key.KeyId ?? '', tags });
  }
  return out;
}

export { CallLog, readsByOperation, reconcileDeps };
