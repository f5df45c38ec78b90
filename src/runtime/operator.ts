// The operator process: one controller per kind, leader election (only the leader
// reconciles and runs schedules), HTTP endpoints, graceful shutdown.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type * as k8s from '@kubernetes/client-node';
import { Controller } from './controller.ts';
import {
  type DriftEventSink,
  type DriftEventSource,
  HeartbeatTracker,
  type LocatedResources,
  locationKey,
  locationName,
  locationsOf,
  ResourceIndex,
} from './drift-events.ts';
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
  /**
   * Event-driven drift detection (ADR 70): AWS events naming an object's resources
   * queue its drift check at once; while events flow from its regions its periodic
   * check waits backstopIntervalMs. Undefined = polling only (status says so).
   */
  driftEvents?: DriftEventsConfig;
  /** Called when leadership is lost without a shutdown: the process should exit. */
  onLostLeadership?: () => void;
}

export interface DriftEventsConfig {
  source: DriftEventSource;
  /** The periodic check while events flow (default 6 h). */
  backstopIntervalMs?: number;
  /** A region whose last event is older than this counts as silent (default 15 min). */
  staleAfterMs?: number;
  /** How often silence is looked for (default 30 s). */
  watchIntervalMs?: number;
}

export const DEFAULT_BACKSTOP_INTERVAL_MS = 6 * 3600_000;
export const DEFAULT_EVENTS_STALE_AFTER_MS = 15 * 60_000;

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
  const events = options.driftEvents;
  const index = new ResourceIndex();
  const heartbeats = new HeartbeatTracker({
    enabled: events !== undefined,
    staleAfterMs: events?.staleAfterMs ?? DEFAULT_EVENTS_STALE_AFTER_MS,
  });
  const backstopIntervalMs = events?.backstopIntervalMs ?? DEFAULT_BACKSTOP_INTERVAL_MS;
  // An object's resources and the account they live in: the one it recorded
  // (status.accountId, set by its first reconcile), else the operator's own.
  const locatedOf = (reconciler: Reconciler<never, never>, object: AnyObject): LocatedResources => {
    const resources = reconciler.resourcesOf?.(object as never) ?? { regions: [], ids: [] };
    const recorded = (object.status as { accountId?: unknown } | undefined)?.accountId;
    const accountId =
      typeof recorded === 'string' && recorded ? recorded : (events?.source.ownAccountId?.() ?? '');
    return { ...resources, accountId };
  };
  const controllers = options.reconcilers.map(
    (reconciler) =>
      new Controller({
        detection: (object) => ({
          ...heartbeats.detection(locationsOf(locatedOf(reconciler, object)), new Date()),
          ...(reconciler.resourcesOf ? { backstopIntervalMs } : {}),
        }),
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

  // The index of what each object owns, kept from every replica's watch.
  for (const controller of controllers) {
    const reconciler = options.reconcilers.find((r) => r.kind === controller.kind);
    if (!reconciler?.resourcesOf) continue;
    controller.onChange((obj) => index.set(controller.keyOf(obj), locatedOf(reconciler, obj)));
    controller.onDelete((obj) => index.delete(controller.keyOf(obj)));
  }
  const controllerOf = new Map(controllers.map((c) => [c.kind.kind, c]));
  const sink: DriftEventSink = {
    async deliver(event) {
      const owners = index.owners(event.ids, event.accountId);
      if (owners.length === 0) {
        metrics.driftEvents.inc({
          account: event.accountId ?? '',
          region: event.region,
          result: 'foreign',
        });
        return 'foreign';
      }
      log.info(
        {
          event: event.cause.eventName,
          by: event.cause.principal,
          account: event.accountId,
          region: event.region,
          objects: owners,
        },
        'AWS event: checking drift',
      );
      await Promise.all(
        owners.map((key) => controllerOf.get(key.split('/')[0] ?? '')?.checkForEvent(key, event)),
      );
      metrics.driftEvents.inc({
        account: event.accountId ?? '',
        region: event.region,
        result: 'checked',
      });
      return 'checked';
    },
    heartbeat(location, at) {
      metrics.driftEvents.inc({
        account: location.accountId,
        region: location.region,
        result: 'own',
      });
      heartbeats.beat(location, at);
    },
    malformed(location, reason) {
      metrics.driftEvents.inc({
        account: location.accountId,
        region: location.region,
        result: 'malformed',
      });
      log.warn(
        { account: location.accountId, region: location.region, reason },
        'drift events: a message is no CloudTrail event; left for the dead-letter queue',
      );
    },
    locations: () => index.locations(),
  };
  // A region that falls silent puts its objects back on the polling interval at once: their
  // next check was scheduled a backstop away.
  const flowing = new Map<string, boolean>();
  const watchSilence = () => {
    const now = new Date();
    for (const location of sink.locations()) {
      const key = locationKey(location);
      const up = heartbeats.flowing(location, now);
      metrics.driftEventsFlowing.set(
        { account: location.accountId, region: location.region },
        up ? 1 : 0,
      );
      const was = flowing.get(key) ?? false;
      if (was !== up) {
        // Both ways: objects show the new mode at once, and a silent location's objects go
        // back to the polling interval (their next check was a backstop away).
        const where = { account: location.accountId, region: location.region };
        if (up)
          log.info(
            where,
            `AWS events flow from ${locationName(location)}: polling is the backstop`,
          );
        else
          log.warn(
            where,
            `no AWS event from ${locationName(location)} lately: drift is found by polling`,
          );
        for (const controller of controllers) {
          const reconciler = options.reconcilers.find((r) => r.kind === controller.kind);
          if (reconciler?.resourcesOf)
            controller.requeueWhere((obj) =>
              locationsOf(locatedOf(reconciler, obj)).some((l) => locationKey(l) === key),
            );
        }
      }
      flowing.set(key, up);
    }
  };
  let silenceTimer: NodeJS.Timeout | undefined;

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
    if (events) {
      // Only the leader consumes events: a standby would delete what it cannot check.
      events.source.start(sink).catch((error: unknown) => {
        log.error({ err: error }, 'drift events: the event source failed to start');
      });
      silenceTimer = setInterval(watchSilence, events.watchIntervalMs ?? 30_000);
      silenceTimer.unref();
    }
  };
  let elector: LeaderElector | undefined;
  if (options.leaderElection) {
    elector = new LeaderElector(options.kc, { ...options.leaderElection, identity }, log);
    elector.start({
      onStartedLeading: startWorkers,
      onStoppedLeading: () => {
        leading = false;
        if (silenceTimer) clearInterval(silenceTimer);
        void events?.source.stop();
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
      if (silenceTimer) clearInterval(silenceTimer);
      // The source stops taking messages first; those in flight stay in the queue.
      await events?.source.stop();
      await Promise.all(controllers.map((c) => c.stop(graceMs)));
      leading = false;
      await elector?.release();
      await http?.close();
      log.info('stopped');
    },
  };
}
