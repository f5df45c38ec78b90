// The operator process: one controller per kind, leader election (only the leader
// reconciles and runs schedules), HTTP endpoints, graceful shutdown.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type * as k8s from '@kubernetes/client-node';
import { Controller } from './controller.ts';
import type { ErrorClassifier } from './errors.ts';
import { type HttpServer, startHttpServer } from './http.ts';
import { type AnyObject, kubeObjects } from './kube-objects.ts';
import { shareConnections } from './kubeconfig.ts';
import { LeaderElector } from './leader.ts';
import type { Logger } from './logger.ts';
import { Metrics } from './metrics.ts';
import type { Reconciler } from './reconciler.ts';
import type { WorkQueueOptions } from './workqueue.ts';

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface OperatorOptions {
  kc: k8s.KubeConfig;
  reconcilers: Reconciler<never, never>[];
  log: Logger;
  /**
   * Called once the operator's metrics and log exist, before any reconcile: connects what
   * the reconcilers use (their AWS clients) to them. The runtime itself knows no cloud.
   */
  instrument?: (metrics: Metrics, log: Logger) => void;
  namespaces?: string[];
  /** Only objects matching this label selector (sharding: `seawall.dev/shard=<name>`). */
  labelSelector?: string;
  workers?: number;
  defaultDriftIntervalMs?: number;
  /** How long AWS may take to propagate a change before an object is Stalled (default 5 min). */
  propagationTimeoutMs?: number;
  /** Port for /metrics, /healthz, /readyz; undefined = no HTTP server, 0 = any free port. */
  httpPort?: number;
  httpHost?: string;
  /** Undefined = no leader election (a single replica, or tests). */
  leaderElection?: LeaderElectionConfig;
  identity?: string;
  queue?: WorkQueueOptions;
  classifiers?: ErrorClassifier[];
  /** Called when leadership is lost without a shutdown: the process should exit. */
  onLostLeadership?: () => void;
}

export interface Operator {
  metrics: Metrics;
  controllers: Controller[];
  httpPort: number | undefined;
  isLeader(): boolean;
  stop(graceMs?: number): Promise<void>;
}

export const DEFAULT_DRIFT_INTERVAL_MS = 10 * 60_000;

export async function startOperator(options: OperatorOptions): Promise<Operator> {
  shareConnections(options.kc);
  const identity = options.identity ?? `${hostname()}-${randomBytes(3).toString('hex')}`;
  const log = options.log.child({ identity });
  const metrics = new Metrics();
  options.instrument?.(metrics, log);
  const objects = kubeObjects(options.kc);
  const controllers = options.reconcilers.map(
    (reconciler) =>
      new Controller({
        kc: options.kc,
        objects,
        reconciler,
        log,
        metrics,
        classifiers: options.classifiers ?? [],
        namespaces: options.namespaces ?? [],
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        workers: options.workers ?? 4,
        defaultDriftIntervalMs: options.defaultDriftIntervalMs ?? DEFAULT_DRIFT_INTERVAL_MS,
        ...(options.propagationTimeoutMs !== undefined
          ? { propagationTimeoutMs: options.propagationTimeoutMs }
          : {}),
        identity,
        ...(options.queue ? { queue: options.queue } : {}),
      }),
  );

  // Dependents are reconciled when what they wait on changes (e.g. becomes Ready).
  for (const dependent of controllers) {
    for (const dependency of options.reconcilers.find((r) => r.kind === dependent.kind)
      ?.dependsOn ?? []) {
      const target = controllers.find((c) => c.kind.kind === dependency.kind);
      const references = dependency.references as (obj: AnyObject) => string[];
      target?.onChange((obj) => dependent.requeueDependents(obj, references));
    }
  }

  let http: HttpServer | undefined;
  if (options.httpPort !== undefined) {
    http = await startHttpServer(
      metrics,
      () => controllers.every((c) => c.synced),
      options.httpPort,
      options.httpHost,
    );
  }
  for (const controller of controllers) await controller.startWatching();

  let leading = false;
  const startWorkers = () => {
    leading = true;
    metrics.leader.set(1);
    for (const controller of controllers) controller.startWorkers();
  };
  let elector: LeaderElector | undefined;
  if (options.leaderElection) {
    elector = new LeaderElector(options.kc, { ...options.leaderElection, identity }, log);
    elector.start({
      onStartedLeading: startWorkers,
      onStoppedLeading: () => {
        leading = false;
        metrics.leader.set(0);
        void Promise.all(controllers.map((c) => c.stop(0))).then(() =>
          options.onLostLeadership?.(),
        );
      },
    });
  } else {
    startWorkers();
  }
  log.info(
    {
      kinds: controllers.map((c) => c.kind.kind),
      namespaces: options.namespaces ?? 'all',
      labelSelector: options.labelSelector,
      httpPort: http?.port,
    },
    'operator started',
  );

  return {
    metrics,
    controllers,
    httpPort: http?.port,
    isLeader: () => leading,
    async stop(graceMs = 30_000) {
      log.info('shutting down');
      await Promise.all(controllers.map((c) => c.stop(graceMs)));
      leading = false;
      await elector?.release();
      await http?.close();
      log.info('stopped');
    },
  };
}
