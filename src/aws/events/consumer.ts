// The drift-event source on AWS (ADR 70): per region where Seawall's objects live, it
// ensures the rule and the queues (and corrects them on a timer and whenever an event
// names them), long-polls the queue, and hands each CloudTrail event to the operator.
// A message is deleted only once the drift checks it asked for ran; Seawall's own calls
// are the heartbeat (and a TagQueue on its own queue makes one when Seawall is idle);
// a message that is no event is never deleted, so SQS moves it to the DLQ after
// maxReceiveCount receives — a poison message never loops.

import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Logger } from 'pino';
import type { Delivery, DriftEvent } from '../../runtime/drift-events.ts';
import type { AwsClients } from '../clients.ts';
import { isOwnCall, parseCloudTrailEvent } from './cloudtrail-event.ts';
import { ensureRegionEvents, type RegionEvents } from './infrastructure.ts';
import { EVENTS_DLQ, EVENTS_QUEUE } from './queue.ts';
import { EVENTS_RULE } from './rule.ts';

export const HEARTBEAT_TAG = 'seawall.dev/heartbeat';

/**
 * What one account's source hands events to: the operator's sink seen from one account
 * (AccountDriftEventSources adds the account to what it hears).
 */
export interface RegionEventSink {
  deliver(event: DriftEvent): Promise<Delivery>;
  heartbeat(region: string, at: Date): void;
  malformed(region: string, reason: string): void;
  /** The regions of this account whose events Seawall needs. */
  regions(): string[];
}

export interface SqsDriftEventSourceOptions {
  aws: AwsClients;
  log: Logger;
  /**
   * How often the queues and rules are checked for drift (default 1 h): a change to them
   * raises an event of its own, which corrects them at once; this is the backstop.
   */
  ensureIntervalMs?: number;
  /** How often the regions objects live in are looked at, to set up new ones (default 5 s). */
  regionsIntervalMs?: number;
  /** How often an idle Seawall makes its own event, to prove events flow (default 5 min). */
  heartbeatIntervalMs?: number;
  /** SQS long-poll wait (default 20 s, the longest SQS allows). */
  waitTimeSeconds?: number;
  /** Messages being checked at once, per region (default 100). */
  maxInFlight?: number;
}

interface RegionConsumer {
  events: RegionEvents;
  loop: Promise<void>;
  /** Receipt handles of messages received and not yet deleted or released. */
  held: Set<string>;
}

/** The drift events of one AWS account: the account its clients act in. */
export class SqsDriftEventSource {
  readonly #options: SqsDriftEventSourceOptions;
  readonly #regions = new Map<string, RegionConsumer>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #abort = new AbortController();
  #sink: RegionEventSink | undefined;
  #accountId = '';
  #own = '';
  #running = false;
  #ensuring = false;

  constructor(options: SqsDriftEventSourceOptions) {
    this.#options = options;
  }

