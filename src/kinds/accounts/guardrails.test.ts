import { describe, expect, it } from 'vitest';
import type { AwsAccountSpec, NamespaceGrant } from '../../api/awsaccount.ts';
import type { CostMonitorSpec } from '../../api/costmonitor.ts';
import type { ProtectedBucketSpec } from '../../api/protectedbucket.ts';
import type { QualityPipelineSpec } from '../../api/qualitypipeline.ts';
import { type GuardrailContext, glueRoleAllowed, violationsOf } from './guardrails.ts';

const grant: NamespaceGrant = {
  names: ['parks'],
  bucketPrefixes: ['parks-'],
  kmsAliasPrefixes: ['alias/parks/'],
  glueRoles: [
    'arn:aws:iam::111111111111:role/seawall/parks-glue',
    'arn:aws:iam::111111111111:role/seawall/parks-*',
  ],
};
const account: AwsAccountSpec = {
  accountId: '111111111111',
  roleArn: 'arn:aws:iam::111111111111:role/seawall/seawall-target',
  regions: ['ca-central-1', 'us-east-1'],
  namespaces: [grant],
};
const context: GuardrailContext = { accountName: 'data', account, grant };

const pb = (extra: Partial<ProtectedBucketSpec> = {}): ProtectedBucketSpec =>
  ({ bucketName: 'parks-raw', region: 'ca-central-1', ...extra }) as ProtectedBucketSpec;
const qp = (extra: Partial<QualityPipelineSpec> = {}): QualityPipelineSpec =>
  ({
    source: { bucketName: 'parks-raw', prefix: 'raw/' },
    rules: 'Rules = [ RowCount > 0 ]',
    ...extra,
  }) as QualityPipelineSpec;
const cm = (extra: Partial<CostMonitorSpec> = {}): CostMonitorSpec =>
  ({ region: 'ca-central-1', ...extra }) as CostMonitorSpec;

