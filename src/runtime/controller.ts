// One controller per kind: a watch feeds a work queue; a bounded pool of workers takes
// keys one at a time and runs reconcileOnce against a fresh read of the object; the
// status is written once, at the end, only when it changed.
import { isDeepStrictEqual } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { FINALIZER, GROUP, VERSION } from '../api/common.ts';
import type { KindDefinition } from '../api/kind-definition.ts';
import { findCondition, isTrue } from './conditions.ts';
import type { Detection, DriftCause } from './drift-events.ts';
import type { ErrorClassifier } from './errors.ts';
import { coreEventWriter, EventAggregator } from './events.ts';
import { type AnyObject, isConflict, type KubeObjects } from './kube-objects.ts';
import { type Logger, reconcileLogger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { type BaseStatus, isPaused, progressingStatus, reconcileOnce } from './reconcile-once.ts';
import type { Reconciler } from './reconciler.ts';
import { WorkQueue, type WorkQueueOptions } from './workqueue.ts';

export interface ControllerOptions {
  kc: k8s.KubeConfig;
  objects: KubeObjects;
  reconciler: Reconciler<never, never>;
  log: Logger;
  metrics: Metrics;
  classifiers: ErrorClassifier[];
  /** Namespaces to watch; empty = all. */
  namespaces: string[];
  /** Only objects with these labels (sharding across operators, as Flux's --watch-label-selector). Not for cluster-scoped kinds. */
  labelSelector?: string | undefined;
  workers: number;
  defaultDriftIntervalMs: number;
  /** How long AWS may take to propagate a change before the object is Stalled. */
  propagationTimeoutMs?: number;
  identity: string;
  queue?: WorkQueueOptions;
  now?: () => Date;
  /** How drift of an object is found now (events or polling), and the backstop interval. */
  detection?: (object: AnyObject) => Detection & { backstopIntervalMs?: number };
}

/** Events waiting for a key's next reconcile, and who waits for it to have run. */
interface PendingCheck {
  causes: { ids: readonly string[]; cause: DriftCause }[];
  ran: (() => void)[];
}

export function objectKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function parseKey(key: string): { namespace: string; name: string } {
  const [, namespace = '', name = ''] = key.split('/');
  return { namespace, name };
}

/** Update events worth a reconcile: not our own status writes. */
export function isInterestingUpdate(previous: AnyObject | undefined, next: AnyObject): boolean {
  if (!previous) return true;
  const a = previous.metadata;
  const b = next.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    !isDeepStrictEqual(a.annotations ?? {}, b.annotations ?? {}) ||
    !isDeepStrictEqual(a.labels ?? {}, b.labels ?? {}) ||
    !(b.finalizers ?? []).includes(FINALIZER)
  );
}

export class Controller {
  readonly kind: KindDefinition;
  readonly queue: WorkQueue;
  readonly #options: ControllerOptions;
  readonly #informers: k8s.Informer<k8s.KubernetesObject>[] = [];
  readonly #known = new Map<string, AnyObject>();
  readonly #events: EventAggregator;
  readonly #listeners: ((obj: AnyObject) => void)[] = [];
  readonly #deleteListeners: ((obj: AnyObject) => void)[] = [];
  readonly #pending = new Map<string, PendingCheck>();
  #workers: Promise<void>[] = [];
  #running = false;
  #synced = false;
  #stopped = false;

