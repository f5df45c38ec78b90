// Watches survive an API-server restart: changes made after the restart still reach
// the reconciler. This file starts its own stack, so restarting its API server does not
// disturb the other test files.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import { recordingReconciler } from '../fixtures/recording-reconciler.ts';
import { eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aProtectedBucket,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import { type Stack, startStack } from '../harness/stack.ts';

describe('API server restart', () => {
  let stack: Stack;
  let operator: Operator;
  let buckets: SeawallObjects;
  const namespace = 'restart';
  const reconciler = recordingReconciler();

  beforeAll(async () => {
    stack = await startStack({ withAws: false });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(stack.kubeconfig);
    buckets = seawallObjects(kc, protectedBucketKind, namespace);
    await kc
      .makeApiClient(k8s.CoreV1Api)
      .createNamespace({ body: { metadata: { name: namespace } } });
    operator = await startTestOperator({ kc, namespace, reconcilers: [reconciler] });
  });
  afterAll(async () => {
    await operator?.stop(1000);
    await stack?.stop();
  });

  const create = (name: string) => buckets.create(aProtectedBucket(name));

  it('reconciles objects created and changed after the API server came back', async () => {
    const before = uniqueName('before');
    await create(before);
    await eventually(async () => (reconciler.stats.perObject.get(before) ? true : undefined));

    await stack.restartApiServer();

    const after = uniqueName('after');
    await eventually(
      async () => {
        await create(after);
        return true;
      },
      { timeoutMs: 30_000, what: 'the API server to accept writes again' },
    );
    await buckets.patch(before, { spec: { enforceTLS: false } });
    await eventually(async () => (reconciler.stats.perObject.get(after) ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the object created after the restart to be reconciled',
    });
    await eventually(
      async () => (reconciler.stats.generations.get(before)?.includes(2) ? true : undefined),
      {
        timeoutMs: 60_000,
        what: 'the change made after the restart to be reconciled',
      },
    );
    expect(reconciler.stats.overlaps).toBe(0);
  });
});
