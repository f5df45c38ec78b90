// Embedded runs cannot stop the operator: each runs in a child process with the spec's
// memory and time limits. Against the real stack (kube-apiserver, moto S3), with leader
// election on: while one run checks the uniqueness of more ids than its memory holds
// (its frequency table spills to disk, and it passes) and another chews an oversized input
// until it breaks its memory limit, the operator keeps renewing its Lease, answers
// /healthz, and reconciles and runs a third pipeline — one whose rule is the classic
// catastrophic-backtracking pattern (a+)+$ on 30 a's and a '!'. The oversized run ends
// Failed with the reason; so does one over its time.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotations } from '../../src/api/common.ts';
import { type QualityPipeline, qualityPipelineKind } from '../../src/api/qualitypipeline.ts';
import { kubeProtectedBuckets } from '../../src/kinds/protectedbucket/reference.ts';
import { EmbeddedRuns } from '../../src/kinds/qualitypipeline/embedded-runs.ts';
import { createQualityPipelineReconciler } from '../../src/kinds/qualitypipeline/reconciler.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aQualityPipeline,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import { createBucket, getText, putText } from './qualitypipeline-fixtures.ts';

const LEASE = 'seawall-isolation-leader';

/**
 * Distinct ids enough that IsUnique's table outgrows a 320 MiB run: held in memory it takes
 * ~485 MiB (measured); the engine spills it to disk instead.
 */
function manyIdsCsv(rows: number): string {
  const parts = ['id,c\n'];
  for (let i = 0; i < rows; i++) parts.push(`meter-${i.toString(36)}-${'x'.repeat(44)},ok\n`);
  return parts.join('');
}

