import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import {
  alarmPrefix,
  billingAlarm,
  bucketObjectsAlarm,
  bucketSizeAlarm,
  definitionOf,
  diffAlarm,
  GIB,
  staleAlarms,
} from './alarms.ts';

const prefix = alarmPrefix('ns', 'cm');
const topic = 'arn:aws:sns:us-east-1:123456789012:alerts';
const desired = billingAlarm(prefix, 'half', 100, [topic], 'budget');

/** The alarm as DescribeAlarms returns it for `desired`. */
function described(overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: desired.AlarmName,
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${desired.AlarmName}`,
    AlarmDescription: 'budget',
    Namespace: 'AWS/Billing',
    MetricName: 'EstimatedCharges',
    Dimensions: [{ Name: 'Currency', Value: 'USD' }],
    Statistic: 'Maximum',
    Period: 21600,
    EvaluationPeriods: 1,
    Threshold: 100,
    ComparisonOperator: 'GreaterThanThreshold',
    ActionsEnabled: true,
    AlarmActions: [topic],
    StateValue: 'ALARM',
    ...overrides,
  };
}

describe('alarm definitions', () => {
  it('names alarms under a prefix no other CostMonitor can share', () => {
    expect(prefix).toBe('seawall/ns/cm/');
    expect(desired.AlarmName).toBe('seawall/ns/cm/billing/half');
    // "cm-2" is not under "cm"'s prefix.
    expect(alarmPrefix('ns', 'cm-2').startsWith(prefix)).toBe(false);
  });

  it('rounds billing thresholds to cents and converts GiB to bytes', () => {
    expect(billingAlarm(prefix, 'x', 33.333, [], '').Threshold).toBe(33.33);
    expect(bucketSizeAlarm(prefix, 'b', 1.5, [], '').Threshold).toBe(1.5 * GIB);
  });

  it('uses the documented S3 storage types and a daily period', () => {
    const size = bucketSizeAlarm(prefix, 'b', 1, [], '');
    const objects = bucketObjectsAlarm(prefix, 'b', 5, [], '');
    expect(size.Dimensions).toContainEqual({ Name: 'StorageType', Value: 'StandardStorage' });
    expect(objects.Dimensions).toContainEqual({ Name: 'StorageType', Value: 'AllStorageTypes' });
    expect([size.Period, objects.Period]).toEqual([86400, 86400]);
  });
});

describe('diffAlarm', () => {
  it.each<[string, MetricAlarm, string[]]>([
    ['the same alarm (state never counts)', described(), []],
    ['a changed threshold', described({ Threshold: 5000 }), ['Threshold']],
    [
      'a changed period and statistic',
      described({ Period: 60, Statistic: 'Average' }),
      ['Statistic', 'Period'],
    ],
    [
      'an extra action',
      described({ AlarmActions: [topic, 'arn:aws:sns:us-east-1:1:x'] }),
      ['AlarmActions'],
    ],
    ['reordered dimensions', described({ Dimensions: [{ Name: 'Currency', Value: 'USD' }] }), []],
    [
      'a different dimension',
      described({ Dimensions: [{ Name: 'Currency', Value: 'EUR' }] }),
      ['Dimensions'],
    ],
    [
      'TreatMissingData omitted (AWS default "missing")',
      described({ TreatMissingData: undefined }),
      [],
    ],
    [
      'TreatMissingData changed',
      described({ TreatMissingData: 'breaching' }),
      ['TreatMissingData'],
    ],
    ['actions disabled', described({ ActionsEnabled: false }), ['ActionsEnabled']],
  ])('%s', (_what, observed, fields) => {
    expect(diffAlarm(desired, definitionOf(observed)).map((d) => d.field)).toEqual(fields);
  });

  it('compares actions as a set', () => {
    const two = billingAlarm(prefix, 'half', 100, ['b', 'a'], 'budget');
    expect(diffAlarm(two, definitionOf(described({ AlarmActions: ['a', 'b'] })))).toEqual([]);
  });
});

describe('staleAlarms', () => {
  it('returns the alarms the spec no longer lists', () => {
    const alarms = [{ AlarmName: 'seawall/ns/cm/a' }, { AlarmName: 'seawall/ns/cm/b' }];
    expect(staleAlarms(alarms, ['seawall/ns/cm/a'])).toEqual([{ AlarmName: 'seawall/ns/cm/b' }]);
    expect(
      staleAlarms(
        alarms,
        alarms.map((a) => a.AlarmName),
      ),
    ).toEqual([]);
  });
});
