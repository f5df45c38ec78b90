// ProtectedBucket through the API server: the CRD refuses invalid specs with the field
// named, and the operator (startOperator) takes a resource to Ready with the printer
// columns filled, corrects drift on request, and keeps a non-empty bucket's finalizer.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DeleteBucketPolicyCommand,
  GetBucketVersioningCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotations, FINALIZER } from '../../src/api/common.ts';
import { type ProtectedBucket, protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import {
  adminKubeConfig,
  createNamespace,
  eventually,
  stackInfo,
  uniqueName,
} from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aProtectedBucket,
  condition,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';

const exec = promisify(execFile);

describe('ProtectedBucket through the API server', () => {
  let kc: k8s.KubeConfig;
  let buckets: SeawallObjects<ProtectedBucket>;
  let namespace: string;
  let account: TestAccount;
  let operator: Operator;
  const env = () => ({ ...process.env, KUBECONFIG: stackInfo().kubeconfig });

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'pb-e2e');
    buckets = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace, {
      fieldValidation: 'Strict',
    });
    account = await isolatedAccount();
    operator = await startTestOperator({
      kc,
      namespace,
      aws: account.operator.clients,
      reconcilers: [
        createProtectedBucketReconciler({ aws: account.operator.clients }) as Reconciler<
          never,
          never
        >,
      ],
    });
  });
  afterAll(async () => {
    await operator?.stop(1000);
  });

  const create = (name: string, spec: Record<string, unknown>) =>
    buckets.create(aProtectedBucket(name, spec));

  describe('refused by the API server, naming the field', () => {
    const ok = { bucketName: 'sw-valid-name', region: 'ca-central-1' };
    it.each([
      ['an invalid bucket name', { ...ok, bucketName: 'Not_A_Bucket' }, 'spec.bucketName'],
      [
        'a bucket name shaped like an IP address',
        { ...ok, bucketName: '10.1.2.3' },
        'spec.bucketName',
      ],
      [
        'an alias under alias/aws/',
        { ...ok, encryption: { alias: 'alias/aws/s3' } },
        'spec.encryption.alias',
      ],
      [
        'a backup with versioning Suspended',
        {
          ...ok,
          versioning: 'Suspended',
          backup: { bucketName: 'sw-valid-bk', region: 'us-west-2' },
        },
        'spec.versioning',
      ],
      [
        'a rotation period below 90 days',
        { ...ok, encryption: { rotation: { periodInDays: 30 } } },
        'spec.encryption.rotation.periodInDays',
      ],
      [
        'a rotation period above 2560 days',
        { ...ok, encryption: { rotation: { periodInDays: 3000 } } },
        'spec.encryption.rotation.periodInDays',
      ],
      ['an unknown field', { ...ok, encrpytion: {} }, 'encrpytion'],
      [
        'a backup in the same region',
        { ...ok, backup: { bucketName: 'sw-valid-bk', region: 'ca-central-1' } },
        'spec.backup.region',
      ],
    ])('%s', async (_, spec, field) => {
      const attempt = create(uniqueName('bad'), spec);
      await expect(attempt).rejects.toMatchObject({ code: expect.any(Number) });
      const error = await attempt.catch((e: { code?: number; body?: string }) => e);
      expect([400, 422]).toContain((error as { code?: number }).code);
      expect(String((error as { body?: string }).body)).toContain(field);
    });
  });

  it('goes Ready with the ARNs; kubectl get pb fills every printer column', async () => {
    const name = uniqueName('pb');
    const bucket = uniqueName('sw-e2e');
    await create(name, {
      bucketName: bucket,
      region: 'ca-central-1',
      backup: { bucketName: `${bucket}-bk`, region: 'us-west-2' },
    });
    const ready = await eventually(
      async () => {
        const obj = await buckets.get(name);
        return condition(obj, 'Ready')?.status === 'True' ? obj : undefined;
      },
      { what: 'ProtectedBucket Ready', timeoutMs: 60_000 },
    );
    expect(ready.metadata.finalizers).toContain(FINALIZER);
    expect(ready.status).toMatchObject({
      observedGeneration: 1,
      bucketArn: `arn:aws:s3:::${bucket}`,
      backupBucketArn: `arn:aws:s3:::${bucket}-bk`,
      keyAlias: `alias/seawall/${bucket}`,
      versioning: 'Enabled',
    });
    expect(ready.status?.keyArn).toMatch(/^arn:aws:kms:ca-central-1:/);
    expect(ready.status?.replicationRoleArn).toMatch(/^arn:aws:iam::/);

    // -o wide: the secondary columns too (BACKUP, KEY, VERSIONING after AGE).
    const { stdout } = await exec('kubectl', ['get', 'pb', '-n', namespace, name, '-o', 'wide'], {
      env: env(),
    });
    const [header = '', row = ''] = stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'NAME',
      'BUCKET',
      'REGION',
      'DRIFT',
      'CORRECTED',
      'READY',
      'STATUS',
      'AGE',
      'BACKUP',
      'KEY',
      'VERSIONING',
    ]);
    const cells = row.split(/\s{2,}/);
    // Nothing corrected yet: CORRECTED is blank, so the row has one cell fewer.
    expect(cells.slice(0, 6)).toEqual([
      name,
      bucket,
      'ca-central-1',
      '0',
      'True',
      ready.status?.conditions?.find((c) => c.type === 'Ready')?.message,
    ]);
    expect(cells.slice(7)).toEqual([`${bucket}-bk`, `alias/seawall/${bucket}`, 'Enabled']);
    const { stdout: all } = await exec('kubectl', ['get', 'seawall', '-n', namespace], {
      env: env(),
    });
    expect(all).toContain(name);
  });

  it('reconcile-requested-at: a hand-made change is corrected and recorded at once', async () => {
    const name = uniqueName('pb');
    const bucket = uniqueName('sw-req');
    await create(name, { bucketName: bucket, region: 'ca-central-1' });
    await eventually(
      async () =>
        (await buckets.get(name)).status?.conditions?.[0]?.status === 'True' ? true : undefined,
      { what: 'Ready', timeoutMs: 60_000 },
    );
    const s3 = account.admin.clients.s3('ca-central-1');
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    await buckets.patch(name, {
      metadata: { annotations: { [Annotations.reconcileRequestedAt]: new Date().toISOString() } },
    });
    const obj = await eventually(
      async () => {
        const o = await buckets.get(name);
        return o.status?.drift?.history?.some((d) => d.facet === 'bucket.versioning')
          ? o
          : undefined;
      },
      { what: 'the versioning drift recorded', timeoutMs: 30_000 },
    );
    expect(obj.status?.drift?.history?.[0]).toMatchObject({
      facet: 'bucket.versioning',
      expected: 'Enabled',
      observed: 'Suspended',
      action: 'Corrected',
    });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe(
      'Enabled',
    );
  });

  it('Delete with a non-empty bucket: Stalled BucketNotEmpty, the finalizer stays', async () => {
    const name = uniqueName('pb');
    const bucket = uniqueName('sw-keep');
    await create(name, { bucketName: bucket, region: 'ca-central-1', deletionPolicy: 'Delete' });
    await eventually(
      async () =>
        (await buckets.get(name)).status?.conditions?.[0]?.status === 'True' ? true : undefined,
      { what: 'Ready', timeoutMs: 60_000 },
    );
    const s3 = account.admin.clients.s3('ca-central-1');
    // moto enforces the TLS-only Deny regardless of its condition: lift it to seed.
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'keep.csv', Body: 'x' }));
    await buckets.delete(name);
    const blocked = await eventually(
      async () => {
        const o = await buckets.get(name);
        const stalled = condition(o, 'Stalled');
        return stalled?.status === 'True' ? { o, stalled } : undefined;
      },
      { what: 'deletion Stalled', timeoutMs: 30_000 },
    );
    expect(blocked.stalled.reason).toBe('BucketNotEmpty');
    expect(blocked.stalled.message).toContain(bucket);
    expect(blocked.stalled.message).toContain('1 object version(s)');
    expect(blocked.o.metadata.finalizers).toContain(FINALIZER);
    expect(blocked.o.metadata.deletionTimestamp).toBeDefined();
  });
});
