// Where the AwsAccounts and namespace labels are read from: the cluster, through a short
// cache — every reconcile asks, and 10,000 objects must not mean 10,000 LIST calls
// (docs/sizing.md). A change to an AwsAccount is seen within ACCOUNT_CACHE_MS.
import * as k8s from '@kubernetes/client-node';
import type { AwsAccount } from '../../api/awsaccount.ts';
import { awsAccountKind } from '../../api/awsaccount.ts';
import { GROUP, VERSION } from '../../api/common.ts';
import type { KnownAccount } from './choice.ts';

export interface AccountSource {
  accounts(): Promise<KnownAccount[]>;
  namespaceLabels(namespace: string): Promise<Record<string, string>>;
}

export const ACCOUNT_CACHE_MS = 5_000;

/** No AwsAccounts at all (`seawall plan` without a cluster): every object uses the operator's identity. */
export const noAccounts: AccountSource = {
  accounts: async () => [],
  namespaceLabels: async () => ({}),
};

export function kubeAccounts(kc: k8s.KubeConfig, cacheMs = ACCOUNT_CACHE_MS): AccountSource {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let listed: { at: number; value: Promise<KnownAccount[]> } | undefined;
  const labels = new Map<string, { at: number; value: Promise<Record<string, string>> }>();
  return {
    accounts() {
      if (!listed || Date.now() - listed.at > cacheMs) {
        const value = (
          custom.listClusterCustomObject({
            group: GROUP,
            version: VERSION,
            plural: awsAccountKind.plural,
          }) as Promise<{ items: AwsAccount[] }>
        ).then((list) =>
          list.items
            // An AwsAccount being deleted grants nothing new.
            .filter((a) => !a.metadata.deletionTimestamp)
            .map((a) => ({ name: a.metadata.name ?? '', spec: a.spec })),
        );
        value.catch(() => {
          listed = undefined;
        });
        listed = { at: Date.now(), value };
      }
      return listed.value;
    },
    namespaceLabels(namespace) {
      const cached = labels.get(namespace);
      if (cached && Date.now() - cached.at <= cacheMs) return cached.value;
      const value = core.readNamespace({ name: namespace }).then((ns) => ns.metadata?.labels ?? {});
      value.catch(() => labels.delete(namespace));
      labels.set(namespace, { at: Date.now(), value });
      return value;
    },
  };
}
