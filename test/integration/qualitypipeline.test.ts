// QualityPipeline, engine embedded, against the real local stack: the API server's
// validation (CEL), the operator running a pipeline over seeded CSV in moto S3, the
// outputs row by row, status and `kubectl get`, DQDL and cron refused, bucketRef waiting.
//
// The sources are plain buckets (spec.source.bucketName) or a ProtectedBucket whose
// Ready status the test sets by hand: moto enforces a TLS-only bucket policy's Deny with
// its Condition ignored, so a ProtectedBucket with enforceTLS: true would make every
// PutObject of the engine fail in moto (never in AWS).
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotations } from '../../src/api/common.ts';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { type QualityPipeline, qualityPipelineKind } from '../../src/api/qualitypipeline.ts';
import { kubeProtectedBuckets } from '../../src/kinds/protectedbucket/reference.ts';
import { EmbeddedRuns } from '../../src/kinds/qualitypipeline/embedded-runs.ts';
import { createQualityPipelineReconciler } from '../../src/kinds/qualitypipeline/reconciler.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import { reconcileOnce } from '../../src/runtime/reconcile-once.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aProtectedBucket,
  aQualityPipeline,
  condition,
  readyCondition,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import {
  createBucket,
  getText,
  kubectl,
  listKeys,
  putText,
  qpObject,
  reconcileDeps,
} from './qualitypipeline-fixtures.ts';

const METERS = [
  'meter_id,area,rate,credit_card',
  'M1,Downtown,3.5,Y',
  'M2,Kitsilano,2.0,N',
  'M3,,4.0,Y',
  'M4,Downtown,25,Y',
  'M5,Gastown,1.5,Y',
].join('\n');

const RULES = `Rules = [
  IsComplete "area",
  ColumnValues "rate" between 0 and 20,
  RowCount > 3
]`;

