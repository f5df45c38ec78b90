// Drift events per AWS account (ADR 70, ADR 80): CloudTrail events reach EventBridge only
// in the account where the call was made, so an object Seawall manages in an AwsAccount's
// target account is heard only through a rule and queue in that account. This source runs
// one SqsDriftEventSource per account objects live in — the operator's own with its own
// identity, each other one with that account's assumed-role clients — started when an
// object first needs the account, and stopped together on shutdown. Each tells the
// operator the account with every heartbeat, so status says Events only where Seawall
// listens.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Logger } from 'pino';
import type {
  DriftEventSink,
  DriftEventSource,
  EventLocation,
} from '../../runtime/drift-events.ts';
import type { AwsClients } from '../clients.ts';
import {
  type RegionEventSink,
  SqsDriftEventSource,
  type SqsDriftEventSourceOptions,
} from './consumer.ts';

/** IAM's events arrive in us-east-1: the operator's own account always listens there. */
export const HOME_EVENTS_REGION = 'us-east-1';

export interface AccountDriftEventSourcesOptions
  extends Omit<SqsDriftEventSourceOptions, 'aws' | 'log'> {
  /** The operator's own clients. */
  home: AwsClients;
  log: Logger;
  /**
   * The clients that act in `accountId` (an AwsAccount's assumed role); undefined when no
   * AwsAccount reaches it. Called again later while it fails or finds none.
   */
  clientsOf: (accountId: string) => Promise<AwsClients | undefined>;
  /** How often the accounts objects live in are looked at (default 5 s). */
  accountsIntervalMs?: number;
}

/** Pure: the regions of one account among the locations, sorted, with `extra` added. */
export function regionsIn(
  locations: readonly EventLocation[],
  accountId: string,
  extra: readonly string[] = [],
): string[] {
  const out = new Set(extra);
  for (const l of locations) if (l.accountId === accountId) out.add(l.region);
  return [...out].sort();
}

export class AccountDriftEventSources implements DriftEventSource {
  readonly #options: AccountDriftEventSourcesOptions;
  readonly #sources = new Map<string, SqsDriftEventSource>();
  /** Accounts being started, or refused lately (logged once until they start). */
  readonly #pending = new Set<string>();
  readonly #refused = new Set<string>();
  #own: string | undefined;
  #sink: DriftEventSink | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: AccountDriftEventSourcesOptions) {
    this.#options = options;
  }

  ownAccountId(): string | undefined {
    return this.#own;
  }

  /** The source of one account, once started (tests, benchmarks). */
  sourceOf(accountId: string): SqsDriftEventSource | undefined {
    return this.#sources.get(accountId);
  }

  async start(sink: DriftEventSink): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#sink = sink;
    const { Account } = await this.#options.home.sts().send(new GetCallerIdentityCommand({}));
    this.#own = Account ?? '';
    try {
      await this.#startAccount(this.#own, this.#options.home);
    } catch (error) {
      // Target accounts still listen when the operator's own may not (an assume-only role).
      this.#options.log.error(
        { err: error, account: this.#own },
        "drift events: cannot listen in the operator's own account; drift there is found by polling",
      );
    }
    this.#timer = setInterval(() => {
      void this.#startNewAccounts();
    }, this.#options.accountsIntervalMs ?? 5_000);
    this.#timer.unref();
    await this.#startNewAccounts();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    await Promise.allSettled([...this.#sources.values()].map((s) => s.stop()));
    this.#sources.clear();
  }

  async #startNewAccounts(): Promise<void> {
    const sink = this.#sink;
    if (!sink || !this.#running) return;
    const wanted = new Set(sink.locations().map((l) => l.accountId));
    for (const accountId of wanted) {
      if (!accountId || this.#sources.has(accountId) || this.#pending.has(accountId)) continue;
      this.#pending.add(accountId);
      try {
        const aws = await this.#options.clientsOf(accountId);
        if (!aws) throw new Error('no AwsAccount with a role reaches this account');
        await this.#startAccount(accountId, aws);
        this.#refused.delete(accountId);
      } catch (error) {
        if (!this.#refused.has(accountId)) {
          this.#refused.add(accountId);
          this.#options.log.warn(
            { err: error, account: accountId },
            'drift events: cannot listen in this account; drift there is found by polling',
          );
        }
      } finally {
        this.#pending.delete(accountId);
      }
    }
  }

  async #startAccount(accountId: string, aws: AwsClients): Promise<void> {
    const sink = this.#sink;
    if (!sink || !this.#running) return;
    const {
      home: _home,
      clientsOf: _clientsOf,
      accountsIntervalMs: _i,
      log,
      ...rest
    } = this.#options;
    const source = new SqsDriftEventSource({
      ...rest,
      aws,
      log: log.child({ account: accountId }),
    });
    const extra = accountId === this.#own ? [HOME_EVENTS_REGION] : [];
    const view: RegionEventSink = {
      deliver: (event) => sink.deliver({ ...event, accountId }),
      heartbeat: (region, at) => sink.heartbeat({ accountId, region }, at),
      malformed: (region, reason) => sink.malformed({ accountId, region }, reason),
      regions: () => regionsIn(sink.locations(), accountId, extra),
    };
    await source.start(view);
    if (!this.#running) {
      await source.stop();
      return;
    }
    // The session may act elsewhere than asked (a role of another account): its events
    // would be credited to the wrong account. Refused, and said.
    if (source.accountId() !== accountId) {
      await source.stop();
      throw new Error(`its clients act in account ${source.accountId()}, not ${accountId}`);
    }
    this.#sources.set(accountId, source);
  }
}
