// The API server refuses invalid CostMonitors before Seawall ever sees them: the CRD's
// schema and CEL rules come from src/api/costmonitor.ts. Each refusal names the field.
import { beforeAll, describe, expect, it } from 'vitest';
import { type CostMonitor, costMonitorKind } from '../../src/api/costmonitor.ts';
import { adminKubeConfig, createNamespace, uniqueName } from '../harness/kube.ts';
import { aCostMonitor, type SeawallObjects, seawallObjects } from '../harness/seawall-objects.ts';

describe('CostMonitor validation by the API server', () => {
  let monitors: SeawallObjects<CostMonitor>;

  beforeAll(async () => {
    const kc = adminKubeConfig();
    const namespace = await createNamespace(kc, 'costmon-validate');
    monitors = seawallObjects<CostMonitor>(kc, costMonitorKind, namespace, {
      fieldValidation: 'Strict',
    });
  });

  function create(spec: Record<string, unknown>) {
    return monitors.create(aCostMonitor(uniqueName('cm'), spec));
  }

  async function refusal(spec: Record<string, unknown>): Promise<string> {
    try {
      await create(spec);
    } catch (error) {
      const e = error as { code?: number; body?: string };
      // 422: schema or CEL; 400: an unknown field under fieldValidation Strict.
      expect([400, 422]).toContain(e.code);
      return String(e.body);
    }
    throw new Error('the API server accepted an invalid CostMonitor');
  }

  it('accepts a full CostMonitor and applies defaults', async () => {
    const created = await create({
      region: 'ca-central-1',
      notifications: {
        subscriptions: [
          { protocol: 'email', endpoint: 'data-team@example.org' },
          { protocol: 'https', endpoint: 'https://hooks.example.org/seawall' },
        ],
      },
      billing: {
        monthlyBudgetUSD: 500,
        thresholds: [
          { name: 'half', percentOfBudget: 50 },
          { name: 'hard', amountUSD: 450.5 },
        ],
      },
      buckets: [
        { bucketRef: { name: 'raw-data' }, maxSizeGiB: 500, maxObjects: 1_000_000 },
        { bucketName: 'some-other-bucket', region: 'us-west-2', maxObjects: 10 },
      ],
      dashboard: { qualityPipelines: [{ name: 'permits' }] },
      auditTrail: { name: 'vancouver-audit', logBucket: { bucketName: 'vancouver-audit-logs' } },
    });
    expect(created.spec.auditTrail?.multiRegion).toBe(true);
    expect(created.spec.auditTrail?.logFileValidation).toBe(true);
    expect(created.spec.deletionPolicy).toBe('Retain');
  });

  it.each([
    ['an amount of 0', { amountUSD: 0 }, 'spec.billing.thresholds[0].amountUSD'],
    ['a negative amount', { amountUSD: -5 }, 'spec.billing.thresholds[0].amountUSD'],
    [
      'a negative percentage',
      { percentOfBudget: -1 },
      'spec.billing.thresholds[0].percentOfBudget',
    ],
  ])('refuses a billing threshold with %s', async (_what, threshold, field) => {
    const body = await refusal({
      region: 'ca-central-1',
      billing: { monthlyBudgetUSD: 100, thresholds: [{ name: 'x', ...threshold }] },
    });
    expect(body).toContain(field);
    expect(body).toContain('must be greater than 0');
  });

  it('refuses a bucket size threshold of 0', async () => {
    const body = await refusal({
      region: 'ca-central-1',
      buckets: [{ bucketName: 'some-bucket', maxSizeGiB: 0 }],
    });
    expect(body).toContain('spec.buckets[0].maxSizeGiB');
  });

  it('refuses an object-count threshold of 0', async () => {
    const body = await refusal({
      region: 'ca-central-1',
      buckets: [{ bucketName: 'some-bucket', maxObjects: 0 }],
    });
    expect(body).toContain('spec.buckets[0].maxObjects');
  });

  it('refuses more than 5 alarm actions (the topic counts as one)', async () => {
    const actions = [1, 2, 3, 4, 5].map((i) => `arn:aws:sns:us-east-1:123456789012:other-${i}`);
    const body = await refusal({
      region: 'ca-central-1',
      billing: { thresholds: [{ name: 'x', amountUSD: 10, actions }] },
    });
    expect(body).toContain('spec.billing.thresholds[0].actions');
    expect(body).toContain('at most 5 actions');
    // Without the topic, five are fine.
    await create({
      region: 'ca-central-1',
      billing: { thresholds: [{ name: 'x', amountUSD: 10, actions, notifyTopic: false }] },
    });
  });

  it('refuses six actions outright', async () => {
    const actions = [1, 2, 3, 4, 5, 6].map((i) => `arn:aws:sns:us-east-1:123456789012:o-${i}`);
    const body = await refusal({
      region: 'ca-central-1',
      buckets: [{ bucketName: 'some-bucket', maxObjects: 5, notifyTopic: false, actions }],
    });
    expect(body).toContain('spec.buckets[0].actions');
  });

  it.each([
    ['too short', 'ab'],
    ['a space', 'my trail'],
    ['adjacent hyphens', 'my--trail'],
    ['a leading hyphen', '-trail'],
    ['an IP address', '192.168.10.1'],
  ])('refuses a trail name with %s', async (_what, name) => {
    const body = await refusal({
      region: 'ca-central-1',
      auditTrail: { name, logBucket: { bucketName: 'vancouver-audit-logs' } },
    });
    expect(body).toContain('spec.auditTrail.name');
  });

  it('refuses percentOfBudget without a budget, naming monthlyBudgetUSD', async () => {
    const body = await refusal({
      region: 'ca-central-1',
      billing: { thresholds: [{ name: 'x', percentOfBudget: 80 }] },
    });
    expect(body).toContain('spec.billing.monthlyBudgetUSD');
  });

  it('refuses a threshold with both an amount and a percentage', async () => {
    const body = await refusal({
      region: 'ca-central-1',
      billing: {
        monthlyBudgetUSD: 10,
        thresholds: [{ name: 'x', amountUSD: 5, percentOfBudget: 5 }],
      },
    });
    expect(body).toContain('exactly one of amountUSD and percentOfBudget');
  });

  it('refuses a log bucket given both ways, and unknown fields', async () => {
    const both = await refusal({
      region: 'ca-central-1',
      auditTrail: {
        name: 'audit',
        logBucket: { bucketName: 'a-logs', existingBucketName: 'b-logs' },
      },
    });
    expect(both).toContain('spec.auditTrail.logBucket');
    const unknown = await refusal({ region: 'ca-central-1', budget: 5 });
    expect(unknown).toContain('budget');
  });

  it('refuses a bucket given both by reference and by name', async () => {
    const body = await refusal({
      region: 'ca-central-1',
      buckets: [{ bucketRef: { name: 'raw' }, bucketName: 'raw-bucket' }],
    });
    expect(body).toContain('exactly one of bucketRef and bucketName');
  });

  it('refuses a change of region or of the trail name', async () => {
    const name = uniqueName('cm');
    const spec = {
      region: 'ca-central-1',
      auditTrail: { name: 'audit', logBucket: { bucketName: 'vancouver-audit-logs' } },
    };
    await monitors.create(aCostMonitor(name, spec));
    const patch = (body: Record<string, unknown>) => monitors.patch(name, { spec: body });
    await expect(patch({ region: 'us-west-2' })).rejects.toMatchObject({ code: 422 });
    await patch({ region: 'us-west-2' }).catch((error: { body?: string }) => {
      expect(String(error.body)).toContain('region is immutable');
    });
    await patch({ auditTrail: { name: 'other' } }).then(
      () => {
        throw new Error('the trail was renamed');
      },
      (error: { body?: string }) => {
        expect(String(error.body)).toContain('spec.auditTrail.name');
      },
    );
  });
});
