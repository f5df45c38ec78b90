// ProtectedBucket benchmark (issue 4): N ProtectedBuckets, each with a backup (2 buckets,
// 2 keys, a role, a replication rule), reconciled by the real operator against moto and
// a real kube-apiserver. Measures:
//  - time until all are Ready;
//  - a steady-state drift check of every resource (reconcile-requested-at): AWS read calls
//    per resource per check, and write calls (must be 0);
//  - operator RSS at rest and at peak;
//  - drift-correction latency (versioning suspended by hand → Enabled again), with a 30 s
//    driftCheckInterval and with the reconcile-requested-at annotation.
//   node bench/protectedbucket.ts [COUNT=100] [WORKERS=8] [SAMPLES=5]
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  GetBucketVersioningCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import * as k8s from '@kubernetes/client-node';
import { Annotations } from '../src/api/common.ts';
import { type ProtectedBucket, protectedBucketKind } from '../src/api/protectedbucket.ts';
import { isReadOperation } from '../src/aws/calls.ts';
import { shareConnections } from '../src/runtime/kubeconfig.ts';
import { ROOT_CREDENTIALS } from '../test/harness/aws.ts';
import { startProcess } from '../test/harness/processes.ts';
import { aProtectedBucket, isReady, seawallObjects } from '../test/harness/seawall-objects.ts';
import { repoRoot, startStack } from '../test/harness/stack.ts';
import { memoryOf, pooled, printTable, resultsDir, round, writeResults } from './lib.ts';

