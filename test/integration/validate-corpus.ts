// The test corpus of the agreement tests: objects the API server must accept or refuse,
// for `seawall validate` (validate-agreement.test.ts) and the published JSON Schemas
// (json-schema-agreement.test.ts) to agree with. Each refusal names the field the API
// server reports, where one field is at fault.

export interface Case {
  name: string;
  kind: 'ProtectedBucket' | 'CostMonitor' | 'QualityPipeline';
  spec: Record<string, unknown>;
  /** The field the API server names in its refusal (when the case is refused). */
  field?: string;
  /**
   * Refused by `seawall validate` only, by design: checks the API server cannot make
   * (the operator's cron parser). The agreement test asserts exactly that split.
   */
  seawallOnly?: boolean;
}

const pbBase = { bucketName: 'agree-raw', region: 'ca-central-1' };
const cmBase = { region: 'ca-central-1' };
const qpBase = {
  source: { bucketRef: { name: 'raw-data' }, prefix: 'raw/parking/' },
  rules: 'Rules = [ IsComplete "meter_id" ]',
};
const pb = (name: string, spec: Record<string, unknown>, field?: string): Case => ({
  name,
  kind: 'ProtectedBucket',
  spec: { ...pbBase, ...spec },
  ...(field ? { field } : {}),
});
const qp = (name: string, spec: Record<string, unknown>, field?: string): Case => ({
  name,
  kind: 'QualityPipeline',
  spec: { ...qpBase, ...spec },
  ...(field ? { field } : {}),
});

