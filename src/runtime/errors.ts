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

export type ErrorClass =
  | { kind: 'stalled'; reason: string; message: string }
  | { kind: 'waiting'; reason: string; message: string; requeueAfterMs: number }
  | { kind: 'transient'; reason: string; message: string };

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
  if (error instanceof TransientError)
    return { kind: 'transient', reason: error.reason, message: error.message };
  for (const classify of classifiers) {
    const found = classify(error);
    if (found) return found;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'transient', reason: 'ReconcileError', message };
}
