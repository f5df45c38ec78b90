import { describe, expect, it } from 'vitest';
import { diffTopic, type ObservedTopic, topicArn, topicKeyGrants, topicPolicy } from './topic.ts';

const arn = topicArn('aws', 'us-east-1', '123456789012', 'alerts');
const desired = {
  KmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
  DisplayName: 'Seawall alerts',
  Policy: topicPolicy(arn, '123456789012'),
};
const same: ObservedTopic = {
  exists: true,
  KmsMasterKeyId: desired.KmsMasterKeyId,
  DisplayName: desired.DisplayName,
  Policy: desired.Policy,
};

describe('diffTopic', () => {
  it.each<[string, ObservedTopic, string[]]>([
    ['a missing topic', { exists: false }, ['Topic']],
    ['the same topic', same, []],
    ['encryption removed by hand', { ...same, KmsMasterKeyId: undefined }, ['KmsMasterKeyId']],
    ['another key', { ...same, KmsMasterKeyId: 'alias/aws/sns' }, ['KmsMasterKeyId']],
    [
      'the policy with statements reordered',
      {
        ...same,
        Policy: { ...desired.Policy, Statement: [...desired.Policy.Statement].reverse() },
      },
      [],
    ],
    [
      'the default policy',
      { ...same, Policy: { Version: '2012-10-17', Statement: [] } },
      ['Policy'],
    ],
  ])('%s', (_what, observed, fields) => {
    expect(diffTopic(desired, observed).map((d) => d.field)).toEqual(fields);
  });
});

describe('topic policies', () => {
  it('lets CloudWatch encrypt with the topic key: GenerateDataKey* and Decrypt', () => {
    expect(topicKeyGrants()).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    ]);
  });

  it('lets CloudWatch publish for this account only', () => {
    const publish = topicPolicy(arn, '123456789012').Statement.find(
      (s) => s.Sid === 'AllowCloudWatchAlarmsToPublish',
    );
    expect(publish?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
    expect(publish?.Resource).toBe(arn);
  });
});