const count = Number(process.argv[2] ?? 100);
const workers = Number(process.argv[3] ?? 8);
const samples = Number(process.argv[4] ?? 5);
const namespace = 'bench';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await startStack();
try {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(stack.kubeconfig);
  shareConnections(kc);
  await kc
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } });
  const buckets = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace);

  const sts = new STSClient({
    endpoint: stack.awsEndpoint,
    region: 'us-east-1',
    credentials: ROOT_CREDENTIALS,
  });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::210987654321:role/bench',
      RoleSessionName: 'bench',
    }),
  );
  const credentials = {
    accessKeyId: Credentials?.AccessKeyId ?? '',
    secretAccessKey: Credentials?.SecretAccessKey ?? '',
    sessionToken: Credentials?.SessionToken ?? '',
  };
  const s3 = new S3Client({
    endpoint: stack.awsEndpoint,
    region: 'ca-central-1',
    forcePathStyle: true,
    credentials,
  });

  const logFile = join(stack.dir, 'operator.log');
  const operator = startProcess(
    'operator',
    join(repoRoot, 'node_modules/.bin/node'),
    [
      join(repoRoot, 'bench/protectedbucket-operator.ts'),
      stack.kubeconfig,
      namespace,
      String(workers),
    ],
    logFile,
    {
      ...process.env,
      SEAWALL_BENCH_ENDPOINT: stack.awsEndpoint,
      SEAWALL_BENCH_CREDENTIALS: JSON.stringify(credentials),
    },
  );
  let httpPort = 0;
  for (let i = 0; i < 100 && !httpPort; i++) {
    await sleep(200);
    const line = readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes('httpPort'));
    if (line) httpPort = JSON.parse(line).httpPort;
  }
  if (!httpPort) throw new Error(`operator did not start; see ${logFile}`);
  const atRest = memoryOf(operator.pid);
  let peak = atRest.peakRssMiB;

  const run = Date.now().toString(36);
  const names = Array.from({ length: count }, (_, i) => `pb-${String(i).padStart(5, '0')}`);
  const bucketOf = (name: string) => `sw-${run}-${name}`;
  // The first SAMPLES resources check for drift every 30 s; the rest use the default.
  const intervalSample = names.slice(0, samples);
  const annotationSample = names.slice(samples, 2 * samples);

  const started = Date.now();
  await pooled(names, 16, async (name) => {
    await buckets.create(
      aProtectedBucket(name, {
        bucketName: bucketOf(name),
        region: 'ca-central-1',
        backup: { bucketName: `${bucketOf(name)}-bk`, region: 'us-west-2' },
        ...(intervalSample.includes(name) ? { driftCheckInterval: '30s' } : {}),
      }),
    );
  });
  const created = Date.now();

  let ready = 0;
  while (ready < count) {
    await sleep(500);
    ready = (await buckets.list()).filter(isReady).length;
    peak = Math.max(peak, memoryOf(operator.pid).peakRssMiB);
    if (Date.now() - started > 30 * 60_000)
      throw new Error(`only ${ready}/${count} Ready after 30 minutes`);
  }
  const allReady = Date.now();

  // Steady state: one drift check of every resource, requested by annotation.
  const scrape = async () => {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    let reads = 0;
    let writes = 0;
    const byOperation: Record<string, number> = {};
    for (const m of text.matchAll(
      /^seawall_aws_calls_total\{service="([^"]+)",operation="([^"]+)",outcome="[^"]+"\} (\d+)/gm,
    )) {
      const n = Number(m[3]);
      const op = `${m[1]}:${m[2]}`;
      byOperation[op] = (byOperation[op] ?? 0) + n;
      if (isReadOperation(m[2] ?? '')) reads += n;
      else writes += n;
    }
    const reconciles = [
      ...text.matchAll(
        /^seawall_reconcile_total\{kind="ProtectedBucket",result="([^"]+)"\} (\d+)/gm,
      ),
    ].reduce((sum, m) => sum + Number(m[2]), 0);
    return { reads, writes, reconciles, byOperation };
  };
  const annotate = (name: string, value: string) =>
    buckets.patch(name, {
      metadata: { annotations: { [Annotations.reconcileRequestedAt]: value } },
    });
  const before = await scrape();
  const checkStart = new Date();
  await pooled(names, 16, (name) => annotate(name, checkStart.toISOString()).then(() => undefined));
  for (;;) {
    await sleep(500);
    const items = await buckets.list();
    const checked = items.filter(
      (o) => (o.status?.drift?.lastCheckTime ?? '') >= checkStart.toISOString().slice(0, 19),
    ).length;
    peak = Math.max(peak, memoryOf(operator.pid).peakRssMiB);
    if (checked >= count) break;
  }
  const checkSeconds = (Date.now() - checkStart.getTime()) / 1000;
  const after = await scrape();
  const checks = after.reconciles - before.reconciles;
  const steadyReads = after.reads - before.reads;
  const steadyWrites = after.writes - before.writes;
  const readsByOperation = Object.fromEntries(
    Object.entries(after.byOperation)
      .map(([op, n]) => [op, round((n - (before.byOperation[op] ?? 0)) / checks, 2)])
      .filter(([, n]) => Number(n) > 0),
  );

  // Drift-correction latency: versioning suspended by hand, until S3 says Enabled again.
  const suspend = (bucket: string) =>
    s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
  const untilEnabled = async (bucket: string, since: number, limitMs: number) => {
    for (;;) {
      const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      if (out.Status === 'Enabled') return (Date.now() - since) / 1000;
      if (Date.now() - since > limitMs) return Number.NaN;
      await sleep(100);
    }
  };
  const intervalLatencies = await Promise.all(
    intervalSample.map(async (name) => {
      const t = Date.now();
      await suspend(bucketOf(name));
      return untilEnabled(bucketOf(name), t, 120_000);
    }),
  );
  const annotationLatencies = await Promise.all(
    annotationSample.map(async (name) => {
      const t = Date.now();
      await suspend(bucketOf(name));
      await annotate(name, new Date().toISOString());
      return untilEnabled(bucketOf(name), t, 60_000);
    }),
  );
  peak = Math.max(peak, memoryOf(operator.pid).peakRssMiB);
  const rssEnd = memoryOf(operator.pid).rssMiB;
  await operator.stop();

  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return {
      min: round(sorted[0] ?? Number.NaN, 2),
      median: round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, 2),
      max: round(sorted[sorted.length - 1] ?? Number.NaN, 2),
    };
  };
  const result = {
    benchmark: 'protectedbucket',
    resources: count,
    awsResourcesPerProtectedBucket:
      '2 buckets, 2 KMS keys (+aliases), 1 IAM role, 1 replication rule',
    workers,
    createSeconds: round((created - started) / 1000, 2),
    secondsUntilAllReady: round((allReady - started) / 1000, 2),
    steadyState: {
      checks,
      seconds: round(checkSeconds, 2),
      readCallsPerResourcePerCheck: round(steadyReads / checks, 2),
      writeCalls: steadyWrites,
      readsByOperationPerCheck: readsByOperation,
    },
    driftCorrectionLatencySeconds: {
      interval30s: stats(intervalLatencies),
      reconcileRequestedAt: stats(annotationLatencies),
    },
    operatorRssMiB: { atRest: atRest.rssMiB, peak, end: rssEnd },
    machine: { cpus: cpus().length, node: process.version },
    emulator: 'moto_server (single process)',
  };
  printTable(`ProtectedBucket: ${count} resources (each with a backup), ${workers} workers`, [
    {
      resources: count,
      'all Ready (s)': result.secondsUntilAllReady,
      'reads/resource/check': result.steadyState.readCallsPerResourcePerCheck,
      'writes at steady state': steadyWrites,
      'check of all (s)': result.steadyState.seconds,
      'RSS rest/peak (MiB)': `${atRest.rssMiB}/${peak}`,
      'drift fix, 30s interval (s, median/max)': `${result.driftCorrectionLatencySeconds.interval30s.median}/${result.driftCorrectionLatencySeconds.interval30s.max}`,
      'drift fix, annotation (s, median/max)': `${result.driftCorrectionLatencySeconds.reconcileRequestedAt.median}/${result.driftCorrectionLatencySeconds.reconcileRequestedAt.max}`,
    },
  ]);
  // One file, one entry per resource count (a run replaces its own count's entry).
  let previous: { runs?: (typeof result)[] } = {};
  try {
    previous = JSON.parse(readFileSync(join(resultsDir, 'protectedbucket.json'), 'utf8'));
  } catch {}
  const runs = [...(previous.runs ?? []).filter((r) => r.resources !== count), result].sort(
    (a, b) => a.resources - b.resources,
  );
  console.log(`wrote ${writeResults('protectedbucket', { runs })}`);
} finally {
  await stack.stop();
}
