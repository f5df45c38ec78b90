import { describe, expect, it } from 'vitest';
import {
  cloudTrailBucketStatements,
  desiredSelectors,
  normalizeSelectors,
  settingsOf,
  type TrailSettings,
  trailArn,
  trailKeyGrants,
  trailRequest,
  trailSettingsFacet,
} from './trail.ts';

const arn = trailArn('aws', 'ca-central-1', '123456789012', 'audit');
const desired: TrailSettings = {
  S3BucketName: 'logs',
  S3KeyPrefix: '',
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  LogFileValidationEnabled: true,
  KmsKeyId: 'arn:aws:kms:ca-central-1:123456789012:key/k',
};

describe('trail settings', () => {
  it.each<[string, Parameters<typeof settingsOf>[0], string[]]>([
    ['the same trail', { Name: 'audit', ...desired }, []],
    [
      'log validation turned off',
      { ...desired, LogFileValidationEnabled: false },
      ['LogFileValidationEnabled'],
    ],
    ['single-region now', { ...desired, IsMultiRegionTrail: false }, ['IsMultiRegionTrail']],
    ['encryption removed', { ...desired, KmsKeyId: undefined }, ['KmsKeyId']],
    ['a prefix added', { ...desired, S3KeyPrefix: 'x' }, ['S3KeyPrefix']],
  ])('%s', (_what, trail, fields) => {
    const diffs = trailSettingsFacet.diff(desired, settingsOf(trail));
    expect(diffs.map((d) => d.field)).toEqual(fields);
  });

  it.each([
    ['no prefix: none sent', '', undefined],
    ['a prefix', 'audit', 'audit'],
  ])('asks CloudTrail for them by its request names (%s)', (_what, prefix, sent) => {
    const request = trailRequest('audit', { ...desired, S3KeyPrefix: prefix });
    expect(request).toMatchObject({ Name: 'audit', EnableLogFileValidation: true });
    expect(request).not.toHaveProperty('LogFileValidationEnabled');
    expect(request.S3KeyPrefix).toBe(sent);
  });
});

describe('normalizeSelectors', () => {
  it.each([
    [
      'none reported (a trail never given selectors): all management events',
      undefined,
      desiredSelectors('All'),
    ],
    [
      'the AWS default selector',
      [{ ReadWriteType: 'All' as const, IncludeManagementEvents: true }],
      desiredSelectors('All'),
    ],
    [
      'write-only',
      [{ ReadWriteType: 'WriteOnly' as const, IncludeManagementEvents: true, DataResources: [] }],
      desiredSelectors('WriteOnly'),
    ],
  ])('%s', (_what, selectors, expected) => {
    expect(normalizeSelectors(selectors)).toEqual(expected);
  });
});

describe('CloudTrail policies', () => {
  it('scopes the key grant to this trail and the CloudTrail encryption context', () => {
    const [encrypt, bucketKey, describeKey, decrypt] = trailKeyGrants('aws', '123456789012', arn);
    // The log bucket has an S3 Bucket Key: CloudTrail needs kms:Decrypt, for this trail only.
    expect(bucketKey).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'aws:SourceArn': arn } },
    });
    expect(encrypt?.Condition).toEqual({
      StringEquals: { 'aws:SourceArn': arn },
      StringLike: {
        'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:123456789012:trail/*',
      },
    });
    expect(describeKey?.Action).toBe('kms:DescribeKey');
    expect(decrypt?.Condition?.StringEquals).toEqual({ 'kms:CallerAccount': '123456789012' });
  });

  it.each([
    [undefined, 'arn:aws:s3:::logs/AWSLogs/123456789012/*'],
    ['audit', 'arn:aws:s3:::logs/audit/AWSLogs/123456789012/*'],
  ])('lets CloudTrail write under prefix %s only', (prefix, resource) => {
    const [acl, write] = cloudTrailBucketStatements('aws', '123456789012', 'logs', prefix, arn);
    expect(acl?.Action).toBe('s3:GetBucketAcl');
    expect(write?.Resource).toBe(resource);
    expect(write?.Condition?.StringEquals).toEqual({
      's3:x-amz-acl': 'bucket-owner-full-control',
      'aws:SourceArn': arn,
    });
  });
});
