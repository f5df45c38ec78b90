// `seawall validate` must agree with the API server: every object it accepts the API
// server accepts (fieldValidation Strict, dry run), and every object it refuses the API
// server refuses. Transition rules (oldSelf) and DQDL are outside this comparison: the
// first needs a stored object, the second is checked only by seawall.
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, VERSION } from '../../src/api/common.ts';
import { kindByName } from '../../src/api/kinds.ts';
import { validateObject } from '../../src/api/validate.ts';
import { adminKubeConfig, createNamespace } from '../harness/kube.ts';

interface Case {
  name: string;
  kind: string;
  spec: Record<string, unknown>;
}

const pbBase = { bucketName: 'agree-raw', region: 'ca-central-1' };
const cmBase = { region: 'ca-central-1' };

const cases: Case[] = [
  // ProtectedBucket
  { name: 'pb-minimal', kind: 'ProtectedBucket', spec: pbBase },
  {
    name: 'pb-full',
    kind: 'ProtectedBucket',
    spec: {
      ...pbBase,
      encryption: { alias: 'alias/seawall/raw', rotation: { enabled: true, periodInDays: 180 } },
      backup: { bucketName: 'agree-raw-backup', region: 'us-west-2', storageClass: 'GLACIER_IR' },
      lifecycle: { noncurrentVersionExpirationDays: 90 },
      tags: { team: 'data' },
      driftPolicy: 'Report',
      driftCheckInterval: '5m',
    },
  },
  {
    name: 'pb-bad-name-pattern',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, bucketName: 'Raw_Data' },
  },
  {
    name: 'pb-adjacent-periods',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, bucketName: 'raw..data' },
  },
  { name: 'pb-ip-name', kind: 'ProtectedBucket', spec: { ...pbBase, bucketName: '192.168.1.10' } },
  {
    name: 'pb-reserved-suffix',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, bucketName: 'raw-s3alias' },
  },
  { name: 'pb-missing-region', kind: 'ProtectedBucket', spec: { bucketName: 'agree-raw' } },
  { name: 'pb-unknown-field', kind: 'ProtectedBucket', spec: { ...pbBase, enforceTls: false } },
  { name: 'pb-bad-enum', kind: 'ProtectedBucket', spec: { ...pbBase, versioning: 'On' } },
  {
    name: 'pb-alias-and-arn',
    kind: 'ProtectedBucket',
    spec: {
      ...pbBase,
      encryption: {
        alias: 'alias/seawall/x',
        keyArn: 'arn:aws:kms:ca-central-1:123456789012:key/abc',
      },
    },
  },
  {
    name: 'pb-aws-alias',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, encryption: { alias: 'alias/aws/s3' } },
  },
  {
    name: 'pb-rotation-too-short',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, encryption: { rotation: { periodInDays: 30 } } },
  },
  {
    name: 'pb-backup-same-region',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, backup: { bucketName: 'agree-raw-backup', region: 'ca-central-1' } },
  },
  {
    name: 'pb-backup-same-name',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, backup: { bucketName: 'agree-raw', region: 'us-west-2' } },
  },
  {
    name: 'pb-backup-suspended',
    kind: 'ProtectedBucket',
    spec: {
      ...pbBase,
      versioning: 'Suspended',
      backup: { bucketName: 'agree-raw-backup', region: 'us-west-2' },
    },
  },
  {
    name: 'pb-backup-default-versioning',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, backup: { bucketName: 'agree-raw-backup', region: 'us-west-2' } },
  },
  {
    name: 'pb-bad-duration',
    kind: 'ProtectedBucket',
    spec: { ...pbBase, driftCheckInterval: '5 minutes' },
  },
  { name: 'pb-string-for-bool', kind: 'ProtectedBucket', spec: { ...pbBase, enforceTLS: 'yes' } },
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
    },
  },
  {
    name: 'cm-email-not-address',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      notifications: { subscriptions: [{ protocol: 'email', endpoint: 'nobody' }] },
    },
  },
  {
    name: 'cm-https-not-https',
    kind: 'CostMonitor',
    spec: {
      ...cmBase,
      notifications: { subscriptions: [{ protocol: 'https', endpoint: 'http://x.example.org' }] },
    },
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
  },
  {
    name: 'cm-percent-without-budget',
    kind: 'CostMonitor',
    spec: { ...cmBase, billing: { thresholds: [{ name: 'x', percentOfBudget: 80 }] } },
  },
  {
    name: 'cm-zero-amount',
    kind: 'CostMonitor',
    spec: { ...cmBase, billing: { thresholds: [{ name: 'x', amountUSD: 0 }] } },
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
  },
  {
    name: 'cm-ref-with-region',
    kind: 'CostMonitor',
    spec: { ...cmBase, buckets: [{ bucketRef: { name: 'raw' }, region: 'us-west-2' }] },
  },
  {
    name: 'cm-trail-adjacent',
    kind: 'CostMonitor',
    spec: { ...cmBase, auditTrail: { name: 'a--b', logBucket: { bucketName: 'agree-logs' } } },
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
  },
];

describe('seawall validate agrees with the API server', () => {
  let custom: k8s.CustomObjectsApi;
  let namespace: string;

  beforeAll(async () => {
    const kc = adminKubeConfig();
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    namespace = await createNamespace(kc, 'validate-agree');
  });

  const known = cases.filter((c) => kindByName(c.kind));

  it.each(known.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const def = kindByName(c.kind);
    if (!def) return;
    const body = {
      apiVersion: API_VERSION,
      kind: c.kind,
      metadata: { name: c.name },
      spec: c.spec,
    };
    const issues = validateObject(def, body);
    let refusal: string | undefined;
    try {
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: def.plural,
        body,
        dryRun: 'All',
        fieldValidation: 'Strict',
      });
    } catch (error) {
      const e = error as { code?: number; body?: string };
      if (e.code !== 400 && e.code !== 422) throw error;
      refusal = String(e.body);
    }
    const verdict = { seawall: issues.length > 0, apiServer: refusal !== undefined };
    expect(
      verdict,
      `seawall: ${JSON.stringify(issues.map((i) => `${i.field}: ${i.message}`))}\napi server: ${refusal}`,
    ).toEqual({ seawall: verdict.apiServer, apiServer: verdict.apiServer });
  });
});
