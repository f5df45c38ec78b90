// /metrics of a running operator against a real API server: per-object Ready, Stalled,
// drift items and a pipeline's last score (read from status as the watch sees it, and
// gone with the object), and the work queue's latency and retries.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { qualityPipelineKind } from '../../src/api/qualitypipeline.ts';
import { StalledError, TransientError } from '../../src/runtime/errors.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import { recordingReconciler } from '../fixtures/recording-reconciler.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aProtectedBucket,
  aQualityPipeline,
  isReady,
  seawallObjects,
} from '../harness/seawall-objects.ts';

/** The value of one series in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [series, value] = line.split(/\s+/);
    const inside = series?.slice(name.length + 1, -1).split(',') ?? [];
    if (wanted.every((w) => inside.includes(w)) && inside.length === wanted.length)
      return Number(value);
  }
  return undefined;
}

describe('operator metrics', () => {
  let kc: k8s.KubeConfig;
  let namespace: string;
  let op: Operator;
  const metrics = async () => (await fetch(`http://127.0.0.1:${op.httpPort}/metrics`)).text();
  const names = {
    ok: uniqueName('ok'),
    stuck: uniqueName('stuck'),
    flaky: uniqueName('flaky'),
    pipe: uniqueName('pipe'),
  };

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'metrics');
    const buckets = recordingReconciler({
      behavior: (name, _generation, attempt) => {
        if (name === names.stuck)
          throw new StalledError('NotOwned', 'bucket owned by someone else');
        if (name === names.flaky && attempt === 1)
          throw new TransientError('Throttled', 'slow down');
      },
    });
    const pipelines = recordingReconciler({ kind: qualityPipelineKind });
    op = await startTestOperator({
      kc,
      namespace,
      reconcilers: [buckets, pipelines],
      httpPort: 0,
      httpHost: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await op?.stop(1000);
  });

  it('shows each object Ready or Stalled, its drift items and a pipeline score; forgets deleted ones', async () => {
    const pbs = seawallObjects(kc, protectedBucketKind, namespace);
    const qps = seawallObjects(kc, qualityPipelineKind, namespace);
    for (const name of [names.ok, names.stuck, names.flaky])
      await pbs.create(aProtectedBucket(name));
    await qps.create(
      aQualityPipeline(names.pipe, {
        source: { bucketRef: { name: names.ok }, prefix: 'raw/' },
        rules: 'Rules = [ IsComplete "id" ]',
      }),
    );
    const pb = (name: string) => ({ kind: 'ProtectedBucket', namespace, name });
    const text = await eventually(
      async () => {
        const t = await metrics();
        return sample(t, 'seawall_resource_ready', pb(names.ok)) === 1 &&
          sample(t, 'seawall_resource_ready', pb(names.flaky)) === 1 &&
          sample(t, 'seawall_resource_stalled', pb(names.stuck)) === 1
          ? t
          : undefined;
      },
      { what: 'Ready and Stalled series' },
    );
    expect(sample(text, 'seawall_resource_ready', pb(names.stuck))).toBe(0);
    expect(sample(text, 'seawall_resource_stalled', pb(names.ok))).toBe(0);
    expect(sample(text, 'seawall_resource_drift_items', pb(names.ok))).toBe(0);

    // Drift and scores come from status, whoever wrote it (a status-only write is not
    // reconciled, so this value stays).
    await pbs.patchStatus(names.ok, {
      drift: { count: 3, lastCheckTime: new Date().toISOString() },
    });
    await eventually(async () => (await qps.get(names.pipe)) as { status?: unknown }, {
      what: 'pipeline reconciled',
    }).then(async () =>
      eventually(async () => (isReady(await qps.get(names.pipe)) ? true : undefined)),
    );
    const completedAt = '2026-11-30T02:05:00Z';
    await qps.patchStatus(names.pipe, {
      lastRun: {
        id: 'run-1',
        engine: 'embedded',
        startedAt: '2026-11-30T02:00:00Z',
        completedAt,
        state: 'Succeeded',
        score: 0.75,
      },
    });
    const after = await eventually(
      async () => {
        const t = await metrics();
        return sample(t, 'seawall_resource_drift_items', pb(names.ok)) === 3 &&
          sample(t, 'seawall_quality_pipeline_score', { namespace, name: names.pipe }) === 0.75
          ? t
          : undefined;
      },
      { what: 'drift items and score' },
    );
    expect(
      sample(after, 'seawall_quality_pipeline_last_run_completed_timestamp_seconds', {
        namespace,
        name: names.pipe,
      }),
    ).toBe(Date.parse(completedAt) / 1000);

    await pbs.delete(names.ok);
    await eventually(
      async () =>
        sample(await metrics(), 'seawall_resource_ready', pb(names.ok)) === undefined
          ? true
          : undefined,
      { what: 'series of a deleted object gone' },
    );
  });

  it('shows how long keys waited for a worker and how many were retried', async () => {
    const text = await metrics();
    const count = sample(text, 'seawall_workqueue_queue_duration_seconds_count', {
      kind: 'ProtectedBucket',
    });
    expect(count).toBeGreaterThanOrEqual(3);
    expect(
      sample(text, 'seawall_workqueue_retries_total', { kind: 'ProtectedBucket' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'seawall_workqueue_adds_total', { kind: 'ProtectedBucket' }),
    ).toBeGreaterThanOrEqual(3);
  });
});
