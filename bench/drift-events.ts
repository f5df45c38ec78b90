// Drift-events benchmark (issue 15, ADR 70): ProtectedBuckets with a backup, reconciled by
// the real operator against the strict local AWS with a logging trail, once with
// event-driven drift detection and once polling. Measures:
//  - drift-correction latency: versioning suspended by hand → Enabled again, seen by a
//    reader polling S3 every 50 ms; events: one change at a time; polling (30 s drift
//    interval, to keep the run short): all buckets changed at once, each timed;
//  - the time from the event being in the queue to the correction (events only: the
//    emulator's CloudTrail delay, --delivery seconds, is subtracted);
//  - AWS read calls of one drift check per ProtectedBucket, and read calls per
//    ProtectedBucket per hour at rest, events on (backstop 6 h, plus the queue and rule
//    checks every 10 min shared by all objects) vs off (10 min default interval);
//  - the SQS/EventBridge calls the event machinery makes per hour at rest (measured).
//   node bench/drift-events.ts [BUCKETS=10] [SAMPLES=20] [DELIVERY_SECONDS=0.1]
import { GetBucketVersioningCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import * as k8s from '@kubernetes/client-node';
import { Annotations } from '../src/api/common.ts';
import { type ProtectedBucket, protectedBucketKind } from '../src/api/protectedbucket.ts';
import { CallLog } from '../src/aws/calls.ts';
import { AccountDriftEventSources } from '../src/aws/events/accounts.ts';
import { createProtectedBucketReconciler } from '../src/kinds/protectedbucket/reconciler.ts';
import { awsWiring } from '../src/kinds/wiring.ts';
import { shareConnections } from '../src/runtime/kubeconfig.ts';
import { createLogger } from '../src/runtime/logger.ts';
import {
  DEFAULT_BACKSTOP_INTERVAL_MS,
  DEFAULT_DRIFT_INTERVAL_MS,
  type Operator,
  startOperator,
} from '../src/runtime/operator.ts';
import type { Reconciler } from '../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../test/harness/aws.ts';
import { uniqueName } from '../test/harness/kube.ts';
import { aProtectedBucket, isReady, seawallObjects } from '../test/harness/seawall-objects.ts';
import { startStack } from '../test/harness/stack.ts';
import { loggingTrail } from '../test/integration/strict-aws/events-fixtures.ts';
import { pooled, printTable, round, writeResults } from './lib.ts';

const count = Number(process.argv[2] ?? 10);
const samples = Number(process.argv[3] ?? 20);
const deliverySeconds = Number(process.argv[4] ?? 0.1);
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';
const POLL_INTERVAL_MS = 30_000;
const ENSURE_INTERVAL_MS = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    min: round(sorted[0] ?? 0, 2),
    median: round(sorted[Math.floor(sorted.length / 2)] ?? 0, 2),
    max: round(sorted[sorted.length - 1] ?? 0, 2),
  };
}

