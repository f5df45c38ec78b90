// Proves every part of the local stack is real: the API server stores, watches,
// validates and serves the status subresource of a Seawall CRD; moto answers the SDK.

import { CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../src/api/common.ts';
import { type ProtectedBucket, protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import {
  aProtectedBucket,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';

describe('local stack smoke test', () => {
  let kc: k8s.KubeConfig;
  let buckets: SeawallObjects<ProtectedBucket>;
  let namespace: string;

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'smoke');
    buckets = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace);
  });

  it('creates a ProtectedBucket, reads it back with defaults applied, and sees its watch event', async () => {
    const name = uniqueName('pb');
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const seen = new Promise<void>((resolve, reject) => {
      void watch
        .watch(
          `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${protectedBucketKind.plural}`,
          {},
          (type: string, obj: { metadata: { name: string } }) => {
            events.push(`${type}/${obj.metadata.name}`);
            if (obj.metadata.name === name) resolve();
          },
          (err: unknown) => err && reject(err),
        )
        .then((req) => setTimeout(() => req.abort(), 20_000));
    });
    // give the watch a moment to be established before creating
    await new Promise((r) => setTimeout(r, 300));
    await buckets.create(
      aProtectedBucket(name, { bucketName: `${name}-data`, region: 'ca-central-1' }),
    );
    await seen;
    expect(events).toContain(`ADDED/${name}`);

    const read = await buckets.get(name);
    expect(read.spec.bucketName).toBe(`${name}-data`);
    // Defaults come from the schema, so the API server really loaded our CRD.
    expect(read.spec.versioning).toBe('Enabled');
    expect(read.spec.enforceTLS).toBe(true);
  });

  it('patches the status subresource without touching the spec', async () => {
    const name = uniqueName('pb');
    await buckets.create(
      aProtectedBucket(name, { bucketName: `${name}-data`, region: 'ca-central-1' }),
    );
    await buckets.patchStatus(name, { observedGeneration: 1, keyAlias: 'alias/seawall/x' });
    const read = await buckets.get(name);
    expect(read.status?.keyAlias).toBe('alias/seawall/x');
    expect(read.spec.bucketName).toBe(`${name}-data`);
  });

  it('refuses an invalid ProtectedBucket by schema, naming the field', async () => {
    const name = uniqueName('pb');
    const attempt = buckets.create(
      aProtectedBucket(name, { bucketName: 'Not_A_Bucket', region: 'ca-central-1' }),
    );
    await expect(attempt).rejects.toMatchObject({ code: 422 });
    await attempt.catch((error: { body?: string }) => {
      expect(String(error.body)).toContain('spec.bucketName');
    });
  });

  it('talks to the local AWS through the AWS SDK v3: a bucket and a KMS key', async () => {
    const account: TestAccount = await isolatedAccount();
    const s3 = account.admin.clients.s3('us-east-1');
    const bucket = uniqueName('smoke-bucket');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain(bucket);

    const kms = account.admin.clients.kms('us-east-1');
    const created = await kms.send(new CreateKeyCommand({ Description: 'smoke' }));
    const keyId = created.KeyMetadata?.KeyId;
    expect(keyId).toBeTruthy();
    // A new key is visible to other KMS calls after a moment, as on AWS (docs/local-aws.md).
    const described = await eventually(() => kms.send(new DescribeKeyCommand({ KeyId: keyId })));
    expect(described.KeyMetadata?.Description).toBe('smoke');
    // The key lives in the test's own account, not moto's default one.
    expect(described.KeyMetadata?.Arn).toContain(`:${account.accountId}:`);
  });
});
