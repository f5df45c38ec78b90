// The operator process of the ProtectedBucket benchmark: the real runtime and the real
// ProtectedBucket reconciler against moto.
//   node bench/protectedbucket-operator.ts KUBECONFIG NAMESPACE WORKERS
// AWS: SEAWALL_BENCH_ENDPOINT and SEAWALL_BENCH_CREDENTIALS (JSON) in the environment.
import * as k8s from '@kubernetes/client-node';
import { AwsClients } from '../src/aws/clients.ts';
import { createProtectedBucketReconciler } from '../src/kinds/protectedbucket/reconciler.ts';
import { createLogger } from '../src/runtime/logger.ts';
import { startOperator } from '../src/runtime/operator.ts';
import type { Reconciler } from '../src/runtime/reconciler.ts';

const [kubeconfig, namespace, workers = '8'] = process.argv.slice(2);
const endpoint = process.env.SEAWALL_BENCH_ENDPOINT;
const credentials = JSON.parse(process.env.SEAWALL_BENCH_CREDENTIALS ?? 'null');
if (!kubeconfig || !namespace || !endpoint || !credentials)
  throw new Error('usage: KUBECONFIG NAMESPACE [WORKERS] with SEAWALL_BENCH_ENDPOINT/CREDENTIALS');
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const aws = new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1' });
const operator = await startOperator({
  kc,
  log: createLogger('warn'),
  aws,
  reconcilers: [createProtectedBucketReconciler({ aws }) as Reconciler<never, never>],
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
