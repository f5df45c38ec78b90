import { describe, expect, it } from 'vitest';
import type { CostMonitor, CostMonitorSpec } from '../../api/costmonitor.ts';
import {
  aliasSafe,
  defaultResourceName,
  planAlarms,
  type ResolvedBucket,
  resolveSettings,
  thresholdUSD,
  topicRegions,
} from './settings.ts';

function object(spec: CostMonitorSpec): CostMonitor {
  return {
    apiVersion: 'seawall.dev/v1alpha1',
    kind: 'CostMonitor',
    metadata: { namespace: 'city', name: 'platform.costs' },
    spec,
  };
}

const bucket = (overrides: Partial<ResolvedBucket> = {}): ResolvedBucket => ({
  bucketName: 'raw',
  region: 'ca-central-1',
  maxSizeGiB: 10,
  maxObjects: undefined,
  notifyTopic: true,
  actions: [],
  ...overrides,
});

describe('thresholdUSD', () => {
  it.each<[string, { amountUSD?: number; percentOfBudget?: number }, number | undefined, number]>([
    ['an amount', { amountUSD: 42.5 }, undefined, 42.5],
    ['a percentage of the budget', { percentOfBudget: 80 }, 500, 400],
    ['a percentage rounded to cents', { percentOfBudget: 33.333 }, 100, 33.33],
    ['an amount wins over the budget', { amountUSD: 7 }, 500, 7],
  ])('%s', (_what, threshold, budget, expected) => {
    expect(thresholdUSD(threshold, budget)).toBe(expected);
  });

  it('refuses a percentage without a budget (the API server refuses it first)', () => {
    expect(() => thresholdUSD({ percentOfBudget: 10 }, undefined)).toThrow(/monthlyBudgetUSD/);
  });
});

describe('resolveSettings', () => {
  it('applies defaults and makes names AWS accepts', () => {
    const settings = resolveSettings(
      object({
        region: 'ca-central-1',
        dashboard: {},
        auditTrail: { name: 'city.audit', logBucket: { bucketName: 'city-audit-logs' } },
      }),
    );
    expect(settings.owner).toBe('city/CostMonitor/platform.costs');
    expect(settings.topic).toEqual({ owned: true, name: 'seawall-city-platform-costs' });
    expect(settings.dashboard?.name).toBe('seawall-city-platform-costs');
    expect(settings.deletionPolicy).toBe('Retain');
    expect(settings.trail).toMatchObject({
      region: 'ca-central-1',
      keyAlias: 'alias/seawall/cloudtrail/city_audit',
      multiRegion: true,
      includeGlobalServiceEvents: true,
      logFileValidation: true,
      managementEvents: 'All',
      logBucket: { owned: true, name: 'city-audit-logs', retentionDays: 365 },
    });
  });

  it('uses existing topics and an existing log bucket as named', () => {
    const settings = resolveSettings(
      object({
        region: 'ca-central-1',
        notifications: { existingTopicArns: ['arn:aws:sns:us-east-1:123456789012:ops'] },
        auditTrail: { name: 'audit', logBucket: { existingBucketName: 'their-logs' } },
      }),
    );
    expect(settings.topic).toEqual({
      owned: false,
      arns: ['arn:aws:sns:us-east-1:123456789012:ops'],
    });
    expect(settings.trail?.logBucket).toMatchObject({ owned: false, name: 'their-logs' });
  });

  it.each([
    ['seawall', 'ns', 'a.b', 'seawall-ns-a-b'],
    [
      'long names are cut',
      'n'.repeat(63),
      'x'.repeat(253),
      `seawall-${'n'.repeat(63)}-${'x'.repeat(184)}`,
    ],
  ])('defaultResourceName: %s', (_what, ns, name, expected) => {
    expect(defaultResourceName(ns, name, 256)).toBe(expected);
  });

  it('aliasSafe keeps only characters KMS aliases allow', () => {
    expect(aliasSafe('my.trail-1_x')).toBe('my_trail-1_x');
  });
});

describe('planAlarms and topicRegions', () => {
  const settings = resolveSettings(
    object({
      region: 'ca-central-1',
      billing: {
        monthlyBudgetUSD: 100,
        thresholds: [
          { name: 'half', percentOfBudget: 50 },
          {
            name: 'quiet',
            amountUSD: 90,
            notifyTopic: false,
            actions: ['arn:aws:sns:us-east-1:1:pager'],
          },
        ],
      },
    }),
  );
  const topicFor = (region: string) => `arn:aws:sns:${region}:1:alerts`;

  it('sends each alarm to the topic of its own region plus its actions', () => {
    const alarms = planAlarms(settings, [bucket({ maxObjects: 5 })], topicFor);
    expect(
      alarms.map((a) => [a.kind, a.region, a.definition.Threshold, a.definition.AlarmActions]),
    ).toEqual([
      ['Billing', 'us-east-1', 50, ['arn:aws:sns:us-east-1:1:alerts']],
      ['Billing', 'us-east-1', 90, ['arn:aws:sns:us-east-1:1:pager']],
      ['BucketSize', 'ca-central-1', 10 * 1024 ** 3, ['arn:aws:sns:ca-central-1:1:alerts']],
      ['BucketObjects', 'ca-central-1', 5, ['arn:aws:sns:ca-central-1:1:alerts']],
    ]);
  });

  it.each<[string, ResolvedBucket[], string[]]>([
    ['billing only', [], ['us-east-1']],
    ['a bucket elsewhere', [bucket({ region: 'us-west-2' })], ['us-east-1', 'us-west-2']],
    [
      'a bucket without thresholds needs no topic',
      [bucket({ maxSizeGiB: undefined })],
      ['us-east-1'],
    ],
    ['a bucket that does not notify the topic', [bucket({ notifyTopic: false })], ['us-east-1']],
  ])('topicRegions: %s', (_what, buckets, regions) => {
    expect(topicRegions(settings, buckets)).toEqual(regions);
  });
});
