// Prometheus metrics served on /metrics. One registry per operator process, so tests
// can run several operators in one process without clashing.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DriftItem } from '../api/common.ts';
import type { AwsCall } from '../aws/calls.ts';

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

  constructor({ defaults = true } = {}) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'seawall_' });
  }

  readonly observeAwsCall = (call: AwsCall): void => {
    this.awsCalls.inc({ service: call.service, operation: call.operation, outcome: call.outcome });
  };

  recordDrift(kind: string, items: DriftItem[]): void {
    for (const item of items) {
      this.drift.inc({ kind, facet: item.facet, field: item.field, action: item.action });
    }
  }
}
