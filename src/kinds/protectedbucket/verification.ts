// Ready means the data is protected: a ProtectedBucket with a backup proves, with a probe
// object, that replication works end to end — the first time before it is Ready, again
// whenever the replication path changed, and every backup.verifyInterval (default 24 h;
// the one write a steady-state check makes). A pure decision, table-tested; the reconciler
// does the calls it asks for.
import type { Probe } from '../../aws/s3/replication-probe.ts';

export const DEFAULT_VERIFY_INTERVAL_MS = 24 * 3_600_000;
/** A probe not replicated within this long is a failure (RTC promises 15 minutes). */
export const PROBE_DEADLINE_MS = 15 * 60_000;
/** After a failure, a new probe at most this often. */
export const FAILED_RETRY_MS = 5 * 60_000;
/** How often an in-flight probe is looked at. */
export const PROBE_POLL_MS = 2_000;
/**
 * After the path changed (a new role, a corrected policy), AWS takes seconds to apply it
 * everywhere: the probe waits this long, and a probe that fails within FRESH_WINDOW_MS of
 * the change is tried again after FRESH_RETRY_MS instead of being called a failure.
 */
export const SETTLE_MS = 5_000;
export const FRESH_WINDOW_MS = 2 * 60_000;
export const FRESH_RETRY_MS = 10_000;

export interface ReplicationVerification {
  state: 'Pending' | 'Verified' | 'Failed';
  probe?: Probe;
  lastVerifiedAt?: string;
  /** Seconds from writing the last verified probe to seeing it replicated (an upper bound). */
  lagSeconds?: number;
  message?: string;
  /** When the last probe's outcome was settled (Verified or Failed). */
  settledAt?: string;
  /** When Seawall last changed the replication path (probes wait for it to settle). */
  pathChangedAt?: string;
}

export type ProbeObservation =
  | { kind: 'source-gone' }
  | { kind: 'source'; status: string }
  | {
      kind: 'replica';
      exists: boolean;
      replicationStatus?: string | undefined;
      kmsKeyId?: string | undefined;
    };

export type VerificationStep =
  /** The path just changed: note when, and probe once it has settled. */
  | { do: 'note-change' }
  /** Write a new probe. */
  | { do: 'write-probe' }
  /** Look at the in-flight probe's source version. */
  | { do: 'read-source' }
  /** Nothing to do now; the state stays. */
  | { do: 'nothing' };

const since = (now: Date, iso: string | undefined) =>
  iso ? now.getTime() - Date.parse(iso) : Number.POSITIVE_INFINITY;

/**
 * A failure this soon after a path change, before any probe has got through since, is AWS
 * still applying the change. Once a probe got through, a failure is a failure.
 */
export function isFresh(v: ReplicationVerification, now: Date): boolean {
  if (!v.pathChangedAt) return false;
  const provenSince = v.lastVerifiedAt !== undefined && v.lastVerifiedAt >= v.pathChangedAt;
  return !provenSince && since(now, v.pathChangedAt) < FRESH_WINDOW_MS;
}

/** Pure: what to do at the start of a check. */
export function nextVerificationStep(input: {
  previous: ReplicationVerification | undefined;
  /** The replication path (rule, role, policies, keys, backup bucket) changed in this reconcile. */
  pathChanged: boolean;
  /** The mode may write (converge, correct); report and plan only look. */
  mayWrite: boolean;
  now: Date;
  intervalMs: number;
}): VerificationStep {
  const { previous, pathChanged, mayWrite, now, intervalMs } = input;
  // A changed path makes any earlier proof (or probe in flight) moot.
  if (pathChanged && mayWrite) return { do: 'note-change' };
  if (previous?.state === 'Pending' && previous.probe) return { do: 'read-source' };
  if (!mayWrite) return { do: 'nothing' };
  if (!previous) return { do: 'write-probe' };
  if (previous.state === 'Pending') {
    return since(now, previous.pathChangedAt) >= SETTLE_MS
      ? { do: 'write-probe' }
      : { do: 'nothing' };
  }
  if (previous.state === 'Failed') {
    const wait = isFresh(previous, now) ? FRESH_RETRY_MS : FAILED_RETRY_MS;
    return since(now, previous.settledAt) >= wait ? { do: 'write-probe' } : { do: 'nothing' };
  }
  return since(now, previous.lastVerifiedAt) >= intervalMs
    ? { do: 'write-probe' }
    : { do: 'nothing' };
}

/** Pure: the verification after reading the probe (source, then replica when COMPLETED). */
export function settle(
  current: ReplicationVerification,
  observed: ProbeObservation,
  expected: { backupKeyArn: string },
  now: Date,
): ReplicationVerification {
  const probe = current.probe;
  if (!probe) return current;
  const age = now.getTime() - Date.parse(probe.writtenAt);
  const failed = (message: string): ReplicationVerification => ({
    ...current,
    state: 'Failed',
    message,
    settledAt: now.toISOString(),
  });
  switch (observed.kind) {
    case 'source-gone':
      return failed(`the probe ${probe.key} (version ${probe.versionId}) is gone from the bucket`);
    case 'source':
      if (observed.status === 'FAILED') {
        return failed(
          `S3 could not replicate the probe ${probe.key} (version ${probe.versionId}): ReplicationStatus FAILED — check the role's permissions and both keys' policies`,
        );
      }
      if (age > PROBE_DEADLINE_MS) {
        return failed(
          `the probe ${probe.key} (version ${probe.versionId}) is still ${observed.status} ${Math.round(age / 60_000)} min after it was written`,
        );
      }
      return {
        ...current,
        state: 'Pending',
        message: `probe written ${Math.round(age / 1000)} s ago is ${observed.status}`,
      };
    case 'replica': {
      if (!observed.exists) {
        return failed(
          `S3 reports the probe replicated, but version ${probe.versionId} is not in the backup`,
        );
      }
      if (observed.kmsKeyId && !sameKey(observed.kmsKeyId, expected.backupKeyArn)) {
        return failed(
          `the replica is encrypted with ${observed.kmsKeyId}, not the backup key ${expected.backupKeyArn}`,
        );
      }
      return {
        state: 'Verified',
        probe,
        ...(current.pathChangedAt ? { pathChangedAt: current.pathChangedAt } : {}),
        lastVerifiedAt: now.toISOString(),
        lagSeconds: Math.max(0, Math.round(age / 1000)),
        message: `replica of ${probe.key} version ${probe.versionId} found in the backup, encrypted with the backup key`,
        settledAt: now.toISOString(),
      };
    }
  }
}

/** S3 reports SSEKMSKeyId as a key ARN; the spec may hold an alias or a key ARN. */
function sameKey(reported: string, expected: string): boolean {
  const id = (arn: string) => arn.split('/').pop() ?? arn;
  return reported === expected || id(reported) === id(expected);
}
