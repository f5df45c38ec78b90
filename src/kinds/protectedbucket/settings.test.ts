import { describe, expect, it } from 'vitest';
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import { resolveSettings } from './settings.ts';

const object = (spec: ProtectedBucket['spec']): ProtectedBucket => ({
  apiVersion: 'seawall.dev/v1alpha1',
  kind: 'ProtectedBucket',
  metadata: { name: 'raw', namespace: 'ns' },
  spec,
});

describe('resolveSettings', () => {
  it('applies every default', () => {
    const s = resolveSettings(object({ bucketName: 'raw-data', region: 'ca-central-1' }));
    expect(s).toMatchObject({
      key: {
        managed: true,
        alias: 'alias/seawall/raw-data',
        rotationEnabled: true,
        rotationPeriodInDays: 365,
      },
      bucketKeyEnabled: true,
      versioning: 'Enabled',
      publicAccessBlock: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      enforceTLS: true,
      backup: undefined,
      adoptExisting: false,
      deletionPolicy: 'Retain',
    });
  });
  it.each([
    [
      { keyArn: 'arn:aws:kms:ca-central-1:111111111111:key/abc' },
      { managed: false, keyArn: 'arn:aws:kms:ca-central-1:111111111111:key/abc' },
    ],
    [
      { alias: 'alias/city/raw', rotation: { periodInDays: 90 } },
      { managed: true, alias: 'alias/city/raw', rotationPeriodInDays: 90 },
    ],
  ])('encryption %j', (encryption, expected) => {
    const s = resolveSettings(
      object({ bucketName: 'raw-data', region: 'ca-central-1', encryption }),
    );
    expect(s.key).toMatchObject(expected);
  });
  it('backup defaults: its own key alias, STANDARD, delete markers replicated, no RTC, proven daily', () => {
    const s = resolveSettings(
      object({
        bucketName: 'raw-data',
        region: 'ca-central-1',
        backup: { bucketName: 'raw-bk', region: 'us-west-2' },
      }),
    );
    expect(s.backup).toEqual({
      bucketName: 'raw-bk',
      region: 'us-west-2',
      storageClass: 'STANDARD',
      key: {
        managed: true,
        alias: 'alias/seawall/raw-bk',
        rotationEnabled: true,
        rotationPeriodInDays: 365,
      },
      deleteMarkerReplication: true,
      replicationTimeControl: false,
      verifyIntervalMs: 24 * 3_600_000,
    });
  });

  it('the default alias of a bucket name with periods is a valid KMS alias', () => {
    const s = resolveSettings(object({ bucketName: 'cov.raw.data', region: 'ca-central-1' }));
    expect(s.key).toMatchObject({ alias: 'alias/seawall/cov-raw-data' });
    expect((s.key as { alias: string }).alias).toMatch(/^alias\/[a-zA-Z0-9/_-]+$/);
  });
});
