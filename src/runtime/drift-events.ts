// Event-driven drift detection, the runtime's half (ADR 70). The runtime knows no cloud:
// an event source (src/aws/events: an SQS consumer of CloudTrail events) hands it events
// that name resources; an index built from the watch says which object owns each of them;
// the controller of that kind checks the object at once. A tracker remembers when each
// location — an AWS account and a region — last proved that events flow (a heartbeat):
// while they do, an object's periodic check stretches to the backstop interval; while
// not, it stays at the drift interval. Keyed by account too (ADR 80): events flowing in
// the operator's own account say nothing about an AwsAccount's target account.
import type { DriftCause } from '../api/common.ts';
import type { AnyObject } from './kube-objects.ts';

export type { DriftCause };

/** What an object owns in AWS, as its kind declares it (`resourcesOf`). */
export interface ObjectResources {
  /** Regions whose events concern it (IAM's events arrive in us-east-1: list it for a role). */
  regions: string[];
  /** Names and ARNs of what it owns: bucket names, key ids and ARNs, role names, alarm names… */
  ids: string[];
}

/** Where events come from: one AWS account's one region. */
export interface EventLocation {
  accountId: string;
  region: string;
}

/** Pure: a location as a map key (`<account>/<region>`). */
export function locationKey(location: EventLocation): string {
  return `${location.accountId}/${location.region}`;
}

/** Pure: a location as people read it (`ca-central-1 of 111122223333`). */
export function locationName(location: EventLocation): string {
  return location.accountId ? `${location.region} of ${location.accountId}` : location.region;
}

/** An object's resources with the account they live in, as the index keeps them. */
export interface LocatedResources extends ObjectResources {
  /** '' when not known yet (the object was never reconciled): never counted as listened to. */
  accountId: string;
}

/** Pure: the locations of an object's resources. */
export function locationsOf(resources: LocatedResources): EventLocation[] {
  return resources.regions.map((region) => ({ accountId: resources.accountId, region }));
}

/** One change AWS reported, as the event source understood it. */
export interface DriftEvent {
  /** The account whose queue it came from; only objects of that account own it. */
  accountId?: string;
  region: string;
  /** The identifiers the event names (bucket name, key id and ARN, role name…). */
  ids: string[];
  cause: DriftCause;
}

export type Delivery =
  /** A drift check of each owning object ran: the event may be forgotten. */
  | 'checked'
  /** No object owns what it names: dropped at once. */
  | 'foreign';

/** What the event source hands events to (the operator). */
export interface DriftEventSink {
  /** Resolves once every owning object's drift check ran (never before). */
  deliver(event: DriftEvent): Promise<Delivery>;
  /** Events flow at `location` (one of Seawall's own calls came back as an event). */
  heartbeat(location: EventLocation, at: Date): void;
  /** A message that is no event Seawall understands: left for the dead-letter queue. */
  malformed(location: EventLocation, reason: string): void;
  /** The accounts and regions whose events Seawall needs: where its objects live. */
  locations(): EventLocation[];
}

export interface DriftEventSource {
  start(sink: DriftEventSink): Promise<void>;
  stop(): Promise<void>;
  /**
   * The operator's own account, once known: where an object that recorded no
   * status.accountId yet is taken to live. Undefined: such an object is on Polling.
   */
  ownAccountId?(): string | undefined;
}

export type DetectionMode = 'Events' | 'Polling';

export interface Detection {
  mode: DetectionMode;
  reason: string;
}

/**
 * Which objects own which identifiers, kept from the watch (add/update/delete). Lookups
 * are by exact identifier: an event names a resource as AWS does, the kind declares the
 * same names from its status.
 */
export class ResourceIndex {
  readonly #byId = new Map<string, Set<string>>();
  readonly #byKey = new Map<string, LocatedResources>();

  set(key: string, resources: LocatedResources): void {
    this.delete(key);
    this.#byKey.set(key, resources);
    for (const id of resources.ids) {
      let keys = this.#byId.get(id);
      if (!keys) {
        keys = new Set();
        this.#byId.set(id, keys);
      }
      keys.add(key);
    }
  }

  delete(key: string): void {
    const previous = this.#byKey.get(key);
    if (!previous) return;
    this.#byKey.delete(key);
    for (const id of previous.ids) {
      const keys = this.#byId.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.#byId.delete(id);
    }
  }

