// Sharding by label (docs/sizing.md): two operators, each started with its shard's label
// selector (--shard a / --shard b → seawall.dev/shard=a|b), reconcile disjoint sets of
// objects in the same namespace; an object relabelled moves to the other shard. Against
// the real API server, with a reconciler that makes no AWS call.
import { afterAll, describe, expect, it } from 'vitest';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { shardSelector } from '../../src/cli/run.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import { recordingReconciler } from '../fixtures/recording-reconciler.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import { aProtectedBucket, seawallObjects } from '../harness/seawall-objects.ts';

describe('sharding the operator by label', () => {
  const kc = adminKubeConfig();
  const operators: Operator[] = [];
  afterAll(async () => {
    for (const o of operators) await o.stop(0);
  });

  it('each shard reconciles only its own objects; relabelled, an object changes shard', async () => {
    const namespace = await createNamespace(kc, 'shard');
    const shardA = recordingReconciler();
    const shardB = recordingReconciler();
    for (const [shard, reconciler] of [
      ['a', shardA],
      ['b', shardB],
    ] as const) {
      const labelSelector = shardSelector({ shard });
      expect(labelSelector).toBe(`seawall.dev/shard=${shard}`);
      operators.push(
        await startTestOperator({ kc, namespace, reconcilers: [reconciler], labelSelector }),
      );
    }
    const buckets = seawallObjects(kc, protectedBucketKind, namespace);
    const labelled = (name: string, shard: string | undefined) =>
      aProtectedBucket(name, undefined, {
        metadata: shard ? { labels: { 'seawall.dev/shard': shard } } : {},
      });
    const [a1, a2, b1, none] = ['a1', 'a2', 'b1', 'none'].map((n) => uniqueName(n));
    await buckets.create(labelled(a1 as string, 'a'));
    await buckets.create(labelled(a2 as string, 'a'));
    await buckets.create(labelled(b1 as string, 'b'));
    await buckets.create(labelled(none as string, undefined));
    await eventually(async () =>
      shardA.stats.perObject.size === 2 && shardB.stats.perObject.size === 1 ? true : undefined,
    );
    const seen = (r: typeof shardA) => [...r.stats.perObject.keys()].map((k) => k.split('/').pop());
    expect(seen(shardA).sort()).toEqual([a1, a2].sort());
    expect(seen(shardB)).toEqual([b1]);

    await buckets.patch(a2 as string, { metadata: { labels: { 'seawall.dev/shard': 'b' } } });
    await eventually(async () => (seen(shardB).includes(a2) ? true : undefined), {
      what: 'shard b to pick up the relabelled object',
    });
    // The unlabelled object belongs to no shard: nobody reconciled it.
    expect([...seen(shardA), ...seen(shardB)]).not.toContain(none);
  });
});
