// The operator process of the runtime benchmark: the real runtime with a reconciler
// that makes no AWS calls.  node bench/runtime-operator.ts KUBECONFIG NAMESPACE WORKERS
import { recordingReconciler } from '../test/fixtures/recording-reconciler.ts';
import { serveBenchOperator } from './lib.ts';

const [kubeconfig, namespace, workers = '4'] = process.argv.slice(2);
if (!kubeconfig || !namespace) throw new Error('usage: KUBECONFIG NAMESPACE [WORKERS]');
await serveBenchOperator(kubeconfig, namespace, Number(workers), {
  reconcilers: [recordingReconciler()],
});
