// The operator runtime against a real API server: queue semantics, status and
// conditions, error classes, kubectl wait.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotations, FINALIZER } from '../../src/api/common.ts';
import { costMonitorKind } from '../../src/api/costmonitor.ts';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { StalledError, TransientError, WaitingError } from '../../src/runtime/errors.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import { recordingReconciler } from '../fixtures/recording-reconciler.ts';
import {
  adminKubeConfig,
  createNamespace,
  eventually,
  stackInfo,
  uniqueName,
} from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aCostMonitor,
  aProtectedBucket,
  condition,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';

const exec = promisify(execFile);

interface Obj {
  metadata: { generation: number; finalizers?: string[]; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: {
      type: string;
      status: string;
      reason: string;
      observedGeneration: number;
      lastTransitionTime: string;
    }[];
  };
}

describe('operator runtime', () => {
  let kc: k8s.KubeConfig;
  let buckets: SeawallObjects<Obj>;
  let namespace: string;
  const operators: Operator[] = [];

  beforeAll(async () => {
    kc = adminKubeConfig();
    buckets = seawallObjects<Obj>(kc, protectedBucketKind, () => namespace);
  });
  afterAll(async () => {
    for (const op of operators) await op.stop(1000);
  });

  const create = (name: string) => buckets.create(aProtectedBucket(name));

  it('reconciles a new object to Ready, with the finalizer and observedGeneration everywhere', async () => {
    namespace = await createNamespace(kc, 'rt');
    const reconciler = recordingReconciler();
    operators.push(await startTestOperator({ kc, namespace, reconcilers: [reconciler] }));
    const name = uniqueName('pb');
    await create(name);
    const obj = await eventually(async () => {
      const o = await buckets.get(name);
      return condition(o, 'Ready')?.status === 'True' ? o : undefined;
    });
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    expect(obj.status?.observedGeneration).toBe(1);
    expect(obj.status?.conditions?.every((c) => c.observedGeneration === 1)).toBe(true);
    expect(condition(obj, 'Reconciling')).toBeUndefined();
    expect(condition(obj, 'Stalled')).toBeUndefined();
  });

  it('merges 100 rapid updates: far fewer reconciles, never two at once, the last generation wins', async () => {
    const reconciler = recordingReconciler({ delayMs: 30 });
    const ns = await createNamespace(kc, 'rt-burst');
    const op = await startTestOperator({
      kc,
      namespace: ns,
      reconcilers: [reconciler],
      workers: 4,
    });
    operators.push(op);
    const name = uniqueName('pb');
    namespace = ns;
    await create(name);
    for (let i = 0; i < 100; i++)
      await buckets.patch(name, { spec: { tags: { round: String(i) } } });
    const last = (await buckets.get(name)).metadata.generation;
    expect(last).toBe(101);
    await eventually(async () => {
      const o = await buckets.get(name);
      return o.status?.observedGeneration === last && condition(o, 'Ready')?.status === 'True'
        ? o
        : undefined;
    });
    const count = reconciler.stats.perObject.get(name) ?? 0;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(50);
    expect(reconciler.stats.overlaps).toBe(0);
    expect(reconciler.stats.generations.get(name)?.at(-1)).toBe(last);
  });

  it('retries a transient failure with growing delays, then recovers', async () => {
    const ns = await createNamespace(kc, 'rt-retry');
    namespace = ns;
    const reconciler = recordingReconciler({
      behavior: (_name, _gen, attempt) => {
        if (attempt <= 4)
          throw new TransientError('AwsThrottled', `throttled (attempt ${attempt})`);
      },
    });
    operators.push(
      await startTestOperator({
        kc,
        namespace: ns,
        reconcilers: [reconciler],
        queue: { baseBackoffMs: 200, maxBackoffMs: 10_000 },
      }),
    );
    const name = uniqueName('pb');
    await create(name);
    // While failing: Ready=False with the reason, Reconciling=True (kstatus: in progress).
    const failing = await eventually(async () => {
      const o = await buckets.get(name);
      return condition(o, 'Ready')?.reason === 'AwsThrottled' ? o : undefined;
    });
    expect(condition(failing, 'Reconciling')?.status).toBe('True');
    await eventually(
      async () => {
        const o = await buckets.get(name);
        return condition(o, 'Ready')?.status === 'True' ? o : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const times = reconciler.stats.attemptTimes.get(name) ?? [];
    expect(times.length).toBe(5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    // The backoff doubles from 200 ms: each retry waits at least 200, 400, 800, 1600 ms
    // (a loaded machine only adds to that, so the bound is on the floor, not the order).
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(200 * 2 ** i - 20);
    expect(gaps.at(-1)).toBeGreaterThanOrEqual(1580);
  });

  it('stalls on a terminal error and does not retry until the generation changes', async () => {
    const ns = await createNamespace(kc, 'rt-stall');
    namespace = ns;
    let fixed = false;
    const reconciler = recordingReconciler({
      behavior: () => {
        if (!fixed) throw new StalledError('AccessDenied', 'kms:CreateKey is not allowed');
      },
    });
    operators.push(await startTestOperator({ kc, namespace: ns, reconcilers: [reconciler] }));
    const name = uniqueName('pb');
    await create(name);
    const stalled = await eventually(async () => {
      const o = await buckets.get(name);
      return condition(o, 'Stalled')?.status === 'True' ? o : undefined;
    });
    expect(condition(stalled, 'Ready')).toMatchObject({ status: 'False', reason: 'AccessDenied' });
    expect(condition(stalled, 'Stalled')?.reason).toBe('AccessDenied');
    // A person sees it in `kubectl describe` / `kubectl get events`.
    const events = await eventually(async () => {
      const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedEvent({ namespace: ns });
      const found = list.items.filter(
        (e) => e.involvedObject.name === name && e.reason === 'AccessDenied',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'Warning', message: 'kms:CreateKey is not allowed' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(reconciler.stats.perObject.get(name)).toBe(1);
    fixed = true;
    await buckets.patch(name, { spec: { enforceTLS: false } });
    const ready = await eventually(async () => {
      const o = await buckets.get(name);
      return condition(o, 'Ready')?.status === 'True' ? o : undefined;
    });
    expect(condition(ready, 'Stalled')).toBeUndefined();
    expect(ready.status?.observedGeneration).toBe(2);
  });

  it('forces a check on reconcile-requested-at, and stops (saying so) when paused', async () => {
    const ns = await createNamespace(kc, 'rt-annot');
    namespace = ns;
    const reconciler = recordingReconciler();
    operators.push(await startTestOperator({ kc, namespace: ns, reconcilers: [reconciler] }));
    const name = uniqueName('pb');
    await create(name);
    await eventually(async () => (reconciler.stats.perObject.get(name) === 1 ? true : undefined));
    await buckets.patch(name, {
      metadata: { annotations: { [Annotations.reconcileRequestedAt]: 'now-1' } },
    });
    await eventually(async () => (reconciler.stats.perObject.get(name) === 2 ? true : undefined));

    await buckets.patch(name, { metadata: { annotations: { [Annotations.paused]: 'true' } } });
    const paused = await eventually(async () => {
      const o = await buckets.get(name);
      return condition(o, 'Paused')?.status === 'True' ? o : undefined;
    });
    expect(condition(paused, 'Ready')?.status).toBe('True');
    await buckets.patch(name, { spec: { enforceTLS: false } });
    await new Promise((r) => setTimeout(r, 1500));
    expect(reconciler.stats.perObject.get(name)).toBe(2);
  });

  it('on shutdown stops taking work but lets a reconcile in flight finish and write its status', async () => {
    const ns = await createNamespace(kc, 'rt-stop');
    namespace = ns;
    const reconciler = recordingReconciler({ delayMs: 1500 });
    const op = await startTestOperator({ kc, namespace: ns, reconcilers: [reconciler] });
    const name = uniqueName('pb');
    await create(name);
    await eventually(async () =>
      (reconciler.stats.inFlight.get(name) ?? 0) > 0 ? true : undefined,
    );
    await op.stop(10_000);
    expect(reconciler.stats.inFlight.get(name)).toBe(0);
    expect(condition(await buckets.get(name), 'Ready')?.status).toBe('True');
    // Nothing is taken after the stop.
    await buckets.patch(name, { spec: { enforceTLS: false } });
    await new Promise((r) => setTimeout(r, 1000));
    expect(reconciler.stats.perObject.get(name)).toBe(1);
  });

  it('reconciles a dependent at once when the object it waits on becomes Ready', async () => {
    const ns = await createNamespace(kc, 'rt-dep');
    namespace = ns;
    const bucketName = uniqueName('data');
    const bucketReady = async () => {
      try {
        return condition(await buckets.get(bucketName), 'Ready')?.status === 'True';
      } catch {
        return false;
      }
    };
    const monitor = recordingReconciler({
      kind: costMonitorKind,
      dependsOnBuckets: () => [bucketName],
      behavior: async () => {
        // Without the dependency watch this would only be looked at again in 5 minutes.
        if (!(await bucketReady()))
          throw new WaitingError('DependencyNotReady', 'bucket not Ready', 300_000);
      },
    });
    operators.push(
      await startTestOperator({ kc, namespace: ns, reconcilers: [recordingReconciler(), monitor] }),
    );
    const monitorName = uniqueName('cm');
    const monitors = seawallObjects<Obj>(kc, costMonitorKind, ns);
    await monitors.create(aCostMonitor(monitorName));
    const readMonitor = () => monitors.get(monitorName);
    await eventually(async () =>
      condition(await readMonitor(), 'Ready')?.reason === 'DependencyNotReady' ? true : undefined,
    );
    await create(bucketName);
    await eventually(
      async () => (condition(await readMonitor(), 'Ready')?.status === 'True' ? true : undefined),
      {
        timeoutMs: 15_000,
        what: 'the CostMonitor to be reconciled after its bucket became Ready',
      },
    );
  });

  it('serves /metrics, /healthz and /readyz', async () => {
    const ns = await createNamespace(kc, 'rt-http');
    namespace = ns;
    const op = await startTestOperator({
      kc,
      namespace: ns,
      reconcilers: [recordingReconciler()],
      httpPort: 0,
      httpHost: '127.0.0.1',
    });
    operators.push(op);
    const name = uniqueName('pb');
    await create(name);
    await eventually(async () =>
      condition(await buckets.get(name), 'Ready')?.status === 'True' ? true : undefined,
    );
    const base = `http://127.0.0.1:${op.httpPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /seawall_reconcile_total\{kind="ProtectedBucket",result="ready"\} [1-9]/,
    );
    expect(metrics).toContain('seawall_reconcile_duration_seconds_bucket');
    expect(metrics).toContain('seawall_workqueue_depth');
    expect(metrics).toMatch(/seawall_leader 1/);
  });

  it('removes the finalizer after clean-up, and the object goes', async () => {
    const ns = await createNamespace(kc, 'rt-del');
    namespace = ns;
    const reconciler = recordingReconciler();
    operators.push(await startTestOperator({ kc, namespace: ns, reconcilers: [reconciler] }));
    const name = uniqueName('pb');
    // Delete: the kind's clean-up runs (under Retain, the default, no clean-up is called).
    await buckets.create(
      aProtectedBucket(name, {
        bucketName: `${name}-b`,
        region: 'ca-central-1',
        deletionPolicy: 'Delete',
      }),
    );
    await eventually(async () =>
      (await buckets.get(name)).metadata.finalizers?.includes(FINALIZER) ? true : undefined,
    );
    await buckets.delete(name);
    await eventually(async () => {
      try {
        await buckets.get(name);
        return undefined;
      } catch {
        return true;
      }
    });
    expect(reconciler.stats.finalized).toContain(name);
  });

  it('kubectl wait --for=condition=Ready succeeds on a reconciled resource and not on an unseen one', async () => {
    const ns = await createNamespace(kc, 'rt-wait');
    namespace = ns;
    const seen = uniqueName('seen');
    const unseen = uniqueName('unseen');
    await create(unseen);
    const env = { ...process.env, KUBECONFIG: stackInfo().kubeconfig };
    // Nobody reconciles `unseen`: the wait must time out.
    await expect(
      exec(
        'kubectl',
        ['wait', '-n', ns, `protectedbucket/${unseen}`, '--for=condition=Ready', '--timeout=3s'],
        { env },
      ),
    ).rejects.toThrow();
    operators.push(
      await startTestOperator({
        kc,
        namespace: ns,
        reconcilers: [
          recordingReconciler({
            behavior: (name) => {
              if (name === unseen) throw new StalledError('Blocked', 'held back by the test');
            },
          }),
        ],
      }),
    );
    await create(seen);
    const { stdout } = await exec(
      'kubectl',
      ['wait', '-n', ns, `protectedbucket/${seen}`, '--for=condition=Ready', '--timeout=30s'],
      { env },
    );
    expect(stdout).toContain('condition met');
    await expect(
      exec(
        'kubectl',
        ['wait', '-n', ns, `protectedbucket/${unseen}`, '--for=condition=Ready', '--timeout=3s'],
        { env },
      ),
    ).rejects.toThrow();
  });
});