  async start(sink: RegionEventSink): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#sink = sink;
    const { Account, Arn } = await this.#options.aws.sts().send(new GetCallerIdentityCommand({}));
    this.#accountId = Account ?? '';
    this.#own = Arn ?? '';
    await this.#ensureRegions();
    const ensureTimer = setInterval(() => {
      void this.#ensureRegions(true);
    }, this.#options.ensureIntervalMs ?? 3_600_000);
    const heartbeatTimer = setInterval(() => {
      void this.#heartbeat();
    }, this.#options.heartbeatIntervalMs ?? 300_000);
    // New regions (an object in a region not listened to yet) are set up within seconds:
    // the region list is in memory, so looking costs no call.
    const regionsTimer = setInterval(() => {
      void this.#ensureRegions();
    }, this.#options.regionsIntervalMs ?? 5_000);
    ensureTimer.unref();
    heartbeatTimer.unref();
    regionsTimer.unref();
    this.#timers.push(ensureTimer, heartbeatTimer, regionsTimer);
    await this.#heartbeat();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const timer of this.#timers) clearInterval(timer);
    // A long poll in flight is waited for (at most waitTimeSeconds, and a few seconds
    // more): aborting it would not stop SQS from handing it messages, which nobody would
    // then see until the visibility timeout. Past that, it is abandoned.
    const loops = Promise.allSettled([...this.#regions.values()].map((r) => r.loop));
    const grace = ((this.#options.waitTimeSeconds ?? 20) + 5) * 1000;
    const timer = setTimeout(() => this.#abort.abort(), grace);
    await loops;
    clearTimeout(timer);
    // What this process received and did not finish is released at once: the next
    // process (a restart, the new leader) takes it without waiting out the visibility
    // timeout. Best effort: what is not released shows again after the timeout.
    await Promise.allSettled(
      [...this.#regions.values()].flatMap(({ events, held }) =>
        [...held].map((handle) =>
          this.#options.aws.sqs(events.region).send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: events.queueUrl,
              ReceiptHandle: handle,
              VisibilityTimeout: 0,
            }),
          ),
        ),
      ),
    );
  }

  /** The account its clients act in, once started. */
  accountId(): string {
    return this.#accountId;
  }

  /** The queue URL of a region, once set up (tests, benchmarks). */
  queueUrl(region: string): string | undefined {
    return this.#regions.get(region)?.events.queueUrl;
  }

  /** Sets up new regions; with `correct`, checks the existing ones' queues and rule too. */
  async #ensureRegions(correct = false): Promise<void> {
    const sink = this.#sink;
    if (!sink || !this.#running || this.#ensuring) return;
    this.#ensuring = true;
    try {
      await this.#ensureEach(sink, correct);
    } finally {
      this.#ensuring = false;
    }
  }

  async #ensureEach(sink: RegionEventSink, correct: boolean): Promise<void> {
    for (const region of sink.regions()) {
      const known = this.#regions.get(region);
      if (known && !correct) continue;
      try {
        const events = await ensureRegionEvents(
          this.#options.aws,
          region,
          this.#accountId,
          known ? 'correct' : 'converge',
        );
        if (events.drift.length > 0) {
          this.#options.log.info(
            { region, items: events.drift.map((d) => `${d.facet}.${d.field}`) },
            'drift events: corrected the queue or rule',
          );
        }
        if (!known) {
          const held = new Set<string>();
          this.#regions.set(region, { events, held, loop: this.#poll(region, events, held) });
          this.#options.log.info({ region, queue: events.queueUrl }, 'drift events: listening');
        }
      } catch (error) {
        this.#options.log.error(
          { err: error, region },
          'drift events: cannot set up the rule and queue; drift there is found by polling',
        );
      }
    }
  }

  async #heartbeat(): Promise<void> {
    for (const [region, { events }] of this.#regions) {
      try {
        await this.#options.aws.sqs(region).send(
          new TagQueueCommand({
            QueueUrl: events.queueUrl,
            Tags: { [HEARTBEAT_TAG]: new Date().toISOString() },
          }),
        );
      } catch (error) {
        this.#options.log.warn({ err: error, region }, 'drift events: heartbeat call failed');
      }
    }
  }

  async #poll(region: string, events: RegionEvents, held: Set<string>): Promise<void> {
    const sqs = this.#options.aws.sqs(region);
    const inFlight = new Set<Promise<void>>();
    const max = this.#options.maxInFlight ?? 100;
    while (this.#running) {
      if (inFlight.size >= max) {
        await Promise.race(inFlight);
        continue;
      }
      let messages: Message[] = [];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: events.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.#options.waitTimeSeconds ?? 20,
          }),
          { abortSignal: this.#abort.signal },
        );
        messages = out.Messages ?? [];
        if (!this.#running) {
          // Stopping: not handled here; released below (stop) for the next process.
          for (const message of messages) held.add(message.ReceiptHandle ?? '');
          return;
        }
      } catch (error) {
        if (!this.#running) return;
        this.#options.log.warn({ err: error, region }, 'drift events: receive failed');
        await new Promise((r) => setTimeout(r, 1000).unref());
        continue;
      }
      for (const message of messages) {
        const handle = message.ReceiptHandle ?? '';
        held.add(handle);
        const handled: Promise<void> = this.#handle(region, events, message)
          .then((done) => {
            if (done) held.delete(handle);
          })
          .catch((error: unknown) => {
            // Left in the queue: it shows again after the visibility timeout.
            this.#options.log.warn({ err: error, region }, 'drift events: a message failed');
          })
          .finally(() => inFlight.delete(handled));
        inFlight.add(handled);
      }
    }
  }

  /** True once the message is deleted or released; false when it is left for later. */
  async #handle(region: string, events: RegionEvents, message: Message): Promise<boolean> {
    const sink = this.#sink;
    if (!sink) return false;
    const parsed = parseCloudTrailEvent(message.Body ?? '');
    if (!parsed.ok) {
      // Never deleted: made visible again at once, so after maxReceiveCount receives SQS
      // moves it to the DLQ (it will not parse better later), where a person can read it.
      sink.malformed(region, parsed.reason);
      await this.#options.aws.sqs(region).send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: events.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      return true;
    }
    const event = parsed.event;
    this.#options.log.debug(
      { region, event: event.cause.eventName, by: event.principal, ids: event.ids },
      'drift events: received',
    );
    if (isOwnCall(event, this.#own)) {
      sink.heartbeat(event.region || region, new Date(event.cause.eventTime));
    } else if (
      event.ids.some((id) => id === EVENTS_QUEUE || id === EVENTS_DLQ || id === EVENTS_RULE)
    ) {
      // Someone changed the queue or rule: put it back now, not at the next timer.
      await ensureRegionEvents(this.#options.aws, region, this.#accountId, 'correct');
    } else {
      if (!this.#running) return false;
      await sink.deliver(event);
    }
    // Stopped while the check ran: not deleted (the check may not have run); released.
    if (!this.#running) return false;
    await this.#options.aws.sqs(region).send(
      new DeleteMessageCommand({
        QueueUrl: events.queueUrl,
        ReceiptHandle: message.ReceiptHandle,
      }),
    );
    return true;
  }
}
