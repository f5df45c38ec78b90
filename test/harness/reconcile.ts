// Reconciling in tests without a controller: one pass (reconcileOnce with the status a
// controller would store), or passes until the object settles — as the controller does on
// real AWS, where a create is not usable by the next call at once (IAM roles, new KMS
// keys, just-enabled versioning: docs/local-aws.md). Each pass starts from the status the
// previous one produced; `stored` is what the API server would hold had the process died
// before its final status write (the last checkpoint: the create journal).
import type { DriftItem, SeawallObject } from '../../src/api/common.ts';
import {
  type BaseStatus,
  type ReconcileDeps,
  type ReconcileOnceResult,
  reconcileOnce,
} from '../../src/runtime/reconcile-once.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { reconcileDeps } from './operator.ts';

// biome-ignore lint/suspicious/noExplicitAny: any spec and status a kind has.
type AnySeawallObject = SeawallObject<any, any>;

export type PassResult<O extends AnySeawallObject> = ReconcileOnceResult<
  NonNullable<O['status']>
> & {
  /** The object as the controller then stores it. */
  object: O;
  /** The object as stored if the process died before the final status write. */
  stored: O;
};

export async function reconcilePass<O extends AnySeawallObject>(
  reconciler: Reconciler<never, never>,
  object: O,
  overrides: Partial<ReconcileDeps> = {},
): Promise<PassResult<O>> {
  let checkpointed: Record<string, unknown> | undefined;
  const result = await reconcileOnce(reconciler as never, object as never, {
    ...reconcileDeps(),
    ...overrides,
    checkpoint: async (status) => {
      checkpointed = status;
    },
  });
  return {
    ...(result as ReconcileOnceResult<NonNullable<O['status']>>),
    object: { ...object, status: result.status } as O,
    stored: { ...object, status: checkpointed ?? object.status } as O,
  };
}

export interface ConvergeOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Outcomes that end the passes (default: ready, drifted, stalled). */
  until?: ReconcileOnceResult<unknown>['outcome'][];
  /** reconcileOnce deps to override (e.g. a short propagationTimeoutMs). */
  deps?: Partial<ReconcileDeps>;
}

/**
 * Passes until the outcome settles (ready, drifted or stalled by default), waiting what
 * each pass asks (at most a second) in between. Returns the last pass and how many ran.
 */
export async function converge<O extends AnySeawallObject>(
  reconciler: Reconciler<never, never>,
  object: O,
  options: ConvergeOptions = {},
): Promise<PassResult<O> & { passes: number; driftAcrossPasses: DriftItem[] }> {
  const until = options.until ?? ['ready', 'drifted', 'stalled'];
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const driftAcrossPasses: DriftItem[] = [];
  let current = object;
  for (let passes = 1; ; passes++) {
    const result = await reconcilePass(reconciler, current, options.deps);
    driftAcrossPasses.push(...result.drift);
    if (until.includes(result.outcome)) return { ...result, passes, driftAcrossPasses };
    if (Date.now() > deadline) {
      throw new Error(
        `not settled after ${passes} passes: ${result.outcome} ${result.error?.reason ?? ''} ${result.error?.message ?? ''}`,
      );
    }
    current = result.object;
    await new Promise((r) => setTimeout(r, Math.min(result.requeueAfterMs ?? 500, 1000)));
  }
}

export type { BaseStatus };
