// A ProtectedBucket whose backup lives in another AWS account, locked: the operator (in
// `home`) makes the bucket there and, through the AwsAccount `vault` (an AssumeRole
// session in `target`), the backup bucket and key; replication hands replicas to the
// backup account (AccessControlTranslation), the backup's bucket and key policies allow
// exactly the source's replication role, and with COMPLIANCE Object Lock nobody in the
// source account — its administrator and Seawall's own role included — can delete or
// overwrite a replica. On the strict local AWS, which enforces all of it (docs/local-aws.md
// rules c, n, o).
import { DescribeAlarmsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallLog } from '../../src/aws/calls.ts';
import { replicationRoleName } from '../../src/aws/iam/replication-role.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { converge, reconcilePass } from '../harness/reconcile.ts';
import { aProtectedBucket } from '../harness/seawall-objects.ts';
import { awsAccounts, createTargetRole, EXTERNAL_ID, reconcilersFor } from './accounts-fixtures.ts';

const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-east-1';

describe('a backup in another account, under Object Lock', () => {
  const kc = adminKubeConfig();
  const accounts = awsAccounts(kc);
  const team = uniqueName('xb');
  const bucket = `${team}-raw`;
  const backupBucket = `${team}-vault`;
  let home: TestAccount;
  let target: TestAccount;
  let ns: string;
  let reconcilers: ReturnType<typeof reconcilersFor>;
  let log: CallLog;
  const names = { home: `${team}-home`, vault: `${team}-vault` };

  beforeAll(async () => {
    [home, target] = await Promise.all([isolatedAccount(), isolatedAccount()]);
    const roleArn = await createTargetRole(home, target);
    ns = await createNamespace(kc, 'xb');
    // The namespace's own account (the operator's identity) is its default; the vault
    // account grants it only the backup prefix.
    await accounts.create(names.home, {
      accountId: home.accountId,
      regions: [REGION, BACKUP_REGION],
      namespaces: [{ names: [ns], default: true, bucketPrefixes: [`${team}-raw`] }],
    });
    await accounts.create(names.vault, {
      accountId: target.accountId,
      roleArn,
      externalId: EXTERNAL_ID,
      regions: [BACKUP_REGION],
      namespaces: [{ names: [ns], bucketPrefixes: [`${team}-vault`] }],
    });
    log = new CallLog();
    home.operator.clients.observe(log.observer);
    reconcilers = reconcilersFor(home, kc);
  });

  afterAll(async () => {
    await accounts.delete(names.home).catch(() => {});
    await accounts.delete(names.vault).catch(() => {});
  });

  const object = (backup: Record<string, unknown>, status?: Record<string, unknown>) =>
    aProtectedBucket(
      'raw',
      {
        bucketName: bucket,
        region: REGION,
        backup: {
          bucketName: backupBucket,
          region: BACKUP_REGION,
          account: names.vault,
          ...backup,
        },
      },
      {
        metadata: { namespace: ns, generation: 1, uid: `${team}-uid` },
        ...(status ? { status } : {}),
      },
    );

  it('a backup bucket outside the vault grant is refused before any call', async () => {
    log.clear();
    const result = await reconcilePass(
      reconcilers.protectedBucket,
      object({ bucketName: `${team}-raw-copy` }),
    );
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe('BackupBucketOutsidePrefixes');
    expect(result.error?.message).toContain(`AwsAccount ${names.vault}`);
    expect(log.calls).toEqual([]);
  });

  it('converges: bucket in home, backup and key in the target account, replication proven, replicas handed to it and locked', async () => {
    const result = await converge(
      reconcilers.protectedBucket,
      object({ objectLock: { mode: 'COMPLIANCE', days: 1 } }),
      { timeoutMs: 120_000 },
    );
    expect(result.error?.message).toBeUndefined();
    expect(result.outcome).toBe('ready');
    expect(result.status.accountId).toBe(home.accountId);
    expect(result.status.backupAccountId).toBe(target.accountId);
    expect(result.status.backupKeyArn).toContain(`:${target.accountId}:key/`);
    expect(result.status.replication?.state).toBe('Verified');
    const roleArn = result.status.replicationRoleArn ?? '';
    expect(roleArn).toBe(
      `arn:aws:iam::${home.accountId}:role/seawall/${replicationRoleName(bucket)}`,
    );

    // The backup's bucket and key policies name exactly the source's replication role.
    const tadmin = target.admin.clients;
    const bucketPolicy = JSON.parse(
      (await tadmin.s3(BACKUP_REGION).send(new GetBucketPolicyCommand({ Bucket: backupBucket })))
        .Policy ?? '{}',
    ) as { Statement: { Sid?: string; Principal?: { AWS?: string }; Action?: string[] }[] };
    const grant = bucketPolicy.Statement.find((s) => s.Sid === 'SeawallCrossAccountReplication');
    expect(grant?.Principal?.AWS).toBe(roleArn);
    expect(grant?.Action).toContain('s3:ObjectOwnerOverrideToBucketOwner');
    const keyPolicy = JSON.parse(
      (
        await tadmin
          .kms(BACKUP_REGION)
          .send(
            new GetKeyPolicyCommand({ KeyId: result.status.backupKeyArn, PolicyName: 'default' }),
          )
      ).Policy ?? '{}',
    ) as { Statement: { Sid?: string; Principal?: { AWS?: string } }[] };
    expect(
      keyPolicy.Statement.find((s) => s.Sid === 'SeawallReplicationEncrypt')?.Principal?.AWS,
    ).toBe(roleArn);

    // Data written in the source account arrives in the backup.
    const hadmin = home.admin.clients;
    await hadmin
      .s3(REGION)
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'ledger.csv', Body: 'a,b\n1,2\n' }));
    const replica = await eventually(
      async () => {
        const versions = await tadmin
          .s3(BACKUP_REGION)
          .send(new ListObjectVersionsCommand({ Bucket: backupBucket, Prefix: 'ledger.csv' }));
        return versions.Versions?.[0];
      },
      { timeoutMs: 30_000, what: 'the replica of ledger.csv' },
    );
    // The replica belongs to the backup account (Destination.Account +
    // AccessControlTranslation on the rule, checked by the RTC test below); the local AWS
    // gives every account one canonical id, so its ACL owner cannot tell them apart.

    // Nobody in the source account can delete or overwrite it: not its administrator,
    // not Seawall's role.
    for (const who of [hadmin, home.operator.clients]) {
      const s3 = who.s3(BACKUP_REGION);
      await expect(
        s3.send(
          new DeleteObjectCommand({
            Bucket: backupBucket,
            Key: 'ledger.csv',
            VersionId: replica.VersionId,
          }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(
        s3.send(new PutObjectCommand({ Bucket: backupBucket, Key: 'ledger.csv', Body: 'x' })),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    // And in the backup account itself, the lock holds (COMPLIANCE: not even its admin).
    await expect(
      tadmin.s3(BACKUP_REGION).send(
        new DeleteObjectCommand({
          Bucket: backupBucket,
          Key: 'ledger.csv',
          VersionId: replica.VersionId,
        }),
      ),
    ).rejects.toThrow('object protected by object lock');
  });

  it('a steady drift check finds nothing and writes nothing', async () => {
    const first = await converge(
      reconcilers.protectedBucket,
      object({ objectLock: { mode: 'COMPLIANCE', days: 1 } }),
      { timeoutMs: 60_000 },
    );
    log.clear();
    const check = await reconcilePass(reconcilers.protectedBucket, {
      ...first.object,
      status: { ...first.object.status, convergedGeneration: 1, observedGeneration: 1 },
    });
    expect(check.outcome).toBe('ready');
    expect(check.drift).toEqual([]);
    expect(log.writes()).toEqual([]);
  });

  it('Replication Time Control: the rule gets RTC and metrics, and two owned alarms appear; turned off, they go', async () => {
    const withRtc = await converge(
      reconcilers.protectedBucket,
      {
        ...object({ objectLock: { mode: 'COMPLIANCE', days: 1 }, replicationTimeControl: true }),
        metadata: { name: 'raw', namespace: ns, generation: 2, uid: `${team}-uid` },
      },
      { timeoutMs: 60_000 },
    );
    expect(withRtc.error?.message).toBeUndefined();
    expect(withRtc.outcome).toBe('ready');
    const names = (withRtc.status.replicationAlarms ?? []).map((a) => a.name).sort();
    expect(names).toEqual([
      `seawall-pb/${ns}/raw/replication/failed-operations`,
      `seawall-pb/${ns}/raw/replication/latency`,
    ]);
    const cw = home.admin.clients.cloudwatch(REGION);
    const found = await cw.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `seawall-pb/${ns}/raw/` }),
    );
    expect(found.MetricAlarms?.map((a) => [a.MetricName, a.Threshold]).sort()).toEqual([
      ['OperationsFailedReplication', 0],
      ['ReplicationLatency', 900],
    ]);
    for (const alarm of found.MetricAlarms ?? []) {
      const tags = await cw.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
      expect(tags.Tags).toContainEqual({
        Key: 'seawall.dev/owner',
        Value: `${ns}/ProtectedBucket/raw`,
      });
    }
    const rule = await home.admin.clients
      .s3(REGION)
      .send(new GetBucketReplicationCommand({ Bucket: bucket }));
    expect(rule.ReplicationConfiguration?.Rules?.[0]?.Destination).toMatchObject({
      Account: target.accountId,
      AccessControlTranslation: { Owner: 'Destination' },
      ReplicationTime: { Status: 'Enabled' },
      Metrics: { Status: 'Enabled' },
    });

    const without = await converge(
      reconcilers.protectedBucket,
      {
        ...withRtc.object,
        spec: {
          ...withRtc.object.spec,
          backup: { ...withRtc.object.spec.backup, replicationTimeControl: false },
        },
        metadata: { name: 'raw', namespace: ns, generation: 3, uid: `${team}-uid` },
      },
      { timeoutMs: 60_000 },
    );
    expect(without.outcome).toBe('ready');
    expect(without.status.replicationAlarms).toBeUndefined();
    const left = await cw.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `seawall-pb/${ns}/raw/` }),
    );
    expect(left.MetricAlarms ?? []).toEqual([]);
  });
});