const stack = await startStack();
let operator: Operator | undefined;
try {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(stack.kubeconfig);
  shareConnections(kc);
  const namespace = 'bench-events';
  await kc
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } });
  const pbs = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace);
  const account: TestAccount = await isolatedAccount({ endpoint: stack.awsEndpoint });
  await account.strict.configureAccount(account.accountId, {
    eventDeliverySeconds: deliverySeconds,
  });
  await loggingTrail(account);
  const aws = account.operator.clients;
  const calls = new CallLog();
  aws.observe(calls.observer);
  const log = createLogger('warn');
  const reconcilers = [createProtectedBucketReconciler({ aws }) as Reconciler<never, never>];

  const start = async (events: boolean) => {
    operator = await startOperator({
      kc,
      log,
      ...awsWiring(aws),
      reconcilers,
      namespaces: [namespace],
      workers: 8,
      defaultDriftIntervalMs: events ? DEFAULT_DRIFT_INTERVAL_MS : POLL_INTERVAL_MS,
      ...(events
        ? {
            driftEvents: {
              source: new AccountDriftEventSources({
                home: aws,
                clientsOf: async () => undefined,
                log,
                waitTimeSeconds: 5,
              }),
              watchIntervalMs: 1000,
            },
          }
        : {}),
    });
  };
  const stop = async () => {
    await operator?.stop(5000);
    operator = undefined;
  };

  const names = Array.from({ length: count }, (_, i) => `pb-${i}`);
  const bucketOf = new Map(names.map((n) => [n, uniqueName(`sw-bench-${n}`)]));
  await start(true);
  const t0 = Date.now();
  await pooled(names, 8, async (name) => {
    await pbs.create(
      aProtectedBucket(name, {
        bucketName: bucketOf.get(name),
        region: REGION,
        backup: { bucketName: `${bucketOf.get(name)}-bk`, region: BACKUP_REGION },
      }),
    );
  });
  const allReady = async (what: (o: ProtectedBucket) => boolean, timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const list = await pbs.list();
      if (list.length === count && list.every(what)) return;
      await sleep(500);
    }
    throw new Error('timed out');
  };
  await allReady(isReady);
  const convergeSeconds = (Date.now() - t0) / 1000;
  await allReady((o) => o.status?.driftDetection?.mode === 'Events', 120_000);

  const person = account.admin.clients;
  const versioning = async (bucket: string) =>
    (await aws.s3(REGION).send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
  const suspend = (bucket: string) =>
    person.s3(REGION).send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
  const timeCorrection = async (bucket: string, timeoutMs: number): Promise<number> => {
    const started = Date.now();
    await suspend(bucket);
    while (Date.now() - started < timeoutMs) {
      if ((await versioning(bucket)) === 'Enabled') return (Date.now() - started) / 1000;
      await sleep(50);
    }
    throw new Error(`${bucket}: not corrected in ${timeoutMs} ms`);
  };

  // Events: one change at a time, round robin over the buckets.
  const eventLatencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    eventLatencies.push(await timeCorrection(bucketOf.get(names[i % count] ?? '') ?? '', 30_000));
    await sleep(300);
  }
  const afterQueue = eventLatencies.map((s) => Math.max(0, s - deliverySeconds));

  // One drift check per bucket (reconcile-requested-at): reads per ProtectedBucket.
  // At rest first: each correction above changed the replication path, so replication is
  // proven again by a probe, and each reconcile of that proof (probe written, read every
  // 2 s) is a whole pass over the facets. Measured while those ran, one requested check
  // looked like two (50.1 reads per ProtectedBucket instead of 24).
  const reconcileCount = async () =>
    ((await operator?.metrics.reconciles.get())?.values ?? []).reduce((s, v) => s + v.value, 0);
  let checkReconciles = 0;
  const readsOfChecks = async () => {
    await allReady((o) => isReady(o) && o.status?.replication?.state !== 'Pending', 120_000);
    await sleep(2000);
    const reconcilesBefore = await reconcileCount();
    calls.clear();
    const at = new Date().toISOString();
    await pooled(names, 8, async (name) => {
      await pbs.patch(name, {
        metadata: { annotations: { [Annotations.reconcileRequestedAt]: at } },
      });
    });
    await allReady((o) => (o.status?.drift?.lastCheckTime ?? '') >= at, 120_000);
    await sleep(1000);
    checkReconciles = (await reconcileCount()) - reconcilesBefore;
    return calls.reads().filter((c) => !['sqs', 'events'].includes(c.service));
  };
  const checkReads = await readsOfChecks();
  const readsPerCheck = checkReads.length / count;
  const readsByOperationPerCheck = Object.fromEntries(
    [...new Set(checkReads.map((c) => `${c.service}:${c.operation}`))].map((op) => [
      op,
      round(checkReads.filter((c) => `${c.service}:${c.operation}` === op).length / count, 1),
    ]),
  );

  // At rest with events: what the machinery itself calls, measured over a window.
  calls.clear();
  const windowMs = 60_000;
  await sleep(windowMs);
  const machinery = calls.calls.filter((c) => ['sqs', 'events'].includes(c.service));
  const machineryPerHour = (machinery.length * 3600_000) / windowMs;
  const regions = new Set(machinery.map((c) => c.region)).size;
  // The queue and rule checks (every 10 min) read per region: measured once.
  calls.clear();
  const { ensureRegionEvents } = await import('../src/aws/events/infrastructure.ts');
  await ensureRegionEvents(aws, REGION, account.accountId);
  const ensureReads = calls.reads().length;
  const ensureReadsPerHour = (ensureReads * regions * 3600_000) / ENSURE_INTERVAL_MS;
  const readsPerHourEventsOwn = (readsPerCheck * 3600_000) / DEFAULT_BACKSTOP_INTERVAL_MS;
  const readsPerHourEvents = readsPerHourEventsOwn + ensureReadsPerHour / count;
  const readsPerHourEvents1000 = readsPerHourEventsOwn + ensureReadsPerHour / 1000;
  const readsPerHourPolling = (readsPerCheck * 3600_000) / DEFAULT_DRIFT_INTERVAL_MS;

  // Polling: events off, a 30 s drift interval; every bucket changed at once.
  await stop();
  await start(false);
  await allReady((o) => o.status?.driftDetection?.mode === 'Polling', 120_000);
  const pollLatencies: number[] = [];
  while (pollLatencies.length < samples) {
    const round = names.slice(0, Math.min(count, samples - pollLatencies.length));
    pollLatencies.push(
      ...(await Promise.all(
        round.map((n) => timeCorrection(bucketOf.get(n) ?? '', POLL_INTERVAL_MS * 3)),
      )),
    );
  }
  await stop();

  const result = {
    benchmark: 'drift-events',
    protectedBuckets: count,
    withBackup: true,
    emulatedCloudTrailDelaySeconds: deliverySeconds,
    convergeSeconds: round(convergeSeconds, 1),
    correctionSeconds: {
      events: stats(eventLatencies),
      eventsAfterQueued: stats(afterQueue),
      polling30sInterval: stats(pollLatencies),
      pollingDefault10mExpected: { median: 300, max: 600 },
    },
    readsPerProtectedBucketPerCheck: round(readsPerCheck, 1),
    reconcilesPerProtectedBucketPerCheck: round(checkReconciles / count, 2),
    readsByOperationPerCheck,
    readsPerProtectedBucketPerHourAtRest: {
      polling10m: round(readsPerHourPolling, 1),
      events6hBackstop: round(readsPerHourEvents, 2),
      ratio: round(readsPerHourPolling / readsPerHourEvents, 1),
      eventsAt1000Objects: round(readsPerHourEvents1000, 2),
      ratioAt1000Objects: round(readsPerHourPolling / readsPerHourEvents1000, 1),
      note: 'per-check and per-queue-check reads measured; intervals as configured (10 min default, 6 h backstop, the queues and rule of each region checked every hour, shared by all objects)',
    },
    eventMachineryCallsPerHourAtRest: {
      measured: round(machineryPerHour, 0),
      regions,
      byOperation: Object.fromEntries(
        [...new Set(machinery.map((c) => c.operation))].map((op) => [
          op,
          round((machinery.filter((c) => c.operation === op).length * 3600_000) / windowMs, 0),
        ]),
      ),
      queueAndRuleCheckReadsPerRegion: ensureReads,
    },
  };
  printTable('drift events: correction latency (seconds)', [
    { mode: 'events (from the change)', ...result.correctionSeconds.events },
    { mode: 'events (after the event is queued)', ...result.correctionSeconds.eventsAfterQueued },
    { mode: 'polling, 30 s interval', ...result.correctionSeconds.polling30sInterval },
  ]);
  printTable('drift events: AWS read calls per ProtectedBucket (with backup)', [
    { what: 'one drift check', reads: result.readsPerProtectedBucketPerCheck },
    {
      what: 'per hour at rest, polling (10 min)',
      reads: result.readsPerProtectedBucketPerHourAtRest.polling10m,
    },
    {
      what: 'per hour at rest, events (6 h backstop)',
      reads: result.readsPerProtectedBucketPerHourAtRest.events6hBackstop,
    },
  ]);
  console.log(JSON.stringify(result.eventMachineryCallsPerHourAtRest));
  console.log(JSON.stringify(readsByOperationPerCheck));
  console.log(`wrote ${writeResults('drift-events', { runs: [result] })}`);
} finally {
  await operator?.stop(1000);
  await stack.stop();
}