describe('embedded runs are isolated from the operator', () => {
  let kc: k8s.KubeConfig;
  let namespace: string;
  let pipelines: SeawallObjects<QualityPipeline>;
  let account: TestAccount;
  let operator: Operator;
  let bucket: string;
  const runs = new EmbeddedRuns();

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'qp-iso');
    pipelines = seawallObjects<QualityPipeline>(kc, qualityPipelineKind, namespace);
    account = await isolatedAccount();
    const reconciler = createQualityPipelineReconciler({
      aws: account.operator.clients,
      buckets: kubeProtectedBuckets(kc),
      runs,
      runPollMs: 200,
    });
    operator = await startTestOperator({
      kc,
      namespace,
      aws: account.operator.clients,
      reconcilers: [reconciler as Reconciler<never, never>],
      httpPort: 0,
      httpHost: '127.0.0.1',
      leaderElection: {
        namespace,
        name: LEASE,
        leaseDurationMs: 4000,
        renewDeadlineMs: 3000,
        retryPeriodMs: 500,
      },
    });
    const s3 = account.admin.clients.s3();
    bucket = uniqueName('qp-iso');
    await createBucket(s3, bucket);
    await putText(s3, bucket, 'ids/data.csv', manyIdsCsv(1_500_000));
    // One 60 MB field: what a broken export looks like.
    await putText(s3, bucket, 'oversized/data.csv', `id,c\n1,${'z'.repeat(60_000_000)}\n`);
    await putText(s3, bucket, 'evil/data.csv', `id,c\n1,${'a'.repeat(30)}!\n2,aaa\n`);
  }, 300_000);
  afterAll(async () => {
    runs.stopAll('the test ended');
    await operator?.stop(1000);
    await runs.settle();
  });

  const run = (name: string, spec: Record<string, unknown>) =>
    pipelines.create(
      aQualityPipeline(name, spec, {
        metadata: { annotations: { [Annotations.runRequestedAt]: 'now' } },
      }),
    );

  const finished = (name: string, timeoutMs: number) =>
    eventually(
      async () => {
        const qp = await pipelines.get(name);
        return qp.status?.lastRun ? qp : undefined;
      },
      { what: `${name} to finish a run`, timeoutMs },
    );

  it('keeps leading, answering and reconciling while one run spills a uniqueness table larger than its memory and another breaks its memory limit (Failed, with the reason)', async () => {
    const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
    const renewals = new Set<string>();
    const healthMs: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const lease = await coordination.readNamespacedLease({ name: LEASE, namespace });
        renewals.add(String(lease.spec?.renewTime));
        const started = performance.now();
        const health = await fetch(`http://127.0.0.1:${operator.httpPort}/healthz`);
        expect(health.status).toBe(200);
        healthMs.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();

    const ids = uniqueName('many-ids');
    await run(ids, {
      source: { bucketName: bucket, prefix: 'ids/' },
      rules: 'Rules = [ IsUnique "id", RowCount = 1500000 ]',
      embedded: { memoryLimit: '320Mi', timeout: '10m' },
    });
    const big = uniqueName('oversized');
    await run(big, {
      source: { bucketName: bucket, prefix: 'oversized/' },
      rules: 'Rules = [ ColumnValues "c" matches "(a+)+$" ]',
      embedded: { memoryLimit: '160Mi', timeout: '10m' },
    });
    // Both runs are under way in their own processes before the third pipeline starts.
    for (const name of [ids, big])
      await eventually(
        async () => ((await pipelines.get(name)).status?.currentRun ? true : undefined),
        { what: `${name}'s run to start`, timeoutMs: 30_000 },
      );
    const evil = uniqueName('backtracking');
    await run(evil, {
      source: { bucketName: bucket, prefix: 'evil/' },
      rules: 'Rules = [ ColumnValues "c" matches "(a+)+$" ]',
    });
    const evilDone = await finished(evil, 60_000);
    // Reconciled and run to the end while the uniqueness run still went on.
    const meanwhile = await pipelines.get(ids);
    expect(meanwhile.status?.lastRun, JSON.stringify(meanwhile.status?.lastRun)).toBeUndefined();
    expect(evilDone.status?.lastRun).toMatchObject({ state: 'Succeeded', rules: { failed: 1 } });
    expect(evilDone.status?.lastRun?.ruleResults?.[0]?.message).toContain('50.00 % of rows');

    const bigDone = await finished(big, 120_000);
    expect(bigDone.status?.lastRun?.state).toBe('Failed');
    expect(bigDone.status?.lastRun?.message).toMatch(
      /memory limit of 160 MiB \(spec\.embedded\.memoryLimit\)/,
    );
    // The stopped run leaves its record under the results prefix, like any run.
    const record = JSON.parse(
      await getText(
        account.admin.clients.s3(),
        bucket,
        `results/${big}/${bigDone.status?.lastRun?.id}.json`,
      ),
    ) as { status: string; error: string };
    expect(record).toMatchObject({ status: 'FAILED' });
    expect(record.error).toContain('spec.embedded.memoryLimit');
    // More distinct ids than 320 MiB holds: the table spilled, and the rule passed.
    const idsDone = await finished(ids, 240_000);
    watching = false;
    await watcher;
    expect(idsDone.status?.lastRun, idsDone.status?.lastRun?.message).toMatchObject({
      state: 'Succeeded',
      rules: { passed: 2 },
      rows: { processed: 1_500_000, trusted: 1_500_000 },
    });
    // The Lease was renewed throughout (every 500 ms), and /healthz always answered fast.
    expect(renewals.size).toBeGreaterThan(3);
    expect(Math.max(...healthMs)).toBeLessThan(1000);
    expect(runs.running).toBe(0);
  }, 300_000);

  it('fails a run that breaks its time limit, with the reason', async () => {
    const slow = uniqueName('slow');
    await run(slow, {
      source: { bucketName: bucket, prefix: 'ids/' },
      rules: 'Rules = [ IsUnique "id" ]',
      embedded: { memoryLimit: '4Gi', timeout: '1s' },
    });
    const done = await finished(slow, 60_000);
    expect(done.status?.lastRun?.state).toBe('Failed');
    expect(done.status?.lastRun?.message).toContain(
      'took longer than its time limit of 1s (spec.embedded.timeout)',
    );
  }, 120_000);
});
