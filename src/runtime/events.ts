// Kubernetes Events for what a person should see (`kubectl describe`): drift corrected,
// stalled, deletion blocked. Best effort: an event that cannot be written is logged,
// never allowed to fail a reconcile.
//
// Aggregated as client-go's EventCorrelator does it: one Event per object, type and
// reason, whose count, lastTimestamp and message are updated (a patch) on every repeat,
// instead of a new Event each time. A drift loop corrected every minute for a day is one
// Event "x1440", not 1,440 objects in etcd and in `kubectl describe`.
import * as k8s from '@kubernetes/client-node';
import type { AnyObject } from './kube-objects.ts';
import type { Logger } from './logger.ts';
import type { EventRecorder } from './reconciler.ts';

/** The Event API calls the aggregator makes: narrow, so tests can count them. */
export interface EventWriter {
  create(namespace: string, body: k8s.CoreV1Event): Promise<k8s.CoreV1Event>;
  /** A merge patch of count, lastTimestamp and message; rejects with code 404 when gone. */
  update(
    namespace: string,
    name: string,
    patch: Pick<k8s.CoreV1Event, 'count' | 'lastTimestamp' | 'message'>,
  ): Promise<void>;
}

export function coreEventWriter(core: k8s.CoreV1Api): EventWriter {
  return {
    create: (namespace, body) => core.createNamespacedEvent({ namespace, body }),
    async update(namespace, name, patch) {
      await core.patchNamespacedEvent(
        { namespace, name, body: patch },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    },
  };
}

interface Series {
  namespace: string;
  /** The Event's name once created. */
  name?: string;
  count: number;
  /** Writes for this series run one after the other (a create must finish before its patch). */
  tail: Promise<void>;
}

/** As client-go: the series of the last 4096 object/type/reason keys are remembered. */
const MAX_SERIES = 4096;
const MESSAGE_LIMIT = 1024;

export class EventAggregator {
  readonly #writer: EventWriter;
  readonly #log: Logger;
  readonly #instance: string;
  readonly #now: () => Date;
  readonly #series = new Map<string, Series>();

  constructor(writer: EventWriter, log: Logger, instance: string, now = () => new Date()) {
    this.#writer = writer;
    this.#log = log;
    this.#instance = instance;
    this.#now = now;
  }

  /** Events about one object. */
  recorder(object: AnyObject): EventRecorder {
    return {
      normal: (reason, message) => this.#emit(object, 'Normal', reason, message),
      warning: (reason, message) => this.#emit(object, 'Warning', reason, message),
    };
  }

  /** Resolves when every write started so far has finished (for tests and shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#series.values()].map((s) => s.tail));
  }

  #emit(object: AnyObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${object.metadata.uid ?? `${namespace}/${object.kind}/${object.metadata.name}`}\u0000${type}\u0000${reason}`;
    let series = this.#series.get(key);
    if (series) this.#series.delete(key); // re-inserted below: the map is kept in LRU order
    series ??= { namespace, count: 0, tail: Promise.resolve() };
    this.#series.set(key, series);
    if (this.#series.size > MAX_SERIES) {
      const oldest = this.#series.keys().next().value;
      if (oldest !== undefined) this.#series.delete(oldest);
    }
    const current = series;
    // The time of the occurrence, not of the write (writes of one series queue up).
    const at = this.#now();
    current.tail = current.tail.then(() =>
      this.#write(current, object, type, reason, message.slice(0, MESSAGE_LIMIT), at).catch(
        (error: unknown) => {
          this.#log.warn({ err: error, reason }, 'could not record event');
        },
      ),
    );
  }

  async #write(
    series: Series,
    object: AnyObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    now: Date,
  ): Promise<void> {
    if (series.name) {
      try {
        await this.#writer.update(series.namespace, series.name, {
          count: series.count + 1,
          lastTimestamp: now,
          message,
        });
        series.count += 1;
        return;
      } catch (error) {
        // Events expire (the API server's --event-ttl, 1h by default): start a new one.
        if ((error as { code?: number }).code !== 404) throw error;
      }
    }
    const created = await this.#writer.create(series.namespace, {
      metadata: { generateName: `${object.metadata.name}.`, namespace: series.namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: series.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      source: { component: 'seawall' },
      reportingComponent: 'seawall.dev/operator',
      reportingInstance: this.#instance,
    });
    series.name = created.metadata?.name;
    series.count = 1;
  }
}

export const noEvents: EventRecorder = { normal() {}, warning() {} };
