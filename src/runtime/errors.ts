// Errors are classified the Flux way. A reconcile step throws one of these (or any
// other error, which counts as transient); the controller turns the class into
// conditions and a retry decision.

/** Needs a change from a person (invalid spec, access denied, name taken). No retry until the generation changes. */
export class StalledError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StalledError';
    this.reason = reason;
  }
}

/** Not an error: something is not there yet (a dependency, a run). Requeue later, log quietly. */
export class WaitingError extends Error {
  readonly reason: string;
  readonly requeueAfterMs: number;
  constructor(reason: string, message: string, requeueAfterMs: number) {
    super(message);
    this.name = 'WaitingError';
    this.reason = reason;
    this.requeueAfterMs = requeueAfterMs;
  }
}

/** A transient failure with a reason worth showing (throttling, 5xx, network). Retried with backoff. */
export class TransientError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
    this.reason = reason;
  }
}

/**
 * AWS is eventually consistent: a role, key or setting Seawall created or changed a
 * moment ago is not yet visible to the service that must use it (KMS refuses a key
 * policy naming a new role, S3 a replication rule right after versioning was enabled,
 * Glue a role it cannot assume yet). Waiting, for a bounded time, then Stalled with
 * `stallReason` — the error is then a real one (the role never appears, the policy is
 * wrong).
 */
export class AwaitingPropagationError extends Error {
  readonly awaited: string;
  /** When the awaited resource was created or changed, when known. */
  readonly since: Date | undefined;
  readonly stallReason: string;
  constructor(
    awaited: string,
    message: string,
    options: { since?: Date | undefined; stallReason: string; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'AwaitingPropagationError';
    this.awaited = awaited;
    this.since = options.since;
    this.stallReason = options.stallReason;
  }
}

/** What a waiting-for-propagation error awaits: reconcileOnce bounds the wait. */
export interface AwaitedChange {
  what: string;
  /** ISO time the awaited resource was created or changed, when known. */
  since?: string;
  /** The Stalled reason once the wait has run out. */
  stallReason: string;
}

export type ErrorClass =
  | { kind: 'stalled'; reason: string; message: string }
  | {
      kind: 'waiting';
      reason: string;
      message: string;
      requeueAfterMs: number;
      awaiting?: AwaitedChange;
    }
  | { kind: 'transient'; reason: string; message: string };

/** Reason shown while Seawall waits for AWS to propagate a change. */
export const AWAITING_PROPAGATION = 'AwaitingPropagation';

/** Optional hook for domain classifiers (e.g. AWS SDK errors) to map unknown errors. */
export type ErrorClassifier = (error: unknown) => ErrorClass | undefined;

export function classifyError(error: unknown, classifiers: ErrorClassifier[] = []): ErrorClass {
  if (error instanceof StalledError)
    return { kind: 'stalled', reason: error.reason, message: error.message };
  if (error instanceof WaitingError) {
    return {
      kind: 'waiting',
      reason: error.reason,
      message: error.message,
      requeueAfterMs: error.requeueAfterMs,
    };
  }
  if (error instanceof AwaitingPropagationError) {
    return {
      kind: 'waiting',
      reason: AWAITING_PROPAGATION,
      message: error.message,
      requeueAfterMs: 1000,
      awaiting: {
        what: error.awaited,
        stallReason: error.stallReason,
        ...(error.since ? { since: error.since.toISOString() } : {}),
      },
    };
  }
  if (error instanceof TransientError)
    return { kind: 'transient', reason: error.reason, message: error.message };
  for (const classify of classifiers) {
    const found = classify(error);
    if (found) return found;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'transient', reason: 'ReconcileError', message };
}
