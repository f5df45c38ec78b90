// Deletion under Retain and Delete (empty and non-empty buckets), and a crash between
// creation steps: the retry converges with exactly one key per purpose.

import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProtectedBucket, ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { isAwsError } from '../../src/aws/errors.ts';
import { replicationRoleName } from '../../src/aws/iam/replication-role.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { emptyBucket, isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { converge, ownedKeys, pbObject, reconcile } from './protectedbucket-fixtures.ts';

const NS = 'pb-delete';
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';

function spec(bucket: string, deletionPolicy: 'Retain' | 'Delete'): ProtectedBucketSpec {
  return {
    bucketName: bucket,
    region: REGION,
    backup: { bucketName: `${bucket}-bk`, region: BACKUP_REGION },
    deletionPolicy,
  };
}

function deleting(object: ProtectedBucket): ProtectedBucket {
  return {
    ...object,
    metadata: { ...object.metadata, deletionTimestamp: new Date().toISOString() },
  };
}

describe('ProtectedBucket deletion and crash recovery', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  async function bucketExists(bucket: string, region: string): Promise<boolean> {
    try {
      await account.admin.clients.s3(region).send(new HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch (error) {
      if (isAwsError(error, 'NotFound', 'NoSuchBucket')) return false;
      throw error;
    }
  }

  async function keyState(arn: string | undefined, region: string) {
    const out = await account.admin.clients
      .kms(region)
      .send(new DescribeKeyCommand({ KeyId: arn ?? 'missing' }));
    return out.KeyMetadata;
  }

  async function roleExists(bucket: string): Promise<boolean> {
    try {
      await account.admin.clients
        .iam()
        .send(new GetRoleCommand({ RoleName: replicationRoleName(bucket) }));
      return true;
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return false;
      throw error;
    }
  }

  it('Retain: the resource goes, every AWS resource stays', async () => {
    const bucket = uniqueName('sw-retain');
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const ready = await converge(
      reconciler,
      pbObject(NS, uniqueName('pb'), spec(bucket, 'Retain')),
    );
    expect(ready.outcome).toBe('ready');
    const gone = await reconcile(reconciler, deleting(ready.object));
    expect(gone.outcome).toBe('finalized');
    expect(await bucketExists(bucket, REGION)).toBe(true);
    expect(await bucketExists(`${bucket}-bk`, BACKUP_REGION)).toBe(true);
    expect(await roleExists(bucket)).toBe(true);
    expect((await keyState(ready.status.keyArn, REGION))?.KeyState).toBe('Enabled');
  });

  it('Delete with empty buckets: rule, role and buckets removed, keys scheduled for 30 days', async () => {
    const bucket = uniqueName('sw-del');
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const ready = await converge(
      reconciler,
      pbObject(NS, uniqueName('pb'), spec(bucket, 'Delete')),
    );
    expect(ready.outcome).toBe('ready');
    const gone = await reconcile(reconciler, deleting(ready.object));
    expect(gone.error).toBeUndefined();
    expect(gone.outcome).toBe('finalized');
    expect(await bucketExists(bucket, REGION)).toBe(false);
    expect(await bucketExists(`${bucket}-bk`, BACKUP_REGION)).toBe(false);
    expect(await roleExists(bucket)).toBe(false);
    for (const [arn, region] of [
      [ready.status.keyArn, REGION],
      [ready.status.backupKeyArn, BACKUP_REGION],
    ] as const) {
      const meta = await keyState(arn, region);
      expect(meta?.KeyState).toBe('PendingDeletion');
      const days = ((meta?.DeletionDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThanOrEqual(30);
    }
    // A second finalize (a retry) finds nothing to do and succeeds.
    expect((await reconcile(reconciler, deleting(ready.object))).outcome).toBe('finalized');
  });

  it('Delete with a non-empty bucket: Stalled naming bucket and count, nothing removed', async () => {
    const bucket = uniqueName('sw-full');
    const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
    const ready = await converge(
      reconciler,
      pbObject(NS, uniqueName('pb'), spec(bucket, 'Delete')),
    );
    const s3 = account.admin.clients.s3(REGION);
    // Over TLS (the local endpoint stands for HTTPS) the TLS-only policy lets a person in.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/a.csv', Body: 'a,b\n1,2\n' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'raw/a.csv' }));

    const blocked = await reconcile(reconciler, deleting(ready.object));
    expect(blocked.outcome).toBe('finalize-blocked');
    expect(blocked.error).toMatchObject({ kind: 'stalled', reason: 'BucketNotEmpty' });
    expect(blocked.error?.message).toContain(`bucket "${bucket}"`);
    expect(blocked.error?.message).toContain('1 object version(s) and 1 delete marker(s)');
    const stalled = blocked.status.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled?.status).toBe('True');
    // Nothing was removed: the objects, the rule, the role, both keys.
    // The person's objects (Seawall's own replication probes live under .seawall/).
    const versions = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'raw/' }),
    );
    expect(versions.Versions).toHaveLength(1);
    expect(versions.DeleteMarkers).toHaveLength(1);
    const repl = await s3.send(new GetBucketReplicationCommand({ Bucket: bucket }));
    expect(repl.ReplicationConfiguration?.Rules).toHaveLength(1);
    expect(await roleExists(bucket)).toBe(true);
    expect((await keyState(ready.status.keyArn, REGION))?.KeyState).toBe('Enabled');

    // Once a person empties it — and the backup, which holds the replicas — deletion goes
    // through (Seawall removes only its own probes).
    await account.strict.drainReplication({ accountId: account.accountId });
    for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
      await s3.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }),
      );
    }
    await emptyBucket(account.admin.clients.s3(BACKUP_REGION), `${bucket}-bk`);
    const done = await reconcile(reconciler, deleting(blocked.object));
    expect(done.outcome).toBe('finalized');
    expect(await bucketExists(bucket, REGION)).toBe(false);
  });

  it.each([
    ['ca-central-1', 'the bucket key'],
    ['us-west-2', 'the backup key'],
  ])(
    'a crash between CreateKey and CreateAlias (%s, %s) converges with exactly one key per purpose',
    async (region) => {
      const bucket = uniqueName('sw-crash');
      const name = uniqueName('pb');
      // The connection drops on the call right after CreateKey: the process "dies" there.
      await account.strict.addFault({
        match: { service: 'kms', operation: 'CreateAlias', account: account.accountId, region },
        effect: 'reset',
        // Every attempt the SDK makes: the call fails for good, as a dead process's would.
        count: 3,
      });
      const reconciler = createProtectedBucketReconciler({ aws: account.operator.clients });
      const crashed = await converge(reconciler, pbObject(NS, name, spec(bucket, 'Retain')), {
        until: ['retrying'],
      });
      expect(crashed.error).toMatchObject({ kind: 'transient' });
      // Its final status never reached the API server, only the create journal written
      // before CreateKey. Start over from the object as stored, with fresh clients (the
      // key-tag cache is per client: none left).
      const journal = crashed.stored.status?.pendingCreations ?? [];
      expect(journal.map((e) => e.resource)).toContainEqual(
        expect.stringMatching(new RegExp(`^KMS key for .* in ${region}$`)),
      );
      const clients = new AwsClients({
        endpoint: account.endpoint,
        credentials: account.operator.credentials,
        defaultRegion: 'us-east-1',
      });
      const restarted = await converge(
        createProtectedBucketReconciler({ aws: clients }),
        crashed.stored,
      );
      expect(restarted.status.pendingCreations).toBeUndefined();
      expect(restarted.error).toBeUndefined();
      expect(restarted.outcome).toBe('ready');
      const owner = `${NS}/ProtectedBucket/${name}`;
      expect(await ownedKeys(account.admin.clients.kms(REGION), owner)).toHaveLength(1);
      expect(await ownedKeys(account.admin.clients.kms(BACKUP_REGION), owner)).toHaveLength(1);
      expect(restarted.status.keyArn).toBeDefined();
    },
  );
});
