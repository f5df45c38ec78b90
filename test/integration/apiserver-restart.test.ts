// Watches survive an API-server restart: changes made after the restart still reach
// the reconciler. This file starts its own stack, so restarting its API server does not
// disturb the other test files.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operator } from '../../src/runtime/operator.ts';
import { recordingReconciler } from '../fixtures/recording-reconciler.ts';
import { eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import { type Stack, startStack } from '../harness/stack.ts';

describe('API server restart', () => {
  let stack: Stack;
  let operator: Operator;
  let custom: k8s.CustomObjectsApi;
  const namespace = 'restart';
  const reconciler = recordingReconciler();

  beforeAll(async () => {
    stack = await startStack({ withMoto: false });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(stack.kubeconfig);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await kc
      .makeApiClient(k8s.CoreV1Api)
      .createNamespace({ body: { metadata: { name: namespace } } });
    operator = await startTestOperator({ kc, namespace, reconcilers: [reconciler] });
  });
  afterAll(async () => {
    await operator?.stop(1000);
    await stack?.stop();
  });

  const create = (name: string) =>
    custom.createNamespacedCustomObject({
      group: 'seawall.dev',
      version: 'v1alpha1',
      namespace,
      plural: 'protectedbuckets',
      body: {
        apiVersion: 'seawall.dev/v1alpha1',
        kind: 'ProtectedBucket',
        metadata: { name },
        spec: { bucketName: `${name}-b`, region: 'ca-central-1' },
      },
    });

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
    await custom.patchNamespacedCustomObject(
      {
        group: 'seawall.dev',
        version: 'v1alpha1',
        namespace,
        plural: 'protectedbuckets',
        name: before,
        body: { spec: { enforceTLS: false } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
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