  constructor(options: ControllerOptions) {
    this.#options = options;
    this.kind = options.reconciler.kind;
    this.queue = new WorkQueue(options.queue, options.metrics.queueObserver(this.kind.kind));
    this.#events = new EventAggregator(
      coreEventWriter(options.kc.makeApiClient(k8s.CoreV1Api)),
      options.log,
      options.identity,
    );
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Starts watching. Workers start separately, only on the leader. */
  async startWatching(): Promise<void> {
    const { kc, namespaces } = this.#options;
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    // A cluster-scoped kind (AwsAccount) has no namespace to limit the watch to.
    const scopes =
      namespaces.length > 0 && this.kind.scope !== 'Cluster' ? namespaces : [undefined];
    for (const namespace of scopes) {
      const path = namespace
        ? `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${this.kind.plural}`
        : `/apis/${GROUP}/${VERSION}/${this.kind.plural}`;
      // Every shard needs every AwsAccount: a cluster-scoped kind is never sharded.
      const labelSelector =
        this.kind.scope === 'Cluster' ? undefined : this.#options.labelSelector || undefined;
      const selector = labelSelector ? { labelSelector } : {};
      const list = () =>
        (namespace
          ? custom.listNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace,
              plural: this.kind.plural,
              ...selector,
            })
          : custom.listClusterCustomObject({
              group: GROUP,
              version: VERSION,
              plural: this.kind.plural,
              ...selector,
            })) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
      // Custom objects arrive as plain JSON (timestamps are strings): hence the casts.
      const informer = k8s.makeInformer<k8s.KubernetesObject>(kc, path, list, labelSelector);
      informer.on('add', (obj) => this.#onEvent(obj as unknown as AnyObject));
      informer.on('update', (obj) => this.#onEvent(obj as unknown as AnyObject));
      informer.on('delete', (obj) => {
        this.#known.delete(this.#keyOf(obj as unknown as AnyObject));
        this.#options.metrics.forgetObject(this.kind.kind, obj as unknown as AnyObject);
        for (const listener of this.#deleteListeners) listener(obj as unknown as AnyObject);
      });
      // The informer stops on an error (API server restarted, network): start it again
      // with a delay. It relists when its resourceVersion is gone (410), so no object is
      // missed, and every relisted object is enqueued.
      informer.on('error', (error: unknown) => {
        // A standby keeps its watch alive too: its cache is what it starts from when it
        // becomes the leader.
        if (this.#stopped) return;
        this.#options.log.warn({ err: error, kind: this.kind.kind }, 'watch failed, restarting');
        setTimeout(() => {
          informer.start().catch(() => {
            /* the error handler fires again */
          });
        }, 1000).unref();
      });
      this.#informers.push(informer);
      await informer.start();
    }
    this.#synced = true;
  }

  #keyOf(obj: AnyObject): string {
    return objectKey(this.kind.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
  }

  #onEvent(obj: AnyObject): void {
    this.#options.metrics.observeObject(this.kind.kind, obj);
    const key = this.#keyOf(obj);
    const previous = this.#known.get(key);
    this.#known.set(key, obj);
    if (isInterestingUpdate(previous, obj)) this.queue.add(key);
    for (const listener of this.#listeners) listener(obj);
  }

  /** Every add or update seen by the watch, status-only changes included. */
  onChange(listener: (obj: AnyObject) => void): void {
    this.#listeners.push(listener);
  }

  /** Every object the watch saw deleted. */
  onDelete(listener: (obj: AnyObject) => void): void {
    this.#deleteListeners.push(listener);
  }

  keyOf(obj: AnyObject): string {
    return this.#keyOf(obj);
  }

  /**
   * An AWS event names what `key` owns: queue its drift check now (merged with a check
   * already waiting, as any add) and resolve once a reconcile that saw the event ran.
   * The event source deletes the event only then; a check that never runs (the
   * operator stops first) leaves it in the queue for the next process.
   */
  checkForEvent(key: string, event: { ids: readonly string[]; cause: DriftCause }): Promise<void> {
    if (!this.#known.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      let pending = this.#pending.get(key);
      if (!pending) {
        pending = { causes: [], ran: [] };
        this.#pending.set(key, pending);
      }
      pending.causes.push(event);
      pending.ran.push(resolve);
      this.queue.add(key);
    });
  }

  /** Queues the objects of this kind that refer to `target` (same namespace). */
  requeueDependents(target: AnyObject, references: (obj: AnyObject) => string[]): void {
    for (const [key, obj] of this.#known) {
      if (obj.metadata.namespace !== target.metadata.namespace) continue;
      if (references(obj).includes(target.metadata.name ?? '')) this.queue.add(key);
    }
  }

  /** Queues every known object `predicate` picks (a region's events fell silent). */
  requeueWhere(predicate: (obj: AnyObject) => boolean): void {
    for (const [key, obj] of this.#known) if (predicate(obj)) this.queue.add(key);
  }

  startWorkers(): void {
    if (this.#running) return;
    this.#running = true;
    for (const key of this.#known.keys()) this.queue.add(key);
    for (let i = 0; i < this.#options.workers; i++) this.#workers.push(this.#workerLoop());
  }

  /** Stops taking work and waits (up to graceMs) for reconciles in flight. */
  async stop(graceMs: number): Promise<void> {
    this.#running = false;
    this.#stopped = true;
    this.queue.shutDown();
    for (const informer of this.#informers) await informer.stop();
    await Promise.race([
      Promise.all(this.#workers),
      new Promise((r) => setTimeout(r, graceMs).unref()),
    ]);
  }

  async #workerLoop(): Promise<void> {
    for (;;) {
      this.#options.metrics.queueDepth.set({ kind: this.kind.kind }, this.queue.length);
      const key = await this.queue.get();
      if (key === undefined) return;
      // The events that asked for a check are taken by this reconcile; an event arriving
      // while it runs waits for the next one (the key is queued again).
      const events = this.#pending.get(key);
      this.#pending.delete(key);
      try {
        await this.#process(key, events?.causes ?? []);
      } catch (error) {
        // Errors of the machinery itself (a status write, a conflict): retry with backoff.
        this.#options.metrics.reconciles.inc({ kind: this.kind.kind, result: 'error' });
        const delay = this.queue.addRateLimited(key);
        const level = isConflict(error) ? 'debug' : 'warn';
        this.#options.log[level](
          { err: error, key, retryInMs: delay },
          'reconcile machinery failed',
        );
      } finally {
        for (const ran of events?.ran ?? []) ran();
        this.queue.done(key);
      }
    }
  }

  async #process(
    key: string,
    causes: readonly { ids: readonly string[]; cause: DriftCause }[],
  ): Promise<void> {
    const { objects, metrics, log: rootLog } = this.#options;
    const now = this.#options.now ?? (() => new Date());
    const { namespace, name } = parseKey(key);
    let object = await objects.get(this.kind, namespace, name);
    if (!object) {
      this.queue.forget(key);
      return;
    }
    const log = reconcileLogger(rootLog, this.kind.kind, namespace, name);
    const timer = metrics.reconcileDuration.startTimer({ kind: this.kind.kind });
    const deleting = Boolean(object.metadata.deletionTimestamp);
    const finalizers = object.metadata.finalizers ?? [];

    if (deleting && !finalizers.includes(FINALIZER)) return;
    // The finalizer goes on before the first AWS change, so nothing is ever orphaned.
    if (!deleting && !isPaused(object) && !finalizers.includes(FINALIZER)) {
      object = await objects.setFinalizers(this.kind, object, [...finalizers, FINALIZER]);
    }
    // A new generation shows Reconciling=True / Ready=Unknown before any AWS work. A new
    // object already does (the CRD's status default), so that costs no extra write.
    const status = (object.status ?? {}) as BaseStatus;
    const generation = object.metadata.generation ?? 0;
    const readyGeneration = findCondition(status.conditions, 'Ready')?.observedGeneration;
    const showsProgress = isTrue(status.conditions, 'Reconciling');
    if (!deleting && !isPaused(object) && readyGeneration !== generation && !showsProgress) {
      const progressing = progressingStatus(object as never, now()) as Record<string, unknown>;
      if (!isDeepStrictEqual(progressing, object.status ?? {})) {
        await objects.writeStatus(this.kind, object, progressing);
        object = { ...object, status: progressing };
      }
    }

    const events = this.#events.recorder(object);
    // What the API server holds: checkpoints (written before create calls) move it.
    let written = (object.status ?? {}) as Record<string, unknown>;
    const current = object;
    const checkpoint = async (status: Record<string, unknown>) => {
      if (isDeepStrictEqual(status, written)) return;
      await objects.writeStatus(this.kind, { ...current, status: written }, status);
      written = status;
    };
    const result = await reconcileOnce(
      this.#options.reconciler as Reconciler<never, never>,
      object as never,
      {
        log,
        events,
        now,
        classifiers: this.#options.classifiers,
        defaultDriftIntervalMs: this.#options.defaultDriftIntervalMs,
        ...(this.#options.propagationTimeoutMs !== undefined
          ? { propagationTimeoutMs: this.#options.propagationTimeoutMs }
          : {}),
        checkpoint,
        ...(causes.length > 0 ? { causes } : {}),
        ...(this.#options.detection ? { detection: this.#options.detection(object) } : {}),
      },
    );
    timer();
    metrics.reconciles.inc({ kind: this.kind.kind, result: result.outcome });
    metrics.recordDrift(this.kind.kind, result.drift);

    if (result.outcome === 'finalized') {
      await objects.setFinalizers(
        this.kind,
        object,
        finalizers.filter((f) => f !== FINALIZER),
      );
      this.queue.forget(key);
      log.info('clean-up done, finalizer removed');
      return;
    }
    const next = result.status as unknown as Record<string, unknown>;
    if (!isDeepStrictEqual(next, written)) {
      await objects.writeStatus(this.kind, { ...object, status: written }, next);
    }
    if (result.outcome === 'retrying') {
      const delay = this.queue.addRateLimited(key);
      log.debug({ retryInMs: delay }, 'retrying');
      return;
    }
    this.queue.forget(key);
    if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
  }
}
