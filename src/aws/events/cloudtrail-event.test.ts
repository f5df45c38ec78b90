import { describe, expect, it } from 'vitest';
import { actor, isOwnCall, parseCloudTrailEvent } from './cloudtrail-event.ts';

const person = 'arn:aws:sts::111122223333:assumed-role/admin/alice';
const seawall = 'arn:aws:sts::111122223333:assumed-role/seawall-operator/seawall';

function event(detail: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: '0',
    id: 'e1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.s3',
    region: 'ca-central-1',
    ...extra,
    detail: {
      eventTime: '2026-11-30T10:00:00Z',
      eventName: 'PutBucketVersioning',
      awsRegion: 'ca-central-1',
      sourceIPAddress: '198.51.100.7',
      eventID: 'ev-1',
      userIdentity: {
        type: 'AssumedRole',
        arn: person,
        sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/admin' } },
      },
      ...detail,
    },
  });
}

describe('parseCloudTrailEvent', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['an S3 bucket by name', { requestParameters: { bucketName: 'raw' } }, ['raw']],
    [
      'a KMS key by ARN (the ARN and its key id)',
      {
        requestParameters: { keyId: 'arn:aws:kms:ca-central-1:111122223333:key/k-1' },
      },
      ['arn:aws:kms:ca-central-1:111122223333:key/k-1', 'k-1'],
    ],
    ['an alias', { requestParameters: { aliasName: 'alias/seawall/raw' } }, ['alias/seawall/raw']],
    [
      'a role',
      { requestParameters: { roleName: 'seawall-replication-raw' } },
      ['seawall-replication-raw'],
    ],
    ['alarms by list', { requestParameters: { alarmNames: ['a1', 'a2'] } }, ['a1', 'a2']],
    [
      'a queue by URL (its name)',
      {
        requestParameters: {
          queueUrl: 'https://sqs.ca-central-1.amazonaws.com/1/seawall-drift-events',
        },
      },
      ['seawall-drift-events'],
    ],
    [
      'resources listed by CloudTrail',
      {
        requestParameters: null,
        resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::raw' }],
      },
      ['arn:aws:s3:::raw', 'raw'],
    ],
  ])('names %s', (_, detail, ids) => {
    const parsed = parseCloudTrailEvent(event(detail));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.event.ids).toEqual(ids);
  });

  it('says who, when, from where, which event', () => {
    const parsed = parseCloudTrailEvent(event({ requestParameters: { bucketName: 'raw' } }));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.cause).toEqual({
      eventName: 'PutBucketVersioning',
      eventTime: '2026-11-30T10:00:00Z',
      principal: person,
      sourceAddress: '198.51.100.7',
      eventId: 'ev-1',
    });
    expect(parsed.event.region).toBe('ca-central-1');
    expect(parsed.event.issuer).toBe('arn:aws:iam::111122223333:role/admin');
  });

  it.each([
    ['not JSON', 'hello'],
    ['another detail-type', event({}, { 'detail-type': 'Object Created' })],
    ['no caller', event({ userIdentity: {} })],
    ['no event name', event({ eventName: 42 })],
    ['a JSON string', '"x"'],
  ])('refuses %s', (_, body) => {
    expect(parseCloudTrailEvent(body).ok).toBe(false);
  });
});

describe('own calls', () => {
  it.each<[string, string, string | undefined, boolean]>([
    ['the same session', seawall, undefined, true],
    [
      'another session of the role (another replica)',
      `${seawall.replace(/seawall$/, 'other')}`,
      undefined,
      true,
    ],
    ['a person', person, 'arn:aws:iam::111122223333:role/admin', false],
    [
      'by the session issuer',
      'arn:aws:sts::111122223333:assumed-role/x/y',
      'arn:aws:iam::111122223333:role/seawall-operator',
      true,
    ],
    [
      'a role of the same name under a path',
      'arn:aws:iam::111122223333:role/ops/seawall-operator',
      undefined,
      true,
    ],
  ])('%s', (_, principal, issuer, own) => {
    expect(isOwnCall({ principal, ...(issuer ? { issuer } : {}) }, seawall)).toBe(own);
  });

  it('reduces an ARN to what it acts as', () => {
    expect(actor(seawall)).toBe('role/seawall-operator');
    expect(actor('arn:aws:iam::1:user/bob')).toBe('user/bob');
  });
});
