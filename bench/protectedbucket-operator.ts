// The operator process of the ProtectedBucket benchmark: the real runtime and the real
// ProtectedBucket reconciler against moto.
//   node bench/protectedbucket-operator.ts KUBECONFIG NAMESPACE WORKERS
// AWS: SEAWALL_BENCH_ENDPOINT and SEAWALL_BENCH_CREDENTIALS (JSON) in the environment.
import { AwsClients } from '../src/aws/clients.ts';
import { createProtectedBucketReconciler } from '../src/kinds/protectedbucket/reconciler.ts';
import { awsWiring } from '../src/kinds/wiring.ts';
import type { Reconciler } from '../src/runtime/reconciler.ts';
import { serveBenchOperator } from './lib.ts';

const [kubeconfig, namespace, workers = '8'] = process.argv.slice(2);
const endpoint = process.env.SEAWALL_BENCH_ENDPOINT;
const credentials = JSON.parse(process.env.SEAWALL_BENCH_CREDENTIALS ?? 'null');
if (!kubeconfig || !namespace || !endpoint || !credentials)
  throw new Error('usage: KUBECONFIG NAMESPACE [WORKERS] with SEAWALL_BENCH_ENDPOINT/CREDENTIALS');
const aws = new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1' });
await serveBenchOperator(kubeconfig, namespace, Number(workers), {
  ...awsWiring(aws),
  reconcilers: [createProtectedBucketReconciler({ aws }) as Reconciler<never, never>],
});
