// Two operator processes share one Lease: only the leader reconciles; kill -9 it and
// the standby takes over within the lease duration; SIGTERM hands the lease over at
// once. A lock file per object proves no object is ever reconciled by both at once.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import {
  adminKubeConfig,
  createNamespace,
  eventually,
  stackInfo,
  uniqueName,
} from '../harness/kube.ts';
import { type ManagedProcess, startProcess } from '../harness/processes.ts';
import { aProtectedBucket, seawallObjects } from '../harness/seawall-objects.ts';
import { repoRoot } from '../harness/stack.ts';

const nodeBin = join(repoRoot, 'node_modules', '.bin', 'node');

function reconcilesBy(dir: string): Map<string, number> {
  const file = join(dir, 'reconciles.log');
  const counts = new Map<string, number>();
  if (!existsSync(file)) return counts;
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const pid = line.split(' ')[0] ?? '';
    counts.set(pid, (counts.get(pid) ?? 0) + 1);
  }
  return counts;
}

describe('leader election', () => {
  let kc: k8s.KubeConfig;
  let namespace: string;
  let dir: string;
  const procs: ManagedProcess[] = [];

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'leader');
    dir = mkdtempSync(join(tmpdir(), 'seawall-leader-'));
    const buckets = seawallObjects(kc, protectedBucketKind, namespace);
    for (let i = 0; i < 5; i++) await buckets.create(aProtectedBucket(uniqueName('pb')));
  });
  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL');
  });

  const start = (identity: string) => {
    const proc = startProcess(
      identity,
      nodeBin,
      [
        join(repoRoot, 'test/fixtures/test-operator.ts'),
        stackInfo().kubeconfig,
        namespace,
        dir,
        identity,
      ],
      join(dir, `${identity}.log`),
    );
    procs.push(proc);
    return proc;
  };
  const holder = async () => {
    const lease = await kc
      .makeApiClient(k8s.CoordinationV1Api)
      .readNamespacedLease({ name: 'seawall-test-leader', namespace });
    return lease.spec?.holderIdentity;
  };

  it('only the leader reconciles, a standby takes over after kill -9, and SIGTERM hands over at once', async () => {
    const a = start('op-a');
    await eventually(async () => ((await holder()) === 'op-a' ? true : undefined), {
      timeoutMs: 20_000,
    });
    const b = start('op-b');
    // Drift interval is 500 ms: the leader keeps reconciling; the standby never does.
    await eventually(async () =>
      (reconcilesBy(dir).get(String(a.pid)) ?? 0) >= 20 ? true : undefined,
    );
    expect(reconcilesBy(dir).get(String(b.pid))).toBeUndefined();

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually(async () => ((await holder()) === 'op-b' ? true : undefined), {
      timeoutMs: 20_000,
    });
    const takeoverMs = Date.now() - killedAt;
    await eventually(async () =>
      (reconcilesBy(dir).get(String(b.pid)) ?? 0) >= 5 ? true : undefined,
    );
    // Lease duration 3 s + one retry period: the takeover waits out the lease, no longer.
    expect(takeoverMs).toBeGreaterThanOrEqual(2000);

    const c = start('op-c');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await holder()).toBe('op-b');
    await b.stop('SIGTERM');
    expect(b.child.exitCode).toBe(0);
    // Released on SIGTERM: op-c takes over on its next retry, without waiting out the lease.
    await eventually(async () => ((await holder()) === 'op-c' ? true : undefined), {
      timeoutMs: 2500,
    });
    await eventually(async () =>
      (reconcilesBy(dir).get(String(c.pid)) ?? 0) >= 5 ? true : undefined,
    );

    expect(existsSync(join(dir, 'violations'))).toBe(false);
  });
});
