// Leader election on a coordination.k8s.io Lease, the client-go way: expiry is judged
// by when *this* process last saw the lease record change (not by the holder's clock),
// a leader that cannot renew within renewDeadline stops leading before anyone else may
// take over (renewDeadline < leaseDuration), and release() on SIGTERM hands the lease
// over at once.
import * as k8s from '@kubernetes/client-node';
import { isConflict, isNotFound } from './kube-objects.ts';
import type { Logger } from './logger.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface LeaderCallbacks {
  onStartedLeading(): void;
  /** Leadership lost without release(): the process must stop reconciling now. */
  onStoppedLeading(): void;
}

interface Observed {
  holder: string | undefined;
  renewTime: string | undefined;
  at: number;
}

export class LeaderElector {
  readonly #api: k8s.CoordinationV1Api;
  readonly #options: LeaderElectionOptions;
  readonly #log: Logger;
  #observed: Observed | undefined;
  #leading = false;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(kc: k8s.KubeConfig, options: LeaderElectionOptions, log: Logger) {
    this.#api = kc.makeApiClient(k8s.CoordinationV1Api);
    this.#options = options;
    this.#log = log.child({
      lease: `${options.namespace}/${options.name}`,
      identity: options.identity,
    });
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  start(callbacks: LeaderCallbacks): void {
    const tick = async () => {
      if (this.#stopped) return;
      const wasLeading = this.#leading;
      let renewed = false;
      try {
        renewed = await this.#tryAcquireOrRenew();
      } catch (error) {
        this.#log.warn({ err: error }, 'lease update failed');
      }
      const now = Date.now();
      if (renewed) this.#lastRenew = now;
      if (!wasLeading && renewed) {
        this.#leading = true;
        this.#log.info('became leader');
        callbacks.onStartedLeading();
      } else if (wasLeading && !renewed && now - this.#lastRenew > this.#options.renewDeadlineMs) {
        this.#leading = false;
        this.#log.error('lost the lease: stopping');
        callbacks.onStoppedLeading();
        return;
      }
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.retryPeriodMs);
    };
    void tick();
  }

  /** Gives the lease up (SIGTERM): a standby takes over on its next retry. */
  async release(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (!this.#leading) return;
    this.#leading = false;
    try {
      const lease = await this.#read();
      if (lease?.spec?.holderIdentity !== this.#options.identity) return;
      lease.spec.holderIdentity = undefined;
      lease.spec.leaseDurationSeconds = 1;
      lease.spec.renewTime = new k8s.V1MicroTime(Date.now() - 60_000);
      await this.#api.replaceNamespacedLease({
        name: this.#options.name,
        namespace: this.#options.namespace,
        body: lease,
      });
      this.#log.info('released the lease');
    } catch (error) {
      this.#log.warn({ err: error }, 'could not release the lease');
    }
  }

  async #read(): Promise<k8s.V1Lease | undefined> {
    try {
      return await this.#api.readNamespacedLease({
        name: this.#options.name,
        namespace: this.#options.namespace,
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { name, namespace, identity, leaseDurationMs } = this.#options;
    const now = new k8s.V1MicroTime(Date.now());
    const leaseDurationSeconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));
    const lease = await this.#read();
    if (!lease) {
      try {
        await this.#api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? undefined;
    const renewTime = spec.renewTime ? new Date(spec.renewTime).toISOString() : undefined;
    if (
      !this.#observed ||
      this.#observed.holder !== holder ||
      this.#observed.renewTime !== renewTime
    ) {
      this.#observed = { holder, renewTime, at: Date.now() };
    }
    const heldByOther = holder !== undefined && holder !== '' && holder !== identity;
    // A released lease has no holder and is free at once; a held one only a full lease
    // duration after we last saw it change.
    const expired = Date.now() - this.#observed.at > leaseDurationMs;
    if (heldByOther && !expired) return false;

    const taking = holder !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: now,
      ...(taking ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
    };
    try {
      await this.#api.replaceNamespacedLease({ name, namespace, body: lease });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }
}
