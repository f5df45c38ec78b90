// The operator process of the runtime benchmark: the real runtime with a reconciler
// that makes no AWS calls.  node bench/runtime-operator.ts KUBECONFIG NAMESPACE WORKERS
import * as k8s from '@kubernetes/client-node';
import { createLogger } from '../src/runtime/logger.ts';
import { startOperator } from '../src/runtime/operator.ts';
import { recordingReconciler } from '../test/fixtures/recording-reconciler.ts';

const [kubeconfig, namespace, workers = '4'] = process.argv.slice(2);
if (!kubeconfig || !namespace) throw new Error('usage: KUBECONFIG NAMESPACE [WORKERS]');
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const operator = await startOperator({
  kc,
  log: createLogger('warn'),
  reconcilers: [recordingReconciler()],
  namespaces: [namespace],
  workers: Number(workers),
  defaultDriftIntervalMs: 3_600_000,
  httpPort: 0,
  httpHost: '127.0.0.1',
});
console.log(JSON.stringify({ httpPort: operator.httpPort }));
process.once('SIGTERM', () => {
  void operator.stop(5000).then(() => process.exit(0));
});
