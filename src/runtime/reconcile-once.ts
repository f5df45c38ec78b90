// One reconcile of one object, without Kubernetes I/O: decide the mode, run the
// kind's steps (or its clean-up), and fold the outcome into the next status. The
// controller wraps this with the watch, the queue, the finalizer and the single status
// write; `seawall plan` and the tests call it directly.
import type {
  Awaiting,
  Condition,
  DriftDetectionStatus,
  DriftItem,
  DriftStatus,
  SeawallObject,
} from '../api/common.ts';
import { Annotations } from '../api/common.ts';
import { findCondition, type Summary, summarize } from './conditions.ts';
import { causeOf, type Detection, type DriftCause } from './drift-events.ts';
import { parseDuration, withJitter } from './durations.ts';
import { classifyError, type ErrorClass, type ErrorClassifier } from './errors.ts';
import type { Logger } from './logger.ts';
import type { FacetMode } from './mode.ts';
import {
  type AwaitingOutcome,
  awaitingOutcome,
  DEFAULT_PROPAGATION_TIMEOUT_MS,
} from './propagation.ts';
import type { EventRecorder, Reconciler } from './reconciler.ts';

export const DRIFT_HISTORY_LIMIT = 50;
export const DRIFT_ITEMS_LIMIT = 100;

export interface BaseStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  drift?: DriftStatus;
  driftDetection?: DriftDetectionStatus;
  awaiting?: Awaiting;
  lastHandledCorrectDriftAt?: string;
  convergedGeneration?: number;
}

export interface PolicySpec {
  driftPolicy?: 'Correct' | 'Report';
  deletionPolicy?: 'Retain' | 'Delete';
  driftCheckInterval?: string;
}

export interface ReconcileDeps {
  log: Logger;
  events: EventRecorder;
  now: () => Date;
  classifiers: ErrorClassifier[];
  /** Controller-wide drift interval, used when the spec has none. */
  defaultDriftIntervalMs: number;
  /** `seawall plan`: observe and diff, never write. */
  plan?: boolean;
  /** How long a change may take to propagate in AWS before the object is Stalled (default 5 min). */
  propagationTimeoutMs?: number;
  /** Persists a status draft mid-reconcile (the controller's status write); absent in tests and plan. */
  checkpoint?: (status: Record<string, unknown>) => Promise<void>;
  /** The AWS events that asked for this check: drift on their resources names them. */
  causes?: readonly { ids: readonly string[]; cause: DriftCause }[];
  /**
   * How drift of this object is found now (events flowing for its regions, or polling)
   * and the periodic check's interval then: the backstop while events flow.
   */
  detection?: Detection & { backstopIntervalMs?: number };
}

export type Outcome =
  | 'ready'
  | 'drifted'
  | 'waiting'
  | 'retrying'
  | 'stalled'
  | 'paused'
  | 'finalized'
  | 'finalize-blocked';

export interface ReconcileOnceResult<Status> {
  status: Status;
  outcome: Outcome;
  /** When to look again; undefined = only on the next change (stalled) or backoff (retrying). */
  requeueAfterMs?: number;
  error?: ErrorClass;
  drift: DriftItem[];
}

export function isPaused(object: SeawallObject<unknown, unknown>): boolean {
  return object.metadata.annotations?.[Annotations.paused] === 'true';
}

/**
 * A drift check is a reconcile of a generation Seawall already brought in line: what
 * differs now was changed outside the spec. Anything else (a new object, a new spec) is
 * converged regardless of driftPolicy — GitOps changes are never "drift".
 */
export function chooseMode(object: SeawallObject<PolicySpec, BaseStatus>): FacetMode {
  const status = object.status;
  const generation = object.metadata.generation ?? 0;
  const ready = findCondition(status?.conditions, 'Ready');
  // Once a generation has converged, every later reconcile of it is a drift check — also
  // after a check that had to wait (AWS propagating a correction) or failed on the way.
  const converged =
    status?.convergedGeneration === generation ||
    (status?.observedGeneration === generation &&
      (ready?.status === 'True' || ready?.reason === 'DriftDetected'));
  if (!converged) return 'converge';
  if (object.spec.driftPolicy !== 'Report') return 'correct';
  // A person acknowledged the reported drift and asked for the spec once more.
  return correctionRequested(object) ? 'correct' : 'report';
}

/** The correct-drift-requested-at annotation carries a value not acted on yet. */
export function correctionRequested(object: SeawallObject<PolicySpec, BaseStatus>): boolean {
  const requested = object.metadata.annotations?.[Annotations.correctDriftRequestedAt];
  return requested !== undefined && requested !== object.status?.lastHandledCorrectDriftAt;
}

export function driftIntervalMs(spec: PolicySpec, defaultMs: number): number {
  if (!spec.driftCheckInterval) return defaultMs;
  try {
    return Math.max(1000, parseDuration(spec.driftCheckInterval));
  } catch {
    return defaultMs;
  }
}

