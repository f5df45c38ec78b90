import { describe, expect, it } from 'vitest';
import {
  deadLetterQueueAttributes,
  diffQueueAttributes,
  eventQueueAttributes,
  MAX_RECEIVE_COUNT,
} from './queue.ts';
import { eventPattern } from './rule.ts';

const desired = eventQueueAttributes({
  arn: 'arn:aws:sqs:r:1:seawall-drift-events',
  ruleArn: 'arn:aws:events:r:1:rule/seawall-drift-events',
  dlqArn: 'arn:aws:sqs:r:1:seawall-drift-events-dlq',
});

describe('the drift-event queue', () => {
  it('is encrypted, takes messages only from the rule, and hands poison to the DLQ', () => {
    expect(desired.SqsManagedSseEnabled).toBe('true');
    const policy = JSON.parse(desired.Policy ?? '{}');
    expect(policy.Statement[0].Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': 'arn:aws:events:r:1:rule/seawall-drift-events' },
    });
    expect(JSON.parse(desired.RedrivePolicy ?? '{}').maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
    expect(deadLetterQueueAttributes().SqsManagedSseEnabled).toBe('true');
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['the same', desired, []],
    [
      'the same, as SQS spells it (a number as a string, keys reordered)',
      {
        ...desired,
        RedrivePolicy: `{"maxReceiveCount":"${MAX_RECEIVE_COUNT}","deadLetterTargetArn":"arn:aws:sqs:r:1:seawall-drift-events-dlq"}`,
        Policy: JSON.stringify(JSON.parse(desired.Policy ?? '{}')),
      },
      [],
    ],
    ['no encryption', { ...desired, SqsManagedSseEnabled: 'false' }, ['SqsManagedSseEnabled']],
    ['a short visibility timeout', { ...desired, VisibilityTimeout: '5' }, ['VisibilityTimeout']],
    [
      'no policy',
      Object.fromEntries(Object.entries(desired).filter(([k]) => k !== 'Policy')),
      ['Policy'],
    ],
    ['no redrive', { ...desired, RedrivePolicy: '' }, ['RedrivePolicy']],
  ])('diff: %s', (_, observed, fields) => {
    expect(diffQueueAttributes(desired, observed).map((d) => d.field)).toEqual(fields);
  });
});

describe('the rule pattern', () => {
  it('matches CloudTrail API calls of the managed services that AWS carried out', () => {
    const pattern = eventPattern() as {
      source: string[];
      'detail-type': string[];
      detail: unknown;
    };
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect(pattern.source).toEqual(
      expect.arrayContaining([
        'aws.s3',
        'aws.kms',
        'aws.iam',
        'aws.glue',
        'aws.cloudwatch',
        'aws.sns',
        'aws.cloudtrail',
      ]),
    );
    expect(pattern.detail).toEqual({ errorCode: [{ exists: false }] });
  });
});
