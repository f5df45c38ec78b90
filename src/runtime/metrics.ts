// Prometheus metrics served on /metrics. One registry per operator process, so tests
// can run several operators in one process without clashing.
//
// Two sorts: what the process did (reconciles, AWS calls, the work queue), and the state
// of each Seawall object — Ready, Stalled, drift items, a pipeline's last score — read
// from the status Seawall writes, as every replica's watch sees it. Per-object series
// come from the watch, not from the leader's reconciles, so a standby reports the same
// values and a leader change leaves no gap; alerts take `max by (kind, namespace, name)`.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Condition, DriftItem } from '../api/common.ts';
import type { AnyObject } from './kube-objects.ts';
import type { WorkQueueObserver } from './workqueue.ts';

/** What the per-object gauges show, read from an object's status. */
export interface ObjectHealth {
  ready: boolean;
  stalled: boolean;
  driftItems: number;
  /** QualityPipeline: the last run's score (passed rules / all rules, 0 to 1). */
  score?: number;
  /** QualityPipeline: when the last run finished, in seconds since the epoch. */
  lastRunCompleted?: number;
}

export function objectHealth(object: AnyObject): ObjectHealth {
  const status = (object.status ?? {}) as {
    conditions?: Condition[];
    drift?: { count?: number };
    lastRun?: { score?: number; completedAt?: string };
  };
  const isTrue = (type: string) =>
    status.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
  const health: ObjectHealth = {
    ready: isTrue('Ready'),
    stalled: isTrue('Stalled'),
    driftItems: status.drift?.count ?? 0,
  };
  if (typeof status.lastRun?.score === 'number') health.score = status.lastRun.score;
  const completed = Date.parse(status.lastRun?.completedAt ?? '');
  if (!Number.isNaN(completed)) health.lastRunCompleted = completed / 1000;
  return health;
}

