// The contract between the controller machinery and one kind's reconciler.
//
// A reconciler is a list of ordered steps that stop at the first error (Flux). It reads
// the object, fills a *draft* of its status, and throws a classified error
// (StalledError, WaitingError, TransientError, or an AWS SDK error, classified by code)
// when it cannot go on. The controller owns the conditions, the finalizer, the drift
// history and the single status write at the end.
import type { Logger } from 'pino';
import type { DriftItem, SeawallObject } from '../api/common.ts';
import type { KindDefinition } from '../api/kinds.ts';
import type { ObjectResources } from './drift-events.ts';
import type { FacetMode } from './mode.ts';

export interface EventRecorder {
  normal(reason: string, message: string): void;
  warning(reason: string, message: string): void;
}

export interface ReconcileRequest<Spec, Status> {
  /** The object as last seen. Never mutate it. */
  readonly object: SeawallObject<Spec, Status>;
  /** The status being built; the controller writes it once, at the end, if it changed. */
  readonly status: Status;
  /**
   * converge: a new object or a new generation (spec changes are applied, not drift);
   * correct / report: a drift check under the spec's driftPolicy; plan: never write.
   */
  readonly mode: FacetMode;
  readonly log: Logger;
  readonly events: EventRecorder;
  readonly now: Date;
  /** How long a change may take to propagate in AWS before it counts as failed. */
  readonly propagationTimeoutMs: number;
  /** Drift found by facets is handed here; the controller keeps status.drift. */
  recordDrift(items: DriftItem[]): void;
  /**
   * Writes the status draft now, before the reconcile ends: a step calls it before a
   * create call whose result a crash could otherwise leave unrecorded (the intent is
   * then on record). Costs one status write; only creations use it.
   */
  checkpoint(): Promise<void>;
}

export interface ReconcileResult {
  /** Reconcile again after this long (e.g. the next scheduled run). Default: the drift interval. */
  requeueAfterMs?: number;
  /** Ready message (default: "AWS matches the spec"). */
  message?: string;
}

/** An object of another kind this kind waits on (e.g. a bucketRef to a ProtectedBucket). */
export interface Dependency<Spec> {
  kind: string;
  /** Names, in the object's own namespace, of the objects of `kind` it refers to. */
  references(object: SeawallObject<Spec, unknown>): string[];
}

export interface Reconciler<Spec = unknown, Status = Record<string, unknown>> {
  readonly kind: KindDefinition;
  /**
   * When an object named here changes (its status included), the objects referring to
   * it are reconciled at once — a QualityPipeline does not wait out its retry delay
   * after its ProtectedBucket becomes Ready.
   */
  readonly dependsOn?: Dependency<Spec>[];
  /**
   * What the object owns in AWS, from its spec and status (pure): an event naming one of
   * these resources becomes a drift check of this object (event-driven drift detection).
   */
  readonly resourcesOf?: (object: SeawallObject<Spec, Status>) => ObjectResources;
  reconcile(request: ReconcileRequest<Spec, Status>): Promise<ReconcileResult>;
  /**
   * Clean up AWS under spec.deletionPolicy. Returning lets the controller remove the
   * finalizer; throwing (e.g. WaitingError or StalledError "bucket not empty") keeps it.
   */
  finalize(request: ReconcileRequest<Spec, Status>): Promise<void>;
}
