import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VERIFY_INTERVAL_MS,
  nextVerificationStep,
  type ReplicationVerification,
  settle,
} from './verification.ts';

const now = new Date('2026-11-30T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const probe = { key: '.seawall/replication-probe', versionId: 'v1', writtenAt: ago(10_000) };
const verified: ReplicationVerification = {
  state: 'Verified',
  probe,
  lastVerifiedAt: ago(60_000),
  settledAt: ago(60_000),
};

describe('nextVerificationStep', () => {
  it.each<[string, ReplicationVerification | undefined, boolean, boolean, string]>([
    ['never verified, nothing changed now', undefined, false, true, 'write-probe'],
    ['never verified, report mode', undefined, false, false, 'nothing'],
    ['the path changed (a new bucket, a correction)', undefined, true, true, 'note-change'],
    [
      'changed 2 s ago: AWS is still applying it',
      { state: 'Pending', pathChangedAt: ago(2_000) },
      false,
      true,
      'nothing',
    ],
    [
      'changed 6 s ago: probe now',
      { state: 'Pending', pathChangedAt: ago(6_000) },
      false,
      true,
      'write-probe',
    ],
    ['a probe in flight', { state: 'Pending', probe }, false, true, 'read-source'],
    [
      'a probe in flight, report mode still looks',
      { state: 'Pending', probe },
      false,
      false,
      'read-source',
    ],
    [
      'the path changed under a probe in flight',
      { state: 'Pending', probe },
      true,
      true,
      'note-change',
    ],
    ['verified a minute ago', verified, false, true, 'nothing'],
    ['verified a minute ago, but the path changed', verified, true, true, 'note-change'],
    [
      'verified a day ago',
      { ...verified, lastVerifiedAt: ago(DEFAULT_VERIFY_INTERVAL_MS) },
      false,
      true,
      'write-probe',
    ],
    [
      'verified a day ago, report mode',
      { ...verified, lastVerifiedAt: ago(DEFAULT_VERIFY_INTERVAL_MS) },
      false,
      false,
      'nothing',
    ],
    [
      'failed a minute ago',
      { state: 'Failed', probe, settledAt: ago(60_000) },
      false,
      true,
      'nothing',
    ],
    [
      'failed five minutes ago',
      { state: 'Failed', probe, settledAt: ago(300_000) },
      false,
      true,
      'write-probe',
    ],
    [
      'failed 12 s ago after a probe had got through since the change: a real failure',
      {
        state: 'Failed',
        probe,
        settledAt: ago(12_000),
        pathChangedAt: ago(60_000),
        lastVerifiedAt: ago(40_000),
      },
      false,
      true,
      'nothing',
    ],
    [
      'failed 12 s ago, moments after a path change: try again soon',
      { state: 'Failed', probe, settledAt: ago(12_000), pathChangedAt: ago(30_000) },
      false,
      true,
      'write-probe',
    ],
  ])('%s → %s', (_what, previous, pathChanged, mayWrite, expected) => {
    expect(
      nextVerificationStep({
        previous,
        pathChanged,
        mayWrite,
        now,
        intervalMs: DEFAULT_VERIFY_INTERVAL_MS,
      }).do,
    ).toBe(expected);
  });
});

describe('settle', () => {
  const pending: ReplicationVerification = { state: 'Pending', probe };
  const backupKeyArn = 'arn:aws:kms:us-west-2:1:key/backup';

  it('stays Pending while S3 replicates', () => {
    expect(
      settle(pending, { kind: 'source', status: 'PENDING' }, { backupKeyArn }, now).state,
    ).toBe('Pending');
  });

  it('fails when S3 says FAILED, naming what to check', () => {
    const out = settle(pending, { kind: 'source', status: 'FAILED' }, { backupKeyArn }, now);
    expect(out).toMatchObject({ state: 'Failed', settledAt: now.toISOString() });
    expect(out.message).toMatch(/role's permissions and both keys' policies/);
  });

  it('fails when a probe stays PENDING past the deadline', () => {
    const old = { state: 'Pending' as const, probe: { ...probe, writtenAt: ago(16 * 60_000) } };
    expect(settle(old, { kind: 'source', status: 'PENDING' }, { backupKeyArn }, now).state).toBe(
      'Failed',
    );
  });

  it('verifies a replica encrypted with the backup key, with the lag', () => {
    const out = settle(
      pending,
      { kind: 'replica', exists: true, replicationStatus: 'REPLICA', kmsKeyId: backupKeyArn },
      { backupKeyArn },
      now,
    );
    expect(out).toMatchObject({
      state: 'Verified',
      lastVerifiedAt: now.toISOString(),
      lagSeconds: 10,
    });
  });

  it.each([
    ['missing from the backup', { kind: 'replica' as const, exists: false }, /not in the backup/],
    [
      'encrypted with another key',
      { kind: 'replica' as const, exists: true, kmsKeyId: 'arn:aws:kms:us-west-2:1:key/other' },
      /not the backup key/,
    ],
    ['gone from the source', { kind: 'source-gone' as const }, /gone from the bucket/],
  ])('fails when the probe is %s', (_what, observed, message) => {
    const out = settle(pending, observed, { backupKeyArn }, now);
    expect(out.state).toBe('Failed');
    expect(out.message).toMatch(message);
  });
});
