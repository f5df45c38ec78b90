// The reconcilers Seawall runs, one per kind. Each kind's folder exports a factory
// taking the shared dependencies; adding a kind = one line here.
import type * as k8s from '@kubernetes/client-node';
import type { AwsClients } from '../aws/clients.ts';
import type { Reconciler } from '../runtime/reconciler.ts';
import { AccountDirectory, resolveBackupAccount } from './accounts/directory.ts';
import { accountScoped } from './accounts/scoped.ts';
import { type AccountSource, kubeAccounts } from './accounts/source.ts';
import { createAwsAccountReconciler } from './awsaccount/reconciler.ts';
import { createCostMonitorReconciler } from './costmonitor/reconciler.ts';
import { createProtectedBucketReconciler } from './protectedbucket/reconciler.ts';
import { kubeProtectedBuckets, type ProtectedBucketReader } from './protectedbucket/reference.ts';
import { createQualityPipelineReconciler } from './qualitypipeline/reconciler.ts';

export interface KindDeps {
  aws: AwsClients;
  kc: k8s.KubeConfig;
  /** Where bucketRefs are read (default: the cluster; `seawall plan` reads its files first). */
  buckets?: ProtectedBucketReader;
  /** Where AwsAccounts are read (default: the cluster; `seawall plan` offline: none). */
  accounts?: AccountSource;
  /** Every namespace must use an AwsAccount; the operator's own identity is never used for one. */
  requireAccount?: boolean;
}

type ReconcilerFactory = (deps: KindDeps, directory: AccountDirectory) => Reconciler<never, never>;

/** A kind that reads ProtectedBuckets by bucketRef, run per account. */
function readingBuckets<S, T>(
  create: (deps: { aws: AwsClients; buckets: ProtectedBucketReader }) => Reconciler<S, T>,
): ReconcilerFactory {
  return (deps, directory) =>
    accountScoped(directory, (aws) =>
      create({ aws, buckets: deps.buckets ?? kubeProtectedBuckets(deps.kc) }),
    ) as unknown as Reconciler<never, never>;
}

// Each namespaced kind runs per AWS account (accountScoped): built once per account's
// clients, after the account, its grant and the guardrails were checked.
const factories: ReconcilerFactory[] = [
  (_deps, directory) =>
    accountScoped(directory, (aws) =>
      createProtectedBucketReconciler({
        aws,
        backupAccount: (object) => resolveBackupAccount(directory, object as never),
      }),
    ) as unknown as Reconciler<never, never>,
  readingBuckets(createQualityPipelineReconciler),
  readingBuckets(createCostMonitorReconciler),
  (_deps, directory) =>
    createAwsAccountReconciler(directory) as unknown as Reconciler<never, never>,
];

export function accountDirectory(deps: KindDeps): AccountDirectory {
  return new AccountDirectory({
    home: deps.aws,
    source: deps.accounts ?? kubeAccounts(deps.kc),
    ...(deps.requireAccount !== undefined ? { requireAccount: deps.requireAccount } : {}),
  });
}

/** `directory`: one shared with the drift-event source, so both use one credentials cache. */
export function createReconcilers(
  deps: KindDeps,
  directory: AccountDirectory = accountDirectory(deps),
): Reconciler<never, never>[] {
  return factories.map((create) => create(deps, directory));
}
