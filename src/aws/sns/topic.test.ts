import { describe, expect, it } from 'vitest';
import {
  desiredTopic,
  diffTopic,
  observedTopic,
  subscriptionCounts,
  type TopicAttributes,
  topicArn,
  topicArnParts,
  topicKeyGrants,
  topicPolicy,
} from './topic.ts';

const arn = topicArn('aws', 'us-east-1', '123456789012', 'alerts');
const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/k';
const desired = desiredTopic({ arn, keyArn });
const same: Partial<TopicAttributes> = {
  KmsMasterKeyId: desired.KmsMasterKeyId,
  DisplayName: desired.DisplayName,
  Policy: desired.Policy,
};

describe('the topic as its ARN names it', () => {
  it('reads region, account and name from the ARN, and the policy for that account', () => {
    expect(topicArnParts(arn)).toEqual({
      region: 'us-east-1',
      accountId: '123456789012',
      name: 'alerts',
    });
    expect(desired).toEqual({
      KmsMasterKeyId: keyArn,
      DisplayName: 'Seawall alerts',
      Policy: topicPolicy(arn, '123456789012'),
    });
  });
});

describe('observedTopic', () => {
  it.each<[string, Record<string, string>, Partial<TopicAttributes>]>([
    [
      'SNS attributes: the policy parsed',
      {
        KmsMasterKeyId: keyArn,
        DisplayName: 'Seawall alerts',
        Policy: JSON.stringify(desired.Policy),
        SubscriptionsConfirmed: '2',
      },
      same,
    ],
    ['no key, no display name, no policy', {}, { DisplayName: '' }],
  ])('%s', (_what, attributes, expected) => {
    expect(observedTopic(attributes)).toEqual(expected);
  });

  it('takes the subscription counts SNS keeps, when it gives them', () => {
    expect(subscriptionCounts({ SubscriptionsConfirmed: '2', SubscriptionsPending: '1' })).toEqual({
      confirmed: 2,
      pending: 1,
    });
    expect(subscriptionCounts({})).toEqual({});
  });
});

describe('diffTopic', () => {
  it.each<[string, Partial<TopicAttributes>, string[]]>([
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
    ['the policy removed', { ...same, Policy: undefined }, ['Policy']],
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