/** The status a new generation shows before any AWS work: never healthy early. */
export function progressingStatus<S extends BaseStatus>(
  object: SeawallObject<unknown, S>,
  now: Date,
): S {
  const status = structuredClone(object.status ?? ({} as S));
  status.conditions = summarize(
    status.conditions,
    {
      state: 'progressing',
      reason: 'Progressing',
      message: `Seawall is reconciling generation ${object.metadata.generation ?? 0}`,
    },
    object.metadata.generation ?? 0,
    now,
  );
  return status;
}

export async function reconcileOnce<Spec extends PolicySpec, Status extends BaseStatus>(
  reconciler: Reconciler<Spec, Status>,
  object: SeawallObject<Spec, Status>,
  deps: ReconcileDeps,
): Promise<ReconcileOnceResult<Status>> {
  const now = deps.now();
  const generation = object.metadata.generation ?? 0;
  const draft = structuredClone(object.status ?? ({} as Status));
  const drift: DriftItem[] = [];
  // With events flowing, the periodic check is only the backstop (ADR 70); an interval
  // the spec sets is still honoured.
  const defaultInterval =
    deps.detection?.mode === 'Events' && deps.detection.backstopIntervalMs !== undefined
      ? deps.detection.backstopIntervalMs
      : deps.defaultDriftIntervalMs;
  const interval = driftIntervalMs(object.spec, defaultInterval);
  if (deps.detection && !deps.plan) {
    draft.driftDetection = { mode: deps.detection.mode, reason: deps.detection.reason };
  }
  const finish = (
    summary: Summary,
    outcome: Outcome,
    extra: Partial<ReconcileOnceResult<Status>> = {},
  ) => {
    draft.conditions = summarize(draft.conditions, summary, generation, now);
    return { status: draft, outcome, drift, ...extra };
  };

  if (object.metadata.deletionTimestamp) {
    // deletionPolicy Retain (the default) is the same for every kind: the resource goes,
    // AWS stays — no kind's clean-up runs. A plan never deletes either.
    if ((object.spec.deletionPolicy ?? 'Retain') === 'Retain' || deps.plan) {
      if (!deps.plan) deps.log.info('deletionPolicy Retain: AWS resources are left in place');
      return { status: draft, outcome: 'finalized', drift };
    }
    try {
      await reconciler.finalize(request('converge'));
      return { status: draft, outcome: 'finalized', drift };
    } catch (error) {
      const found = classifyError(error, deps.classifiers);
      deps.log.warn({ err: error, reason: found.reason }, 'clean-up is blocked');
      deps.events.warning(found.reason, `Deletion blocked: ${found.message}`);
      const summary: Summary =
        found.kind === 'stalled'
          ? {
              state: 'stalled',
              reason: found.reason,
              message: `Deletion blocked: ${found.message}`,
            }
          : { state: 'waiting', reason: found.reason, message: `Deleting: ${found.message}` };
      // A stalled clean-up (a bucket that still holds objects) is looked at again at the
      // drift interval: emptying the bucket is a change Kubernetes does not see.
      const requeueAfterMs = found.kind === 'waiting' ? found.requeueAfterMs : interval;
      return finish(summary, 'finalize-blocked', {
        error: found,
        ...(found.kind === 'transient' ? {} : { requeueAfterMs }),
      });
    }
  }

  if (isPaused(object)) {
    return finish(
      {
        state: 'paused',
        message: `${Annotations.paused} is "true": Seawall does not reconcile this resource`,
      },
      'paused',
    );
  }

  const mode: FacetMode = deps.plan ? 'plan' : chooseMode(object);
  const previouslyAwaiting = draft.awaiting;
  // Set again below only while AWS is still propagating a change.
  delete draft.awaiting;
  try {
    const result = await reconciler.reconcile(request(mode));
    draft.observedGeneration = generation;
    if (mode !== 'plan') draft.convergedGeneration = generation;
    const requested = object.metadata.annotations?.[Annotations.correctDriftRequestedAt];
    if (requested !== undefined && mode !== 'plan') draft.lastHandledCorrectDriftAt = requested;
    const wasReported =
      findCondition(object.status?.conditions, 'Ready')?.reason === 'DriftDetected';
    if (mode === 'converge' && wasReported) {
      // A new generation applies the whole spec (ADR 4): say which reported drift it undid.
      const undone = (object.status?.drift?.items ?? []).map((d) => `${d.facet}.${d.field}`);
      deps.events.normal(
        'DriftCorrected',
        `Generation ${generation} applied the spec, putting back drift reported earlier${undone.length > 0 ? `: ${undone.join(', ')}` : ''}`,
      );
    }
    draft.drift = nextDriftStatus(draft.drift, drift, now);
    const outstanding = mode === 'report' ? drift : [];
    if (drift.length > 0) recordDriftEvents(mode);
    const requeueAfterMs = result.requeueAfterMs ?? withJitter(interval);
    if (outstanding.length > 0) {
      // Ready never hides drift: under Report the resource is not Ready while AWS differs.
      return finish(
        {
          state: 'waiting',
          reason: 'DriftDetected',
          message: `${outstanding.length} field(s) differ from the spec and driftPolicy is Report; see status.drift`,
        },
        'drifted',
        { requeueAfterMs },
      );
    }
    return finish({ state: 'ready', message: result.message ?? 'AWS matches the spec' }, 'ready', {
      requeueAfterMs,
    });
  } catch (error) {
    let found = classifyError(error, deps.classifiers);
    draft.observedGeneration = generation;
    // Drift found (and corrected) before the step that failed or has to wait is kept: the
    // next pass will not see it again.
    if (drift.length > 0) {
      draft.drift = nextDriftStatus(draft.drift, drift, now);
      recordDriftEvents(mode);
    }
    if (found.kind === 'waiting' && found.awaiting) {
      const bounded: AwaitingOutcome = awaitingOutcome(
        previouslyAwaiting,
        { ...found.awaiting, message: found.message },
        now,
        deps.propagationTimeoutMs,
      );
      if (bounded.kind === 'stall') {
        found = { kind: 'stalled', reason: bounded.reason, message: bounded.message };
      } else {
        draft.awaiting = bounded.awaiting;
        found = {
          ...found,
          message: bounded.conditionMessage,
          requeueAfterMs: bounded.requeueAfterMs,
        };
      }
    }
    switch (found.kind) {
      case 'stalled':
        deps.log.error({ err: error, reason: found.reason }, 'stalled');
        deps.events.warning(found.reason, found.message);
        // Looked at again at the drift interval: what stalled it may be fixed outside
        // Kubernetes (a permission granted, a name freed), which no watch event shows.
        return finish(
          { state: 'stalled', reason: found.reason, message: found.message },
          'stalled',
          { error: found, requeueAfterMs: withJitter(interval) },
        );
      case 'waiting':
        deps.log.debug({ reason: found.reason }, found.message);
        return finish(
          { state: 'waiting', reason: found.reason, message: found.message },
          'waiting',
          {
            error: found,
            requeueAfterMs: found.requeueAfterMs,
          },
        );
      default:
        deps.log.warn({ err: error, reason: found.reason }, 'reconcile failed, will retry');
        return finish(
          { state: 'retrying', reason: found.reason, message: found.message },
          'retrying',
          {
            error: found,
          },
        );
    }
  }

  function recordDriftEvents(mode: FacetMode): void {
    const fields = drift.map((d) => `${d.facet}.${d.field}`).join(', ');
    if (mode === 'correct') deps.events.normal('DriftCorrected', `Corrected drift: ${fields}`);
    else
      deps.events.warning(
        'DriftDetected',
        `Drift found (driftPolicy Report, not corrected): ${fields}`,
      );
    deps.log.info(
      {
        drift: drift.length,
        mode,
        items: drift.map((d) => ({
          item: `${d.facet}.${d.field}`,
          resource: d.resource,
          expected: d.expected,
          observed: d.observed,
          ...(d.causedBy
            ? { by: d.causedBy.principal, call: d.causedBy.eventName, at: d.causedBy.eventTime }
            : {}),
        })),
      },
      'drift found',
    );
  }

  function request(mode: FacetMode) {
    return {
      object,
      status: draft,
      mode,
      log: deps.log,
      events: deps.events,
      now,
      propagationTimeoutMs: deps.propagationTimeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS,
      recordDrift: (items: DriftItem[]) => {
        const causes = deps.causes ?? [];
        for (const item of items) {
          const cause = causes.length > 0 ? causeOf(item.resource, causes) : undefined;
          drift.push(cause ? { ...item, causedBy: cause } : item);
        }
      },
      checkpoint: async () => {
        if (deps.plan || !deps.checkpoint) return;
        await deps.checkpoint(structuredClone(draft) as unknown as Record<string, unknown>);
      },
    };
  }
}

/** The last check's items, and a bounded newest-first history of earlier ones. */
export function nextDriftStatus(
  previous: DriftStatus | undefined,
  items: DriftItem[],
  now: Date,
): DriftStatus {
  const history = [...items, ...(previous?.history ?? [])].slice(0, DRIFT_HISTORY_LIMIT);
  const corrected = items.some((d) => d.action === 'Corrected');
  const lastCorrectedTime = corrected ? now.toISOString() : previous?.lastCorrectedTime;
  return {
    lastCheckTime: now.toISOString(),
    count: items.length,
    ...(lastCorrectedTime ? { lastCorrectedTime } : {}),
    items: items.slice(0, DRIFT_ITEMS_LIMIT),
    ...(history.length > 0 ? { history } : {}),
  };
}
