// Runtime benchmark (issue 3): N resources handled by a reconciler that makes no AWS
// calls, against a real kube-apiserver + etcd. Measures time until all are Ready,
// reconciles per second and the operator's memory at rest and at peak.
//   node bench/runtime.ts [COUNT=1000] [WORKERS=4]
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { protectedBucketKind } from '../src/api/protectedbucket.ts';
import { shareConnections } from '../src/runtime/kubeconfig.ts';
import { startProcess } from '../test/harness/processes.ts';
import { aProtectedBucket, isReady, seawallObjects } from '../test/harness/seawall-objects.ts';
import { repoRoot, startStack } from '../test/harness/stack.ts';
import { memoryOf, pooled, printTable, round, writeResults } from './lib.ts';

const count = Number(process.argv[2] ?? 1000);
const workers = Number(process.argv[3] ?? 4);
const stack = await startStack({ withAws: false });
try {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(stack.kubeconfig);
  shareConnections(kc);
  const namespace = 'bench';
  await kc
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } });
  const buckets = seawallObjects(kc, protectedBucketKind, namespace);

  const operator = startProcess(
    'operator',
    join(repoRoot, 'node_modules/.bin/node'),
    [join(repoRoot, 'bench/runtime-operator.ts'), stack.kubeconfig, namespace, String(workers)],
    join(stack.dir, 'operator.log'),
  );
  await new Promise((r) => setTimeout(r, 3000));
  const atRest = memoryOf(operator.pid);

  const names = Array.from({ length: count }, (_, i) => `pb-${String(i).padStart(5, '0')}`);
  const started = Date.now();
  await pooled(names, 16, async (name) => {
    await buckets.create(
      aProtectedBucket(name, { bucketName: `${name}-bench`, region: 'ca-central-1' }),
    );
  });
  const created = Date.now();
  let ready = 0;
  let peak = atRest.peakRssMiB;
  while (ready < count) {
    await new Promise((r) => setTimeout(r, 250));
    ready = (await buckets.list()).filter(isReady).length;
    peak = Math.max(peak, memoryOf(operator.pid).peakRssMiB);
    if (Date.now() - started > 600_000)
      throw new Error(`only ${ready}/${count} Ready after 10 minutes`);
  }
  const allReady = Date.now();
  const logFile = join(stack.dir, 'operator.log');
  const { readFileSync } = await import('node:fs');
  const httpPort = JSON.parse(
    readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes('httpPort')) ?? '{}',
  ).httpPort as number;
  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const reconciles = [...metrics.matchAll(/^seawall_reconcile_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
  await operator.stop();

  const seconds = (allReady - started) / 1000;
  const result = {
    benchmark: 'runtime',
    resources: count,
    workers,
    createSeconds: round((created - started) / 1000, 2),
    secondsUntilAllReady: round(seconds, 2),
    reconciles,
    reconcilesPerSecond: round(reconciles / seconds, 1),
    rssAtRestMiB: atRest.rssMiB,
    peakRssMiB: peak,
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  };
  printTable(`Runtime: ${count} resources, no-AWS reconciler, ${workers} workers`, [
    {
      resources: count,
      'create (s)': result.createSeconds,
      'all Ready (s)': result.secondsUntilAllReady,
      reconciles: reconciles,
      'reconciles/s': result.reconcilesPerSecond,
      'RSS at rest (MiB)': result.rssAtRestMiB,
      'peak RSS (MiB)': result.peakRssMiB,
    },
  ]);
  console.log(`wrote ${writeResults('runtime', result)}`);
} finally {
  await stack.stop();
}
