// Every AWS call has a deadline, and a region that stops answering takes only its own
// objects down: the operator, on the strict local AWS with every call to eu-west-1 hung
// (fault injection), reports AwsUnreachable — naming the endpoint — for the bucket there,
// keeps reconciling the bucket in ca-central-1, and shows the silent region in
// seawall_aws_region_reachable; once eu-west-1 answers again, everything is Ready.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProtectedBucket, protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { RegionHealth } from '../../src/aws/region-health.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aProtectedBucket,
  condition,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import type { Fault } from '../harness/strict-aws.ts';

describe('a hung AWS region', () => {
  let kc: k8s.KubeConfig;
  let account: TestAccount;
  let op: Operator;
  let buckets: SeawallObjects<ProtectedBucket>;
  let hang: Fault;
  const metrics = async () => (await fetch(`http://127.0.0.1:${op.httpPort}/metrics`)).text();
  const reachable = (text: string, region: string) =>
    new RegExp(`^seawall_aws_region_reachable\\{region="${region}"\\} (\\d)`, 'm').exec(text)?.[1];

  beforeAll(async () => {
    kc = adminKubeConfig();
    const namespace = await createNamespace(kc, 'aws-deadlines');
    buckets = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace);
    account = await isolatedAccount();
    // Short deadlines and a short pause, so the test does not wait out production's 30 s.
    const aws = new AwsClients({
      endpoint: account.endpoint,
      credentials: account.operator.credentials,
      defaultRegion: 'us-east-1',
      maxAttempts: 2,
      timeouts: { connectMs: 1000, requestMs: 1500 },
      regionHealth: new RegionHealth({ coolDownMs: 3000 }),
    });
    op = await startTestOperator({
      kc,
      namespace,
      aws,
      reconcilers: [createProtectedBucketReconciler({ aws }) as Reconciler<never, never>],
      workers: 2,
      httpPort: 0,
      httpHost: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await account.strict.clearFaults({ accountId: account.accountId }).catch(() => 0);
    await op?.stop(1000);
  });

  it('reports AwsUnreachable for the objects there, keeps the others going, and recovers', async () => {
    hang = await account.strict.addFault({
      match: { account: account.accountId, region: 'eu-west-1' },
      effect: 'hang',
      seconds: null,
      count: null,
    });
    const hung = uniqueName('pb-hung');
    const fine = uniqueName('pb-fine');
    await buckets.create(
      aProtectedBucket(hung, { bucketName: uniqueName('sw-hung'), region: 'eu-west-1' }),
    );
    await buckets.create(
      aProtectedBucket(fine, { bucketName: uniqueName('sw-fine'), region: 'ca-central-1' }),
    );

    const unreachable = await eventually(
      async () => {
        const ready = condition(await buckets.get(hung), 'Ready');
        return ready?.reason === 'AwsUnreachable' ? ready : undefined;
      },
      { timeoutMs: 60_000, what: 'the hung region reported in status' },
    );
    expect(unreachable.status).toBe('False');
    expect(unreachable.message).toContain(account.endpoint);
    // Not a Stalled: it is retried, and says so.
    expect(condition(await buckets.get(hung), 'Reconciling')?.status).toBe('True');
    expect(condition(await buckets.get(hung), 'Stalled')).toBeUndefined();

    // The other region's bucket does not wait on it.
    await eventually(
      async () =>
        condition(await buckets.get(fine), 'Ready')?.status === 'True' ? true : undefined,
      { timeoutMs: 60_000, what: 'the bucket in ca-central-1 Ready meanwhile' },
    );
    expect(reachable(await metrics(), 'eu-west-1')).toBe('0');

    // eu-west-1 answers again: the paused region is probed and the bucket converges.
    await account.strict.clearFaults({ id: hang.id });
    await eventually(
      async () =>
        condition(await buckets.get(hung), 'Ready')?.status === 'True' ? true : undefined,
      { timeoutMs: 90_000, what: 'the bucket in eu-west-1 Ready once the region answers' },
    );
    expect(reachable(await metrics(), 'eu-west-1')).toBe('1');
  });
});
