// Team guardrails as a team would try to escape them. Each attempt is a real object,
// resolved against a real AwsAccount in the API server, and refused before AWS is touched:
// no call at all (not even the AssumeRole), the Stalled reason naming the rule. What the
// API server refuses by itself (the CRD's CEL, its schema) is tried there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costMonitorKind } from '../../src/api/costmonitor.ts';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { qualityPipelineKind } from '../../src/api/qualitypipeline.ts';
import { CallLog } from '../../src/aws/calls.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, uniqueName } from '../harness/kube.ts';
import { reconcilePass } from '../harness/reconcile.ts';
import {
  aCostMonitor,
  aProtectedBucket,
  aQualityPipeline,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import { awsAccounts, createTargetRole, EXTERNAL_ID, reconcilersFor } from './accounts-fixtures.ts';

const REGION = 'ca-central-1';

describe('team guardrails: escape attempts', () => {
  const kc = adminKubeConfig();
  const accounts = awsAccounts(kc);
  const team = uniqueName('parks');
  const accountName = `${team}-data`;
  const otherAccount = `${team}-roads`;
  let home: TestAccount;
  let target: TestAccount;
  let ns: string;
  let roads: string;
  let log: CallLog;
  let reconcilers: ReturnType<typeof reconcilersFor>;

  beforeAll(async () => {
    [home, target] = await Promise.all([isolatedAccount(), isolatedAccount()]);
    const roleArn = await createTargetRole(home, target);
    ns = await createNamespace(kc, 'parks');
    roads = await createNamespace(kc, 'roads');
    const base = { accountId: target.accountId, roleArn, externalId: EXTERNAL_ID };
    await accounts.create(accountName, {
      ...base,
      regions: [REGION, 'us-east-1'],
      namespaces: [
        {
          names: [ns],
          default: true,
          bucketPrefixes: [`${team}-`],
          kmsAliasPrefixes: [`alias/${team}/`],
          glueRoles: [`arn:aws:iam::${target.accountId}:role/seawall/${team}-glue`],
          mayAdopt: false,
        },
      ],
    });
    await accounts.create(otherAccount, {
      ...base,
      regions: [REGION],
      namespaces: [{ names: [roads], default: true, bucketPrefixes: ['roads-'] }],
    });
    log = new CallLog();
    home.operator.clients.observe(log.observer);
    reconcilers = reconcilersFor(home, kc);
  });

  afterAll(async () => {
    await accounts.delete(accountName).catch(() => {});
    await accounts.delete(otherAccount).catch(() => {});
  });

  const meta = (name: string) => ({
    metadata: { namespace: ns, generation: 1, uid: `${name}-uid` },
  });
  type Attempt = {
    attempt: string;
    reconciler: () => Reconciler<never, never>;
    object: () => Parameters<typeof reconcilePass>[1];
    rule: string;
    names: () => string;
  };
  const attempts: Attempt[] = [
    {
      attempt: "a bucket under another team's prefix",
      reconciler: () => reconcilers.protectedBucket,
      object: () => aProtectedBucket('a1', { bucketName: 'roads-raw', region: REGION }, meta('a1')),
      rule: 'BucketOutsidePrefixes',
      names: () => 'spec.bucketName "roads-raw"',
    },
    {
      attempt: "adopting a foreign bucket (the audit trail's log bucket)",
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket(
          'a2',
          { bucketName: 'org-audit-logs', region: REGION, adoptExisting: true },
          meta('a2'),
        ),
      rule: 'BucketOutsidePrefixes',
      names: () => 'AdoptionNotAllowed',
    },
    {
      attempt: 'adopting an existing bucket inside the prefixes without mayAdopt',
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket(
          'a3',
          { bucketName: `${team}-old`, region: REGION, adoptExisting: true },
          meta('a3'),
        ),
      rule: 'AdoptionNotAllowed',
      names: () => 'mayAdopt',
    },
    {
      attempt: 'a KMS alias outside the alias prefixes',
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket(
          'a4',
          {
            bucketName: `${team}-k`,
            region: REGION,
            encryption: { alias: 'alias/roads/shared' },
          },
          meta('a4'),
        ),
      rule: 'KmsAliasOutsidePrefixes',
      names: () => 'alias/roads/shared',
    },
    {
      attempt: 'a backup bucket outside the prefixes',
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket(
          'a5',
          {
            bucketName: `${team}-b`,
            region: REGION,
            backup: { bucketName: 'everyone-backups', region: 'us-east-1' },
          },
          meta('a5'),
        ),
      rule: 'BackupBucketOutsidePrefixes',
      names: () => 'spec.backup.bucketName "everyone-backups"',
    },
    {
      attempt: 'a region the account does not declare',
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket('a6', { bucketName: `${team}-r`, region: 'eu-west-1' }, meta('a6')),
      rule: 'RegionNotAllowed',
      names: () => 'eu-west-1',
    },
    {
      attempt: 'a Glue role not allowed (an admin role to pass to Glue)',
      reconciler: () => reconcilers.qualityPipeline,
      object: () =>
        aQualityPipeline(
          'a7',
          {
            source: { bucketName: `${team}-raw`, prefix: 'raw/' },
            rules: 'Rules = [ RowCount > 0 ]',
            engine: 'glue',
            glue: { roleArn: `arn:aws:iam::${target.accountId}:role/OrganizationAdmin` },
          },
          meta('a7'),
        ),
      rule: 'GlueRoleNotAllowed',
      names: () => 'role/OrganizationAdmin',
    },
    {
      attempt: "a QualityPipeline reading another team's bucket by name",
      reconciler: () => reconcilers.qualityPipeline,
      object: () =>
        aQualityPipeline(
          'a8',
          {
            source: { bucketName: 'roads-raw', prefix: 'raw/' },
            rules: 'Rules = [ RowCount > 0 ]',
          },
          meta('a8'),
        ),
      rule: 'BucketOutsidePrefixes',
      names: () => 'spec.source.bucketName',
    },
    {
      attempt: "a CostMonitor trail delivering into another team's bucket",
      reconciler: () => reconcilers.costMonitor,
      object: () =>
        aCostMonitor(
          'a9',
          {
            region: REGION,
            auditTrail: { name: 'sneaky', logBucket: { existingBucketName: 'roads-logs' } },
          },
          meta('a9'),
        ),
      rule: 'TrailBucketOutsidePrefixes',
      names: () => 'roads-logs',
    },
    {
      attempt: 'an account not granted to the namespace',
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket(
          'a10',
          { bucketName: 'roads-x', region: REGION, account: otherAccount },
          meta('a10'),
        ),
      rule: 'AccountNotGranted',
      names: () => `AwsAccount ${otherAccount} does not grant namespace`,
    },
    {
      attempt: "another account's KMS key by ARN",
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket(
          'a11',
          {
            bucketName: `${team}-arn`,
            region: REGION,
            encryption: { keyArn: `arn:aws:kms:${REGION}:${home.accountId}:key/1234abcd-12ab` },
          },
          meta('a11'),
        ),
      rule: 'KeyOutsideAccount',
      names: () => home.accountId,
    },
    {
      attempt:
        'a namespace switched to the operator identity after creation (status says another account)',
      reconciler: () => reconcilers.protectedBucket,
      object: () =>
        aProtectedBucket(
          'a12',
          { bucketName: `${team}-sw`, region: REGION },
          {
            ...meta('a12'),
            status: { accountId: home.accountId },
          },
        ),
      rule: 'AccountChanged',
      names: () => home.accountId,
    },
  ];

  it.each(attempts)('$attempt: refused ($rule), no AWS call', async (a) => {
    log.clear();
    const result = await reconcilePass(a.reconciler(), a.object());
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe(a.rule);
    expect(result.error?.message).toContain(a.names());
    expect(log.calls).toEqual([]);
  });

  it('a refused object is deleted without touching AWS (its finalize makes no call)', async () => {
    log.clear();
    const object = aProtectedBucket(
      'gone',
      { bucketName: 'roads-raw', region: REGION, deletionPolicy: 'Delete' },
      {
        metadata: {
          namespace: ns,
          generation: 1,
          uid: 'gone-uid',
          deletionTimestamp: new Date().toISOString(),
          finalizers: ['seawall.dev/finalizer'],
        },
      },
    );
    const result = await reconcilePass(reconcilers.protectedBucket, object);
    expect(result.outcome).toBe('finalized');
    expect(log.calls).toEqual([]);
  });

  describe('refused by the API server itself', () => {
    it('spec.account switched, set or removed after creation (the CRD refuses it, naming the rule)', async () => {
      const pbs = seawallObjects(kc, protectedBucketKind, ns);
      await pbs.create(
        aProtectedBucket('fixed', {
          bucketName: `${team}-fixed`,
          region: REGION,
          account: accountName,
        }),
      );
      for (const account of [otherAccount, null]) {
        const refused = await pbs
          .patch('fixed', { spec: { account } })
          .then(() => undefined)
          .catch((error: { body?: string }) => error.body ?? String(error));
        expect(refused).toContain('spec.account is immutable');
        expect(refused).toContain('AccountChanged');
      }
      await pbs.create(aProtectedBucket('unset', { bucketName: `${team}-unset`, region: REGION }));
      const refused = await pbs
        .patch('unset', { spec: { account: otherAccount } })
        .then(() => undefined)
        .catch((error: { body?: string }) => error.body ?? String(error));
      expect(refused).toContain('spec.account is immutable');
    });

    it('a bucketRef into another namespace: the schema has no namespace to name (strict field validation refuses it)', async () => {
      for (const [kind, object] of [
        [
          qualityPipelineKind,
          aQualityPipeline('cross', {
            source: { bucketRef: { name: 'raw', namespace: roads }, prefix: 'raw/' },
            rules: 'Rules = [ RowCount > 0 ]',
          }),
        ],
        [
          costMonitorKind,
          aCostMonitor('cross', {
            region: REGION,
            buckets: [{ bucketRef: { name: 'raw', namespace: roads }, maxObjects: 1 }],
          }),
        ],
      ] as const) {
        const objects = seawallObjects(kc, kind, ns, { fieldValidation: 'Strict' });
        const refused = await objects
          .create(object)
          .then(() => undefined)
          .catch((error: { body?: string }) => error.body ?? String(error));
        expect(refused).toMatch(/unknown field.*namespace/);
      }
    });
  });
});