export class Metrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: 'seawall_reconcile_total',
    help: 'Reconciles by kind and result (ready, drifted, waiting, retrying, stalled, paused, finalized, finalize-blocked, error).',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'seawall_reconcile_duration_seconds',
    help: 'Duration of one reconcile by kind.',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'seawall_workqueue_depth',
    help: 'Keys waiting in the work queue, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly awsCalls = new Counter({
    name: 'seawall_aws_calls_total',
    help: 'AWS API calls by service, operation and outcome.',
    labelNames: ['service', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly drift = new Counter({
    name: 'seawall_drift_items_total',
    help: 'Drift items found, by kind, facet, field and action (Corrected or Reported).',
    labelNames: ['kind', 'facet', 'field', 'action'] as const,
    registers: [this.registry],
  });
  readonly awsRegionReachable = new Gauge({
    name: 'seawall_aws_region_reachable',
    help: '0 while calls to an AWS region time out or cannot connect (calls to it are paused), 1 once it answers again.',
    labelNames: ['region'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'seawall_leader',
    help: '1 while this process holds the leader lease.',
    registers: [this.registry],
  });
  readonly queueAdds = new Counter({
    name: 'seawall_workqueue_adds_total',
    help: 'Keys added to the work queue, by kind (duplicates merged in the queue included).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly queueLatency = new Histogram({
    name: 'seawall_workqueue_queue_duration_seconds',
    help: 'How long a key waited, from when it was due until a worker took it, by kind.',
    labelNames: ['kind'] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });
  readonly queueRetries = new Counter({
    name: 'seawall_workqueue_retries_total',
    help: 'Keys requeued with backoff after a failed reconcile, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly resourceReady = new Gauge({
    name: 'seawall_resource_ready',
    help: '1 while the object is Ready=True, 0 otherwise (from its status).',
    labelNames: ['kind', 'namespace', 'name'] as const,
    registers: [this.registry],
  });
  readonly resourceStalled = new Gauge({
    name: 'seawall_resource_stalled',
    help: '1 while the object is Stalled=True: it needs a change from a person.',
    labelNames: ['kind', 'namespace', 'name'] as const,
    registers: [this.registry],
  });
  readonly resourceDriftItems = new Gauge({
    name: 'seawall_resource_drift_items',
    help: 'Items out of line with the spec at the last drift check (status.drift.count).',
    labelNames: ['kind', 'namespace', 'name'] as const,
    registers: [this.registry],
  });
  readonly qualityScore = new Gauge({
    name: 'seawall_quality_pipeline_score',
    help: "A QualityPipeline's last run score: passed rules / all rules, 0 to 1.",
    labelNames: ['namespace', 'name'] as const,
    registers: [this.registry],
  });
  readonly qualityLastRun = new Gauge({
    name: 'seawall_quality_pipeline_last_run_completed_timestamp_seconds',
    help: "When a QualityPipeline's last run finished (Unix time).",
    labelNames: ['namespace', 'name'] as const,
    registers: [this.registry],
  });

  readonly driftEventsFlowing = new Gauge({
    name: 'seawall_drift_events_flowing',
    help: '1 while CloudTrail events reach Seawall from an account and region (drift found by events, polling only as a backstop), 0 while drift there is found by polling only.',
    labelNames: ['account', 'region'] as const,
    registers: [this.registry],
  });
  readonly driftEvents = new Counter({
    name: 'seawall_drift_events_total',
    help: "AWS events taken from the drift-event queue, by account, region and result: checked (a drift check of the owning object ran), foreign (no object owns the resource), own (Seawall's own call: the heartbeat), malformed (left for the dead-letter queue).",
    labelNames: ['account', 'region', 'result'] as const,
    registers: [this.registry],
  });

  constructor({ defaults = true } = {}) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'seawall_' });
  }

  /** Counts one call to a cloud API (the AWS clients report each of theirs here). */
  readonly observeAwsCall = (call: {
    service: string;
    operation: string;
    outcome: string;
  }): void => {
    this.awsCalls.inc({ service: call.service, operation: call.operation, outcome: call.outcome });
  };

  /** The work queue of one kind reports here. */
  queueObserver(kind: string): WorkQueueObserver {
    return {
      added: () => this.queueAdds.inc({ kind }),
      waited: (seconds) => this.queueLatency.observe({ kind }, seconds),
      retried: () => this.queueRetries.inc({ kind }),
    };
  }

  /** The per-object gauges of an object as the watch last saw it. */
  observeObject(kind: string, object: AnyObject): void {
    const labels = objectLabels(kind, object);
    const health = objectHealth(object);
    this.resourceReady.set(labels, health.ready ? 1 : 0);
    this.resourceStalled.set(labels, health.stalled ? 1 : 0);
    this.resourceDriftItems.set(labels, health.driftItems);
    const pipeline = { namespace: labels.namespace, name: labels.name };
    if (health.score === undefined) this.qualityScore.remove(pipeline);
    else if (kind === 'QualityPipeline') this.qualityScore.set(pipeline, health.score);
    if (health.lastRunCompleted === undefined) this.qualityLastRun.remove(pipeline);
    else if (kind === 'QualityPipeline') this.qualityLastRun.set(pipeline, health.lastRunCompleted);
  }

  /** An object is gone: its series go with it. */
  forgetObject(kind: string, object: AnyObject): void {
    const labels = objectLabels(kind, object);
    this.resourceReady.remove(labels);
    this.resourceStalled.remove(labels);
    this.resourceDriftItems.remove(labels);
    if (kind === 'QualityPipeline') {
      this.qualityScore.remove({ namespace: labels.namespace, name: labels.name });
      this.qualityLastRun.remove({ namespace: labels.namespace, name: labels.name });
    }
  }

  recordDrift(kind: string, items: DriftItem[]): void {
    for (const item of items) {
      this.drift.inc({ kind, facet: item.facet, field: item.field, action: item.action });
    }
  }
}

function objectLabels(kind: string, object: AnyObject) {
  return { kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' };
}
