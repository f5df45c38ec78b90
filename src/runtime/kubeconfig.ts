// @kubernetes/client-node builds a new HTTP dispatcher (a new TLS connection, and a
// fresh read of the CA file) for every request. Under load that costs a TLS handshake
// per API call and grows memory. This shares one keep-alive dispatcher per
// cluster/user for the life of the process; watches keep their own connections.
import type * as k8s from '@kubernetes/client-node';

const patched = new WeakSet<k8s.KubeConfig>();

interface DispatcherFactory {
  createDispatcher(cluster: k8s.Cluster | null, agentOptions: unknown): unknown;
}

export function shareConnections(kc: k8s.KubeConfig): k8s.KubeConfig {
  if (patched.has(kc)) return kc;
  patched.add(kc);
  const target = kc as unknown as DispatcherFactory;
  const create = target.createDispatcher.bind(kc);
  const cache = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    const key = `${cluster?.name}|${cluster?.server}|${kc.getCurrentUser()?.name}`;
    if (!cache.has(key)) cache.set(key, create(cluster, agentOptions));
    return cache.get(key);
  };
  return kc;
}
