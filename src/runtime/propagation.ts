// How long Seawall waits for AWS to propagate a change before calling it a real error.
// AWS documents IAM and KMS as eventually consistent ("changes typically take effect
// within seconds, but can take several minutes"); Terraform retries such calls for
// minutes. The wait is measured from the awaited resource's creation time when AWS
// reports it, otherwise from the first failure, and kept in status.awaiting so that it
// survives restarts and says what is awaited.
import type { Awaiting } from '../api/common.ts';
import type { AwaitedChange } from './errors.ts';

export const DEFAULT_PROPAGATION_TIMEOUT_MS = 5 * 60_000;

export type AwaitingOutcome =
  | { kind: 'wait'; awaiting: Awaiting; requeueAfterMs: number; conditionMessage: string }
  | { kind: 'stall'; reason: string; message: string };

/** Pure: keep waiting (and for how long before the next look) or stall. */
export function awaitingOutcome(
  previous: Awaiting | undefined,
  found: AwaitedChange & { message: string },
  now: Date,
  timeoutMs = DEFAULT_PROPAGATION_TIMEOUT_MS,
): AwaitingOutcome {
  const candidates = [now.getTime()];
  if (found.since) candidates.push(Date.parse(found.since));
  if (previous?.what === found.what) candidates.push(Date.parse(previous.since));
  const since = Math.min(...candidates.filter((t) => Number.isFinite(t)));
  const elapsed = now.getTime() - since;
  if (elapsed > timeoutMs) {
    return {
      kind: 'stall',
      reason: found.stallReason,
      message: `${found.what} is still not usable ${Math.round(elapsed / 1000)} s after it changed, longer than AWS takes to propagate a change: ${found.message}`,
    };
  }
  return {
    kind: 'wait',
    awaiting: { what: found.what, since: new Date(since).toISOString(), message: found.message },
    // Look often at first (AWS usually propagates within seconds), then less often.
    requeueAfterMs: Math.min(30_000, Math.max(1000, Math.round(elapsed / 4))),
    conditionMessage: `Waiting for AWS to propagate ${found.what} (${Math.round(elapsed / 1000)} s so far): ${found.message}`,
  };
}