describe('team guardrails (each escape names its rule)', () => {
  const cases: { name: string; kind: string; spec: unknown; rules: string[]; field?: string }[] = [
    { name: 'a bucket inside the prefixes', kind: 'ProtectedBucket', spec: pb(), rules: [] },
    {
      name: "another team's prefix",
      kind: 'ProtectedBucket',
      spec: pb({ bucketName: 'roads-raw' }),
      rules: ['BucketOutsidePrefixes'],
      field: 'spec.bucketName',
    },
    {
      name: 'adopting an existing bucket without mayAdopt',
      kind: 'ProtectedBucket',
      spec: pb({ adoptExisting: true }),
      rules: ['AdoptionNotAllowed'],
    },
    {
      name: 'adopting a foreign bucket (outside the prefixes) even without mayAdopt being asked',
      kind: 'ProtectedBucket',
      spec: pb({ bucketName: 'audit-trail-logs', adoptExisting: true }),
      rules: ['BucketOutsidePrefixes', 'AdoptionNotAllowed'],
    },
    {
      name: 'a KMS alias outside the alias prefixes',
      kind: 'ProtectedBucket',
      spec: pb({ encryption: { alias: 'alias/roads/key' } }),
      rules: ['KmsAliasOutsidePrefixes'],
      field: 'spec.encryption.alias',
    },
    {
      name: 'a KMS alias inside the prefixes',
      kind: 'ProtectedBucket',
      spec: pb({ encryption: { alias: 'alias/parks/raw' } }),
      rules: [],
    },
    {
      name: "the alias Seawall derives from the bucket's own name",
      kind: 'ProtectedBucket',
      spec: pb({ encryption: { alias: 'alias/seawall/parks-raw' } }),
      rules: [],
    },
    {
      name: 'a key of another account by ARN',
      kind: 'ProtectedBucket',
      spec: pb({
        encryption: { keyArn: 'arn:aws:kms:ca-central-1:222222222222:key/abcd-1234' },
      }),
      rules: ['KeyOutsideAccount'],
    },
    {
      name: 'a backup bucket outside the prefixes',
      kind: 'ProtectedBucket',
      spec: pb({ backup: { bucketName: 'backups-all', region: 'us-east-1' } as never }),
      rules: ['BackupBucketOutsidePrefixes'],
      field: 'spec.backup.bucketName',
    },
    {
      name: 'a region the account does not declare',
      kind: 'ProtectedBucket',
      spec: pb({ region: 'eu-west-1' }),
      rules: ['RegionNotAllowed'],
    },
    {
      name: 'a backup region the account does not declare',
      kind: 'ProtectedBucket',
      spec: pb({ backup: { bucketName: 'parks-raw-backup', region: 'eu-west-1' } as never }),
      rules: ['RegionNotAllowed'],
      field: 'spec.backup.region',
    },
    {
      name: 'a Glue role not allowed',
      kind: 'QualityPipeline',
      spec: qp({
        engine: 'glue',
        glue: { roleArn: 'arn:aws:iam::111111111111:role/Admin' } as never,
      }),
      rules: ['GlueRoleNotAllowed'],
    },
    {
      name: 'a Glue role matching a prefix entry',
      kind: 'QualityPipeline',
      spec: qp({
        engine: 'glue',
        glue: { roleArn: 'arn:aws:iam::111111111111:role/seawall/parks-nightly' } as never,
      }),
      rules: [],
    },
    {
      name: "a QualityPipeline reading another team's bucket",
      kind: 'QualityPipeline',
      spec: qp({ source: { bucketName: 'roads-raw', prefix: 'raw/' } as never }),
      rules: ['BucketOutsidePrefixes'],
      field: 'spec.source.bucketName',
    },
    {
      name: "a QualityPipeline writing quarantined rows to another team's bucket",
      kind: 'QualityPipeline',
      spec: qp({ quarantine: { bucketName: 'roads-curated' } as never }),
      rules: ['BucketOutsidePrefixes'],
      field: 'spec.quarantine.bucketName',
    },
    {
      name: 'a QualityPipeline by bucketRef (same namespace by construction)',
      kind: 'QualityPipeline',
      spec: qp({ source: { bucketRef: { name: 'raw' }, prefix: 'raw/' } as never }),
      rules: [],
    },
    {
      name: "a CostMonitor trail delivering into another team's bucket",
      kind: 'CostMonitor',
      spec: cm({
        auditTrail: { name: 't', logBucket: { existingBucketName: 'roads-logs' } } as never,
      }),
      rules: ['TrailBucketOutsidePrefixes'],
      field: 'spec.auditTrail.logBucket.existingBucketName',
    },
    {
      name: 'a CostMonitor creating its log bucket outside the prefixes',
      kind: 'CostMonitor',
      spec: cm({ auditTrail: { name: 't', logBucket: { bucketName: 'trail-logs' } } as never }),
      rules: ['TrailBucketOutsidePrefixes'],
    },
    {
      name: "a CostMonitor alarm on another team's bucket",
      kind: 'CostMonitor',
      spec: cm({ buckets: [{ bucketName: 'roads-raw', maxObjects: 5 }] as never }),
      rules: ['BucketOutsidePrefixes'],
      field: 'spec.buckets[0].bucketName',
    },
  ];
  it.each(cases)('$name → $rules', ({ kind, spec, rules, field }) => {
    const found = violationsOf(kind, spec, context);
    expect(found.map((v) => v.rule)).toEqual(rules);
    if (field) expect(found[0]?.field).toBe(field);
    for (const v of found) expect(v.message).toContain('AwsAccount data');
  });

  it('an empty prefix list grants no bucket at all', () => {
    const none = { ...context, grant: { ...grant, bucketPrefixes: [] } };
    expect(violationsOf('ProtectedBucket', pb(), none)[0]?.message).toContain('(none)');
  });

  it('glue roles: exact or prefix with a trailing *', () => {
    expect(glueRoleAllowed('arn:aws:iam::111111111111:role/seawall/parks-glue', grant)).toBe(true);
    expect(glueRoleAllowed('arn:aws:iam::111111111111:role/seawall/roads-glue', grant)).toBe(false);
    expect(glueRoleAllowed('x', { ...grant, glueRoles: undefined as never })).toBe(false);
  });
});