  /**
   * The object keys owning any of `ids`; with `accountId`, only objects of that account
   * (a key id or alarm name in one account is not the same resource in another).
   */
  owners(ids: readonly string[], accountId?: string): string[] {
    const out = new Set<string>();
    for (const id of ids) {
      for (const key of this.#byId.get(id) ?? []) {
        if (accountId === undefined || this.#byKey.get(key)?.accountId === accountId) out.add(key);
      }
    }
    return [...out];
  }

  resourcesOf(key: string): LocatedResources | undefined {
    return this.#byKey.get(key);
  }

  /** Every account and region some object lives in (objects of no known account left out). */
  locations(): EventLocation[] {
    const out = new Map<string, EventLocation>();
    for (const r of this.#byKey.values()) {
      if (!r.accountId) continue;
      for (const location of locationsOf(r)) out.set(locationKey(location), location);
    }
    return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, l]) => l);
  }

  get size(): number {
    return this.#byKey.size;
  }
}

/**
 * When each location (account and region) last proved events flow; an object is on Events
 * when all its locations are.
 */
export class HeartbeatTracker {
  readonly #last = new Map<string, number>();
  readonly #staleAfterMs: number;
  readonly #enabled: boolean;

  constructor(options: { enabled: boolean; staleAfterMs: number }) {
    this.#enabled = options.enabled;
    this.#staleAfterMs = options.staleAfterMs;
  }

  beat(location: EventLocation, at: Date): void {
    const key = locationKey(location);
    const t = at.getTime();
    if (t > (this.#last.get(key) ?? 0)) this.#last.set(key, t);
  }

  /** Pure given the beats so far: Events only when every location beat within staleAfterMs. */
  detection(locations: readonly EventLocation[], now: Date): Detection {
    if (!this.#enabled) {
      return { mode: 'Polling', reason: 'event-driven drift detection is off (--drift-events)' };
    }
    if (locations.length === 0) {
      return { mode: 'Polling', reason: 'no AWS resource of this object is known to listen for' };
    }
    if (locations.some((l) => !l.accountId)) {
      return {
        mode: 'Polling',
        reason: 'the AWS account is not known yet: drift is found by polling until it is',
      };
    }
    const silent = locations.filter((l) => !this.flowing(l, now));
    if (silent.length > 0) {
      return {
        mode: 'Polling',
        reason: `no CloudTrail event arrived from ${silent.map(locationName).join(', ')} in the last ${Math.round(this.#staleAfterMs / 60_000)} min: is a trail logging there?`,
      };
    }
    return {
      mode: 'Events',
      reason: `CloudTrail events flow from ${locations.map(locationName).join(', ')}`,
    };
  }

  flowing(location: EventLocation, now: Date): boolean {
    const last = this.#last.get(locationKey(location));
    return last !== undefined && now.getTime() - last <= this.#staleAfterMs;
  }
}

/**
 * Pure: the causes that concern a drift item's resource. A drift item names its resource
 * as an ARN or `s3://bucket`; an event names it by id: the item matches an id when the
 * resource is that id, or ends with it after `:`, `/` or `s3://`.
 */
export function causeOf(
  resource: string,
  events: readonly { ids: readonly string[]; cause: DriftCause }[],
): DriftCause | undefined {
  // The newest event that names the resource wins: it is the last change made to it.
  let best: DriftCause | undefined;
  for (const event of events) {
    const match = event.ids.some(
      (id) =>
        id !== '' &&
        (resource === id ||
          resource === `s3://${id}` ||
          resource.endsWith(`:${id}`) ||
          resource.endsWith(`/${id}`)),
    );
    if (match && (!best || event.cause.eventTime >= best.eventTime)) best = event.cause;
  }
  return best;
}

/** The resources of an object, when its kind declares them. */
export type ResourcesOf = (object: AnyObject) => ObjectResources;

/** Pure: an ARN and the name or id after its last `/` or `:` (a key ARN's key id). */
export function arnIds(arn: string | undefined): string[] {
  if (!arn) return [];
  if (!arn.startsWith('arn:')) return [arn];
  const tail = arn.split(/[/:]/).pop() ?? '';
  return tail && tail !== arn ? [arn, tail] : [arn];
}