const tags = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag-${i}`, `value-${i}`]));

export const cases: Case[] = [
  // ProtectedBucket
  pb('pb-minimal', {}),
  pb('pb-full', {
    encryption: { alias: 'alias/seawall/raw', rotation: { enabled: true, periodInDays: 180 } },
    backup: { bucketName: 'agree-raw-backup', region: 'us-west-2', storageClass: 'GLACIER_IR' },
    lifecycle: { noncurrentVersionExpirationDays: 90 },
    tags: { team: 'data' },
    driftPolicy: 'Report',
    driftCheckInterval: '5m',
  }),
  pb('pb-object-lock', {
    backup: {
      bucketName: 'agree-raw-backup',
      region: 'us-west-2',
      objectLock: { mode: 'COMPLIANCE', years: 7 },
    },
  }),
  pb(
    'pb-object-lock-days-and-years',
    {
      backup: {
        bucketName: 'agree-raw-backup',
        region: 'us-west-2',
        objectLock: { mode: 'GOVERNANCE', days: 30, years: 1 },
      },
    },
    'spec.backup.objectLock',
  ),
  pb(
    'pb-object-lock-no-period',
    {
      backup: {
        bucketName: 'agree-raw-backup',
        region: 'us-west-2',
        objectLock: { mode: 'GOVERNANCE' },
      },
    },
    'spec.backup.objectLock',
  ),
  pb(
    'pb-object-lock-bad-mode',
    {
      backup: {
        bucketName: 'agree-raw-backup',
        region: 'us-west-2',
        objectLock: { mode: 'LEGAL_HOLD', days: 1 },
      },
    },
    'spec.backup.objectLock.mode',
  ),
  pb('pb-bad-name-pattern', { bucketName: 'Raw_Data' }, 'spec.bucketName'),
  pb('pb-adjacent-periods', { bucketName: 'raw..data' }, 'spec.bucketName'),
  pb('pb-ip-name', { bucketName: '192.168.1.10' }, 'spec.bucketName'),
  // AWS's reserved prefixes and suffixes (S3 User Guide, bucket naming rules).
  pb('pb-prefix-xn', { bucketName: 'xn--raw-data' }, 'spec.bucketName'),
  pb('pb-prefix-sthree', { bucketName: 'sthree-raw-data' }, 'spec.bucketName'),
  pb('pb-prefix-sthree-configurator', { bucketName: 'sthree-configurator-x' }, 'spec.bucketName'),
  pb('pb-prefix-amzn-s3-demo', { bucketName: 'amzn-s3-demo-raw' }, 'spec.bucketName'),
  pb('pb-suffix-s3alias', { bucketName: 'raw-s3alias' }, 'spec.bucketName'),
  pb('pb-suffix-ol-s3', { bucketName: 'raw--ol-s3' }, 'spec.bucketName'),
  pb('pb-suffix-mrap', { bucketName: 'raw.mrap' }, 'spec.bucketName'),
  pb('pb-suffix-x-s3', { bucketName: 'raw--usw2-az1--x-s3' }, 'spec.bucketName'),
  pb('pb-suffix-table-s3', { bucketName: 'raw--table-s3' }, 'spec.bucketName'),
  pb(
    'pb-backup-reserved-suffix',
    { backup: { bucketName: 'backup-s3alias', region: 'us-west-2' } },
    'spec.backup.bucketName',
  ),
  // Close to reserved, but allowed.
  pb('pb-near-reserved-names', { bucketName: 'xn-raw.s3alias-mrap-data' }),
  { name: 'pb-missing-region', kind: 'ProtectedBucket', spec: { bucketName: 'agree-raw' } },
  // Regions from the partitions the SDK knows, never one no endpoint answers for.
  pb('pb-unknown-region', { region: 'xx-east-1' }, 'spec.region'),
  pb('pb-region-typo', { region: 'ca-centrl-1' }, 'spec.region'),
  pb('pb-govcloud-region', { region: 'us-gov-west-1' }),
  pb(
    'pb-backup-unknown-region',
    { backup: { bucketName: 'agree-raw-backup', region: 'mars-north-1' } },
    'spec.backup.region',
  ),
  pb('pb-unknown-field', { enforceTls: false }, 'spec.enforceTls'),
  pb('pb-bad-enum', { versioning: 'On' }, 'spec.versioning'),
  pb(
    'pb-alias-and-arn',
    {
      encryption: {
        alias: 'alias/seawall/x',
        keyArn: 'arn:aws:kms:ca-central-1:123456789012:key/abc',
      },
    },
    'spec.encryption',
  ),
  pb('pb-aws-alias', { encryption: { alias: 'alias/aws/s3' } }, 'spec.encryption.alias'),
  pb(
    'pb-rotation-too-short',
    { encryption: { rotation: { periodInDays: 30 } } },
    'spec.encryption.rotation.periodInDays',
  ),
  pb(
    'pb-backup-same-region',
    { backup: { bucketName: 'agree-raw-backup', region: 'ca-central-1' } },
    'spec.backup.region',
  ),
  pb(
    'pb-backup-same-name',
    { backup: { bucketName: 'agree-raw', region: 'us-west-2' } },
    'spec.backup.bucketName',
  ),
  pb(
    'pb-backup-suspended',
    {
      versioning: 'Suspended',
      backup: { bucketName: 'agree-raw-backup', region: 'us-west-2' },
    },
    'spec.versioning',
  ),
  pb('pb-backup-default-versioning', {
    backup: { bucketName: 'agree-raw-backup', region: 'us-west-2' },
  }),
  pb('pb-bad-duration', { driftCheckInterval: '5 minutes' }, 'spec.driftCheckInterval'),
  // The drift interval is bounded: 30s to 24h.
  pb('pb-drift-interval-zero', { driftCheckInterval: '0s' }, 'spec.driftCheckInterval'),
  pb('pb-drift-interval-29s', { driftCheckInterval: '29s' }, 'spec.driftCheckInterval'),
  pb('pb-drift-interval-500ms', { driftCheckInterval: '500ms' }, 'spec.driftCheckInterval'),
  pb('pb-drift-interval-30s', { driftCheckInterval: '30s' }),
  pb('pb-drift-interval-compound', { driftCheckInterval: '1h30m' }),
  pb('pb-drift-interval-fraction', { driftCheckInterval: '1.5h' }),
  pb('pb-drift-interval-24h', { driftCheckInterval: '24h' }),
  pb('pb-drift-interval-25h', { driftCheckInterval: '25h' }, 'spec.driftCheckInterval'),
  pb('pb-drift-interval-days', { driftCheckInterval: '1440m1s' }, 'spec.driftCheckInterval'),
  pb('pb-string-for-bool', { enforceTLS: 'yes' }, 'spec.enforceTLS'),
  // Tags: AWS's rules (IAM's character class, 128/256 characters, no aws: prefix, 50 per
  // resource of which Seawall's owner tag is one, keys unique regardless of case).
  pb('pb-tags-unicode', { tags: { équipe: 'données', 'cost center': 'a/b:c=d+e-f@g_h.i' } }),
  pb('pb-tags-empty-value', { tags: { team: '' } }),
  pb('pb-tags-49', { tags: tags(49) }),
  pb('pb-tags-50', { tags: tags(50) }, 'spec.tags'),
  pb('pb-tag-key-128', { tags: { ['k'.repeat(128)]: 'v' } }),
  pb('pb-tag-key-129', { tags: { ['k'.repeat(129)]: 'v' } }, 'spec.tags'),
  pb('pb-tag-value-256', { tags: { team: 'v'.repeat(256) } }),
  pb('pb-tag-value-257', { tags: { team: 'v'.repeat(257) } }, 'spec.tags.team'),
  pb('pb-tag-key-aws', { tags: { 'aws:cost': 'x' } }, 'spec.tags'),
  pb('pb-tag-key-aws-upper', { tags: { 'AWS:Cost': 'x' } }, 'spec.tags'),
  pb('pb-tag-key-awsish', { tags: { 'aws-cost': 'x' } }),
  pb('pb-tag-key-owner', { tags: { 'seawall.dev/owner': 'someone/else' } }, 'spec.tags'),
  pb('pb-tag-key-bad-character', { tags: { 'team!': 'x' } }, 'spec.tags'),
  pb('pb-tag-value-bad-character', { tags: { team: 'data & more' } }, 'spec.tags.team'),
  pb('pb-tag-keys-differ-in-case', { tags: { Team: 'a', team: 'b' } }, 'spec.tags'),

  // CostMonitor
  { name: 'cm-minimal', kind: 'CostMonitor', spec: cmBase },
  {
    name: 'cm-full',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      notifications: {
        subscriptions: [
          { protocol: 'email', endpoint: 'data@example.org' },
          { protocol: 'https', endpoint: 'https://hooks.example.org/x' },
        ],
      },
      billing: {
        monthlyBudgetUSD: 500,
        thresholds: [
          { name: 'half', percentOfBudget: 50 },
          { name: 'limit', amountUSD: 750.5 },
        ],
      },
      buckets: [{ bucketRef: { name: 'raw-data' }, maxSizeGiB: 100, maxObjects: 1000 }],
      dashboard: { qualityPipelines: [{ name: 'parking-meters' }] },
      auditTrail: { name: 'city-audit', logBucket: { bucketName: 'agree-audit-logs' } },
      driftCheckInterval: '1h',
    },
  },
  {
    name: 'cm-unknown-region',
    kind: 'CostMonitor',
    spec: { region: 'eu-east-7' },
    field: 'spec.region',
  },
  {
    name: 'cm-bucket-unknown-region',
    kind: 'CostMonitor',
    spec: { ...cmBase, buckets: [{ bucketName: 'some-bucket', region: 'us-east-9' }] },
    field: 'spec.buckets[0].region',
  },
  {
    name: 'cm-drift-interval-too-short',
    kind: 'CostMonitor',
    spec: { ...cmBase, driftCheckInterval: '1s' },
    field: 'spec.driftCheckInterval',
  },
  {
    name: 'cm-log-bucket-reserved',
    kind: 'CostMonitor',
    spec: { ...cmBase, auditTrail: { name: 'trail', logBucket: { bucketName: 'logs--x-s3' } } },
    field: 'spec.auditTrail.logBucket.bucketName',
  },
  {
    name: 'cm-email-not-address',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      notifications: { subscriptions: [{ protocol: 'email', endpoint: 'nobody' }] },
    },
    field: 'spec.notifications.subscriptions[0].endpoint',
  },
  {
    name: 'cm-https-not-https',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      notifications: { subscriptions: [{ protocol: 'https', endpoint: 'http://x.example.org' }] },
    },
    field: 'spec.notifications.subscriptions[0].endpoint',
  },
  {
    name: 'cm-topic-and-existing',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      notifications: {
        topicName: 'alerts',
        existingTopicArns: ['arn:aws:sns:us-east-1:123456789012:alerts'],
      },
    },
    field: 'spec.notifications',
  },
  {
    name: 'cm-both-amounts',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      billing: {
        monthlyBudgetUSD: 10,
        thresholds: [{ name: 'x', amountUSD: 1, percentOfBudget: 5 }],
      },
    },
    field: 'spec.billing.thresholds[0]',
  },
  {
    name: 'cm-percent-without-budget',
    kind: 'CostMonitor',
    spec: { ...cmBase, billing: { thresholds: [{ name: 'x', percentOfBudget: 80 }] } },
    field: 'spec.billing.monthlyBudgetUSD',
  },
  {
    name: 'cm-zero-amount',
    kind: 'CostMonitor',
    spec: { ...cmBase, billing: { thresholds: [{ name: 'x', amountUSD: 0 }] } },
    field: 'spec.billing.thresholds[0].amountUSD',
  },
  {
    name: 'cm-too-many-actions',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      billing: {
        thresholds: [
          {
            name: 'x',
            amountUSD: 5,
            actions: [1, 2, 3, 4, 5].map((i) => `arn:aws:sns:us-east-1:123456789012:t${i}`),
          },
        ],
      },
    },
    field: 'spec.billing.thresholds[0].actions',
  },
  {
    name: 'cm-five-actions-no-topic',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      billing: {
        thresholds: [
          {
            name: 'x',
            amountUSD: 5,
            notifyTopic: false,
            actions: [1, 2, 3, 4, 5].map((i) => `arn:aws:sns:us-east-1:123456789012:t${i}`),
          },
        ],
      },
    },
  },
  {
    name: 'cm-bucket-ref-and-name',
    kind: 'CostMonitor',
    spec: { ...cmBase, buckets: [{ bucketRef: { name: 'raw' }, bucketName: 'raw-bucket' }] },
    field: 'spec.buckets[0]',
  },
  {
    name: 'cm-ref-with-region',
    kind: 'CostMonitor',
    spec: { ...cmBase, buckets: [{ bucketRef: { name: 'raw' }, region: 'us-west-2' }] },
    field: 'spec.buckets[0].region',
  },
  {
    name: 'cm-trail-adjacent',
    kind: 'CostMonitor',
    spec: { ...cmBase, auditTrail: { name: 'a--b', logBucket: { bucketName: 'agree-logs' } } },
    field: 'spec.auditTrail.name',
  },
  {
    name: 'cm-log-bucket-both',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      auditTrail: {
        name: 'trail',
        logBucket: { bucketName: 'agree-logs', existingBucketName: 'other-logs' },
      },
    },
    field: 'spec.auditTrail.logBucket',
  },
  {
    name: 'cm-retention-on-existing',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      auditTrail: {
        name: 'trail',
        logBucket: { existingBucketName: 'other-logs', retentionDays: 30 },
      },
    },
    field: 'spec.auditTrail.logBucket.retentionDays',
  },
  {
    name: 'cm-multiregion-no-global',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      auditTrail: {
        name: 'trail',
        multiRegion: true,
        includeGlobalServiceEvents: false,
        logBucket: { bucketName: 'agree-logs' },
      },
    },
    field: 'spec.auditTrail.includeGlobalServiceEvents',
  },
  {
    name: 'cm-default-multiregion-no-global',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      auditTrail: {
        name: 'trail',
        includeGlobalServiceEvents: false,
        logBucket: { bucketName: 'agree-logs' },
      },
    },
    field: 'spec.auditTrail.includeGlobalServiceEvents',
  },
  {
    name: 'cm-duplicate-threshold-names',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      billing: {
        thresholds: [
          { name: 'x', amountUSD: 1 },
          { name: 'x', amountUSD: 2 },
        ],
      },
    },
    field: 'spec.billing.thresholds[1]',
  },

  // QualityPipeline (valid DQDL throughout: DQDL is checked by seawall only)
  qp('qp-minimal', {}),
  qp('qp-glue', { engine: 'glue', glue: { workerType: 'G.2X', numberOfWorkers: 4 } }),
  qp('qp-glue-settings-on-embedded', { glue: { numberOfWorkers: 4 } }, 'spec.glue'),
  qp(
    'qp-source-ref-and-name',
    { source: { bucketRef: { name: 'raw' }, bucketName: 'raw-bucket', prefix: 'raw/' } },
    'spec.source',
  ),
  qp(
    'qp-source-reserved-bucket',
    { source: { bucketName: 'amzn-s3-demo-raw', prefix: 'raw/' } },
    'spec.source.bucketName',
  ),
  qp('qp-schedule-weekly', { schedule: 'cron(0 2 ? * MON *)' }),
  qp('qp-schedule-lists-and-steps', { schedule: 'cron(0/15 8-17 ? * MON-FRI *)' }),
  qp('qp-schedule-last-friday', { schedule: 'cron(15 10 ? * 6L 2026-2030)' }),
  qp('qp-schedule-lowercase-names', { schedule: 'cron(0 2 ? jan mon *)' }),
  qp('qp-schedule-five-fields', { schedule: 'cron(0 2 * * 1)' }, 'spec.schedule'),
  qp('qp-schedule-both-days', { schedule: 'cron(0 2 * * MON *)' }, 'spec.schedule'),
  qp('qp-schedule-every-minute', { schedule: 'cron(* * ? * MON *)' }, 'spec.schedule'),
  // Field values out of range: refused at apply time, not stalled in the cluster.
  qp('qp-schedule-minute-61', { schedule: 'cron(61 9 ? * MON *)' }, 'spec.schedule'),
  qp('qp-schedule-hour-24', { schedule: 'cron(0 24 ? * MON *)' }, 'spec.schedule'),
  qp('qp-schedule-day-32', { schedule: 'cron(0 2 32 * ? *)' }, 'spec.schedule'),
  qp('qp-schedule-month-13', { schedule: 'cron(0 2 ? 13 MON *)' }, 'spec.schedule'),
  qp('qp-schedule-weekday-8', { schedule: 'cron(0 2 ? * 8 *)' }, 'spec.schedule'),
  qp('qp-schedule-year-1900', { schedule: 'cron(0 2 ? * MON 1900)' }, 'spec.schedule'),
  qp('qp-schedule-nearest-weekday', { schedule: 'cron(0 2 15W * ? *)' }, 'spec.schedule'),
  // What only the operator's cron parser sees: seawall validate refuses, the API server
  // cannot (a regular expression does not compare two numbers of a range).
  {
    ...qp('qp-schedule-descending-range', { schedule: 'cron(30-5 2 ? * MON *)' }),
    seawallOnly: true,
  },
  {
    ...qp('qp-schedule-every-2-minutes-list', { schedule: 'cron(0,2 * ? * MON *)' }),
    seawallOnly: true,
  },
];

/** Transition cases: a stored object, then an update the API server must refuse on `field`. */
export interface ImmutableCase {
  name: string;
  kind: Case['kind'];
  spec: Record<string, unknown>;
  update: Record<string, unknown>;
  field: string;
}

export const immutableCases: ImmutableCase[] = [
  {
    name: 'pb-bucket-name-changed',
    kind: 'ProtectedBucket',
    spec: pbBase,
    update: { ...pbBase, bucketName: 'agree-raw-renamed' },
    field: 'spec.bucketName',
  },
  {
    name: 'pb-region-changed',
    kind: 'ProtectedBucket',
    spec: pbBase,
    update: { ...pbBase, region: 'us-west-2' },
    field: 'spec.region',
  },
  {
    name: 'cm-region-changed',
    kind: 'CostMonitor',
    spec: cmBase,
    update: { region: 'us-west-2' },
    field: 'spec.region',
  },
  {
    name: 'cm-trail-renamed',
    kind: 'CostMonitor',
    spec: { ...cmBase, auditTrail: { name: 'trail-a', logBucket: { bucketName: 'agree-logs' } } },
    update: {
      ...cmBase,
      auditTrail: { name: 'trail-b', logBucket: { bucketName: 'agree-logs' } },
    },
    field: 'spec.auditTrail.name',
  },
];
