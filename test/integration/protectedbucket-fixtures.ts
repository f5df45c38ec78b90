// Shared by the ProtectedBucket integration tests: objects, reconcile deps, read-backs.
import { type KMSClient, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { API_VERSION } from '../../src/api/common.ts';
import type {
  ProtectedBucket,
  ProtectedBucketSpec,
  ProtectedBucketStatus,
} from '../../src/api/protectedbucket.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { classifyAwsError } from '../../src/aws/errors.ts';
import { tagsFromKms } from '../../src/aws/ownership.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { type ReconcileDeps, reconcileOnce } from '../../src/runtime/reconcile-once.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';

export function pbObject(
  namespace: string,
  name: string,
  spec: ProtectedBucketSpec,
  status?: ProtectedBucketStatus,
  generation = 1,
): ProtectedBucket {
  return {
    apiVersion: API_VERSION,
    kind: 'ProtectedBucket',
    metadata: { namespace, name, generation, uid: `${name}-uid` },
    spec,
    ...(status ? { status } : {}),
  };
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

type PbReconciler = Reconciler<ProtectedBucketSpec, ProtectedBucketStatus>;

/** Reconciles and returns the object as the controller would store it (status folded in). */
export async function reconcile(reconciler: PbReconciler, object: ProtectedBucket) {
  const result = await reconcileOnce(reconciler, object, reconcileDeps());
  return { ...result, object: { ...object, status: result.status } as ProtectedBucket };
}

export function readsByOperation(log: CallLog): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of log.reads()) {
    const key = `${call.service}:${call.operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
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

export { CallLog };