describe('QualityPipeline (embedded) on the local stack', () => {
  let kc: k8s.KubeConfig;
  let namespace: string;
  let pipelines: SeawallObjects<QualityPipeline>;
  let buckets: SeawallObjects;
  let account: TestAccount;
  let operator: Operator;
  const runs = new EmbeddedRuns();

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'qp');
    pipelines = seawallObjects<QualityPipeline>(kc, qualityPipelineKind, namespace, {
      fieldValidation: 'Strict',
    });
    buckets = seawallObjects(kc, protectedBucketKind, namespace);
    account = await isolatedAccount();
    const reconciler = createQualityPipelineReconciler({
      aws: account.operator.clients,
      buckets: kubeProtectedBuckets(kc),
      runs,
      runPollMs: 200,
      dependencyPollMs: 500,
    });
    operator = await startTestOperator({
      kc,
      namespace,
      aws: account.operator.clients,
      reconcilers: [reconciler as Reconciler<never, never>],
    });
  });
  afterAll(async () => {
    await operator?.stop(1000);
    await runs.settle();
  });

  const create = (
    name: string,
    spec: Record<string, unknown>,
    annotations?: Record<string, string>,
  ) =>
    pipelines.create(
      aQualityPipeline(name, spec, annotations ? { metadata: { annotations } } : {}),
    );

  const waitFor = (name: string, what: string, check: (qp: QualityPipeline) => boolean) =>
    eventually(
      async () => {
        const qp = await pipelines.get(name);
        return check(qp) ? qp : undefined;
      },
      { what, timeoutMs: 30_000 },
    );

  it('runs over seeded CSV: trusted and quarantine rows exactly as expected, status and kubectl get', async () => {
    const s3 = account.admin.clients.s3();
    const bucket = uniqueName('qp-raw');
    await createBucket(s3, bucket);
    await putText(s3, bucket, 'raw/meters.csv', METERS);
    const name = uniqueName('meters');
    await create(
      name,
      { source: { bucketName: bucket, prefix: 'raw/' }, rules: RULES, minScore: 0.3 },
      { [Annotations.runRequestedAt]: 'first' },
    );
    const qp = await waitFor(name, 'a finished run', (o) => o.status?.lastRun?.state !== undefined);
    const run = qp.status?.lastRun;
    expect(run).toMatchObject({
      engine: 'embedded',
      trigger: 'Manual',
      state: 'Succeeded',
      rules: { total: 3, passed: 1, failed: 2, errored: 0 },
      rows: { processed: 5, trusted: 3, quarantined: 2, malformed: 0 },
    });
    expect(run?.score).toBe(0.3333); // 1 of 3 rules, shown to 4 decimals
    expect(run?.ruleResults?.map((r) => [r.name, r.outcome])).toEqual([
      ['Rule_1', 'FAIL'],
      ['Rule_2', 'FAIL'],
      ['Rule_3', 'PASS'],
    ]);
    const id = run?.id ?? '';
    expect(run?.outputs).toEqual({
      trusted: `s3://${bucket}/trusted/${name}/${id}/`,
      quarantine: `s3://${bucket}/quarantine/${name}/${id}/`,
      results: `s3://${bucket}/results/${name}/${id}.json`,
    });
    expect(qp.status?.handledRunRequest).toBe('first');
    expect(qp.status?.currentRun).toBeUndefined();
    expect(qp.status?.history?.map((h) => h.id)).toEqual([id]);
    expect(qp.status?.nextRunTime).toMatch(/T02:00:00/);
    expect(condition(qp, 'Ready')?.status).toBe('True');
    expect(condition(qp, 'LastRunSucceeded')).toMatchObject({
      status: 'True',
      reason: 'RunSucceeded',
    });

    // The score is published for CostMonitor dashboards: Seawall/DataQuality Score.
    const metrics = await account.admin.clients.cloudwatch().send(
      new GetMetricStatisticsCommand({
        Namespace: 'Seawall/DataQuality',
        MetricName: 'Score',
        Dimensions: [{ Name: 'Pipeline', Value: `${namespace}/${name}` }],
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(Date.now() + 3_600_000),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    expect(metrics.Datapoints?.map((d) => d.Maximum)).toEqual([0.3333]);

    expect(await listKeys(s3, bucket, 'trusted/')).toEqual([`trusted/${name}/${id}/meters.csv`]);
    expect(await listKeys(s3, bucket, 'quarantine/')).toEqual([
      `quarantine/${name}/${id}/meters.csv`,
    ]);
    const trusted = await getText(s3, bucket, `trusted/${name}/${id}/meters.csv`);
    expect(trusted).toBe(
      [
        'meter_id,area,rate,credit_card',
        'M1,Downtown,3.5,Y',
        'M2,Kitsilano,2.0,N',
        'M5,Gastown,1.5,Y',
        '',
      ].join('\n'),
    );
    // Quarantined rows keep their columns and add, as CSV fields holding JSON arrays, the
    // rules they failed and why (the embedded engine's row-level outcomes).
    const quarantined = await getText(s3, bucket, `quarantine/${name}/${id}/meters.csv`);
    expect(quarantined).toBe(
      [
        'meter_id,area,rate,credit_card,DataQualityRulesFail,DataQualityFailureReasons',
        'M3,,4.0,Y,"[""IsComplete \\""area\\""""]","[""Rule_1: Value: NULL""]"',
        'M4,Downtown,25,Y,"[""ColumnValues \\""rate\\"" between 0 and 20""]","[""Rule_2: Value: 25 does not meet the constraint requirement!""]"',
        '',
      ].join('\n'),
    );
    const results = JSON.parse(await getText(s3, bucket, `results/${name}/${id}.json`));
    expect(results).toMatchObject({ runId: id, engine: 'embedded', status: 'SUCCEEDED' });

    // -o wide: the secondary columns too (DRIFT ... QUARANTINED after AGE).
    const table = await kubectl('get', 'qualitypipelines', '-n', namespace, name, '-o', 'wide');
    const [header, row] = table.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'NAME',
      'SCORE',
      'LAST RUN',
      'NEXT RUN',
      'READY',
      'STATUS',
      'AGE',
      'DRIFT',
      'CORRECTED',
      'ENGINE',
      'SCHEDULE',
      'STATE',
      'TRUSTED',
      'QUARANTINED',
    ]);
    expect(row).toMatch(
      new RegExp(
        `^${name}\\s+0\\.33\\d*\\s+\\S+\\s+\\d{4}-\\d\\d-\\d\\dT\\S+\\s+True\\s+Next run at .*\\s+embedded\\s+cron\\(0 2 \\? \\* MON \\*\\)\\s+Succeeded\\s+3\\s+2$`,
      ),
    );
    expect(await kubectl('get', 'qp', '-n', namespace, '-o', 'name')).toContain(name);

    // A run under minScore is Failed, LastRunSucceeded=False, and the resource stays Ready.
    await pipelines.patch(name, {
      metadata: { annotations: { [Annotations.runRequestedAt]: 'second' } },
      spec: { minScore: 0.9 },
    });
    const failed = await waitFor(name, 'a second run', (o) => o.status?.history?.length === 2);
    expect(failed.status?.lastRun?.state).toBe('Failed');
    expect(failed.status?.lastRun?.message).toMatch(
      /below minScore 0.9 \(failed: Rule_1, Rule_2\)/,
    );
    expect(condition(failed, 'LastRunSucceeded')).toMatchObject({
      status: 'False',
      reason: 'RunFailed',
    });
    expect(condition(failed, 'Ready')?.status).toBe('True');
    expect(condition(failed, 'Stalled')).toBeUndefined();
    expect(failed.status?.history?.map((h) => h.state)).toEqual(['Failed', 'Succeeded']);
  });

  it('refuses a schedule the API server can judge (fieldValidation Strict)', async () => {
    const spec = (schedule: string) => ({
      source: { bucketName: 'any-bucket', prefix: 'raw/' },
      rules: RULES,
      schedule,
    });
    const refused = async (schedule: string) => {
      try {
        await create(uniqueName('cron'), spec(schedule));
        return 'accepted';
      } catch (error) {
        return String((error as { body?: string }).body ?? error);
      }
    };
    expect(await refused('cron(0 2 * * MON *)')).toMatch(
      /exactly one of day-of-month and day-of-week/,
    );
    expect(await refused('cron(0 2 * * 1)')).toMatch(/six fields/);
    expect(await refused('cron(* 2 ? * MON *)')).toMatch(/more often than every 5 minutes/);
    expect(await refused('0 2 * * 1')).toMatch(/six fields/);
    expect(await refused('cron(0 2 ? * MON *)')).toBe('accepted');
  });

  it('stalls on what only Seawall can judge: DQDL syntax (line and column), unsupported rules, a too-frequent schedule', async () => {
    const s3 = account.admin.clients.s3();
    const bucket = uniqueName('qp-bad');
    await createBucket(s3, bucket);
    const cases = [
      {
        rules: 'Rules = [\n  IsComplete "a",\n  ColumnValues "b" >\n]',
        reason: 'InvalidRules',
        message: /line 4, column 1/,
      },
      {
        rules: 'Rules = [\n  IsComplete "a",\n  CustomSql "select count(*) from primary" > 0\n]',
        reason: 'RuleNotSupported',
        message: /line 3, column 3: CustomSql cannot run on the embedded engine/,
      },
      {
        rules: RULES,
        schedule: 'cron(0,2 * * * ? *)',
        reason: 'InvalidSchedule',
        message: /every 2 minute/,
      },
    ];
    for (const c of cases) {
      const name = uniqueName('bad');
      await create(name, {
        source: { bucketName: bucket, prefix: 'raw/' },
        rules: c.rules,
        ...(c.schedule ? { schedule: c.schedule } : {}),
      });
      const qp = await waitFor(
        name,
        `Stalled ${c.reason}`,
        (o) => condition(o, 'Stalled')?.status === 'True',
      );
      expect(condition(qp, 'Stalled')?.reason).toBe(c.reason);
      expect(condition(qp, 'Ready')).toMatchObject({ status: 'False', reason: c.reason });
      expect(condition(qp, 'Stalled')?.message).toMatch(c.message);
    }
  });

  it('waits for a missing, then not-Ready bucketRef with DependencyNotReady, and proceeds once it is Ready', async () => {
    const s3 = account.admin.clients.s3();
    const bucket = uniqueName('qp-pb');
    const pbName = uniqueName('pb');
    const name = uniqueName('ref');
    await create(
      name,
      { source: { bucketRef: { name: pbName }, prefix: 'raw/' }, rules: RULES },
      { [Annotations.runRequestedAt]: 'go' },
    );
    const missing = await waitFor(
      name,
      'DependencyNotReady',
      (o) => condition(o, 'Ready')?.reason === 'DependencyNotReady',
    );
    expect(condition(missing, 'Ready')?.message).toMatch(/does not exist yet/);
    expect(condition(missing, 'Reconciling')?.status).toBe('True');

    // The ProtectedBucket exists but is not Ready (no PB reconciler runs in this test).
    await buckets.create(
      // enforceTLS false: moto would refuse every PutObject under a TLS-only policy.
      aProtectedBucket(pbName, { bucketName: bucket, region: 'us-east-1', enforceTLS: false }),
    );
    await waitFor(name, 'not created yet message', (o) =>
      /has not created and encrypted its bucket yet/.test(condition(o, 'Ready')?.message ?? ''),
    );

    // Simulate the ProtectedBucket reconciler: the bucket exists and the PB is Ready.
    await createBucket(s3, bucket);
    await putText(s3, bucket, 'raw/meters.csv', METERS);
    await buckets.patchStatus(pbName, {
      observedGeneration: 1,
      conditions: [readyCondition()],
      bucketArn: `arn:aws:s3:::${bucket}`,
      keyArn: 'arn:aws:kms:us-east-1:000000000000:key/k',
    });
    const ran = await waitFor(
      name,
      'a run after the bucket is Ready',
      (o) => o.status?.lastRun?.state === 'Succeeded',
    );
    expect(ran.status?.lastRun?.outputs?.trusted).toContain(`s3://${bucket}/trusted/${name}/`);
    expect(condition(ran, 'Ready')?.status).toBe('True');
  });

  it('marks a run cut short by a crash as failed and does not repeat it; a missed slot runs once', async () => {
    const s3 = account.admin.clients.s3();
    const bucket = uniqueName('qp-crash');
    await createBucket(s3, bucket);
    await putText(s3, bucket, 'raw/meters.csv', METERS);
    const reconciler = createQualityPipelineReconciler({
      aws: account.operator.clients,
      buckets: { get: async () => undefined },
      runs: new EmbeddedRuns({ operatorId: 'process-b' }),
    });
    const spec = {
      source: { bucketName: bucket, prefix: 'raw/' },
      rules: RULES,
      schedule: 'cron(0 * * * ? *)',
    };
    const created = '2026-01-01T00:00:00.000Z';
    const crashed = qpObject(
      namespace,
      'crashed',
      spec,
      {
        observedGeneration: 1,
        lastScheduledTime: '2026-01-01T05:00:00.000Z',
        currentRun: {
          id: 'r-cut-short',
          engine: 'embedded',
          trigger: 'Schedule',
          startedAt: '2026-01-01T05:00:00.000Z',
          operator: 'process-a',
        },
      },
      { creationTimestamp: created },
    );
    const now = new Date('2026-01-01T09:30:00.000Z');
    const first = await reconcileOnce(
      reconciler,
      crashed,
      reconcileDeps(() => now),
    );
    expect(first.status.history?.[0]).toMatchObject({ id: 'r-cut-short', state: 'Failed' });
    expect(first.status.lastRun?.message).toMatch(/cut short: operator process-a stopped/);
    expect(condition({ ...crashed, status: first.status }, 'LastRunSucceeded')?.status).toBe(
      'False',
    );
    // Slots 06:00 .. 09:00 were missed while down: one run, for the latest slot.
    expect(first.status.currentRun).toMatchObject({
      trigger: 'MissedSchedule',
      scheduledTime: '2026-01-01T09:00:00.000Z',
      operator: 'process-b',
    });
    expect(first.status.currentRun?.id).not.toBe('r-cut-short');
    expect(first.status.lastScheduledTime).toBe('2026-01-01T09:00:00.000Z');
    expect(first.requeueAfterMs).toBe(0);

    // Nothing due: the pipeline is requeued for its next slot (10:00), 28 minutes away —
    // within its drift interval (1h here; the default 10m would cap the delay).
    const idle = qpObject(
      namespace,
      'idle',
      { ...spec, driftCheckInterval: '1h' },
      { observedGeneration: 1, lastScheduledTime: '2026-01-01T09:00:00.000Z' },
      { creationTimestamp: created },
    );
    const waiting = await reconcileOnce(
      reconciler,
      idle,
      reconcileDeps(() => new Date('2026-01-01T09:32:00.000Z')),
    );
    expect(waiting.outcome).toBe('ready');
    expect(waiting.status.currentRun).toBeUndefined();
    expect(waiting.status.nextRunTime).toBe('2026-01-01T10:00:00.000Z');
    expect(waiting.requeueAfterMs).toBe(28 * 60_000);
  });
});
