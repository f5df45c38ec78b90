import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { type DefaultRetention, type ObjectLockState, objectLockFacet } from './object-lock.ts';

const target = { s3: {} as S3Client, bucket: 'backup', region: 'us-west-2' };
const state = (s: Partial<ObjectLockState>): ObjectLockState => ({
  ObjectLockEnabled: 'Enabled',
  Mode: undefined,
  Days: undefined,
  Years: undefined,
  ...s,
});

describe('bucket.objectLock: desired vs observed', () => {
  it.each<[string, DefaultRetention, ObjectLockState, string[]]>([
    ['in place', { mode: 'GOVERNANCE', days: 30 }, state({ Mode: 'GOVERNANCE', Days: 30 }), []],
    [
      'a bucket that never had Object Lock',
      { mode: 'COMPLIANCE', years: 1 },
      state({ ObjectLockEnabled: 'Disabled' }),
      ['ObjectLockEnabled', 'Mode', 'Years'],
    ],
    [
      'enabled, but its default retention removed',
      { mode: 'GOVERNANCE', days: 30 },
      state({}),
      ['Mode', 'Days'],
    ],
    [
      'mode weakened to GOVERNANCE',
      { mode: 'COMPLIANCE', days: 30 },
      state({ Mode: 'GOVERNANCE', Days: 30 }),
      ['Mode'],
    ],
    [
      'period shortened',
      { mode: 'GOVERNANCE', days: 30 },
      state({ Mode: 'GOVERNANCE', Days: 1 }),
      ['Days'],
    ],
    [
      'days replaced by years',
      { mode: 'GOVERNANCE', days: 365 },
      state({ Mode: 'GOVERNANCE', Years: 1 }),
      ['Days', 'Years'],
    ],
  ])('%s', (_what, retention, observed, fields) => {
    const desired = objectLockFacet.desired({ ...target, retention });
    expect(objectLockFacet.diff(desired, observed).map((d) => d.field)).toEqual(fields);
  });
});
