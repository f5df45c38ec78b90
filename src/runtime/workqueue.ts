// A work queue keyed `kind/namespace/name`, with client-go's guarantees:
// - a key added while it waits is queued once (duplicates merge);
// - a key is never handed to two workers at once: added while processing, it is queued
//   again only when the worker is done with it;
// - per-key exponential backoff with a cap for failures, reset by forget();
// - addAfter() for requeueAfter, keeping the earliest pending time per key.

export interface WorkQueueOptions {
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

/** What the queue reports, as client-go's workqueue metrics provider: for Prometheus. */
export interface WorkQueueObserver {
  /** A key was added (merged duplicates included). */
  added(): void;
  /** A key was handed to a worker after waiting this long since it became due. */
  waited(seconds: number): void;
  /** A key was requeued with backoff after a failure. */
  retried(): void;
}

const silentObserver: WorkQueueObserver = { added() {}, waited() {}, retried() {} };

export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #observer: WorkQueueObserver;
  /** When each dirty key became due: the start of its wait for a worker. */
  readonly #dueSince = new Map<string, number>();
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}, observer: WorkQueueObserver = silentObserver) {
    this.#baseBackoffMs = options.baseBackoffMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 300_000;
    this.#observer = observer;
  }

  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#observer.added();
    if (this.#dirty.has(key)) return;
    this.#dirty.add(key);
    this.#dueSince.set(key, performance.now());
    if (this.#processing.has(key)) return;
    this.#handOrQueue(key);
  }

  /** To a worker waiting for one, or to the back of the queue. */
  #handOrQueue(key: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#hand(key);
      waiter(key);
    } else {
      this.#queue.push(key);
    }
  }

  /** Moves a dirty key to processing, reporting how long it waited. */
  #hand(key: string): void {
    this.#dirty.delete(key);
    this.#processing.add(key);
    const since = this.#dueSince.get(key);
    this.#dueSince.delete(key);
    if (since !== undefined) this.#observer.waited((performance.now() - since) / 1000);
  }

  /** Adds the key after `delayMs`; an earlier pending addAfter for the key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** Adds the key after its next backoff delay and returns that delay. */
  addRateLimited(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.#observer.retried();
    const delay = this.backoffFor(failures);
    this.addAfter(key, delay);
    return delay;
  }

  backoffFor(failures: number): number {
    return Math.min(this.#baseBackoffMs * 2 ** failures, this.#maxBackoffMs);
  }

  /** Resets the backoff of a key that succeeded. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Waits for the next key; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#hand(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      // Added while a worker held it: due since then (its wait counts from there), queued now.
      this.#handOrQueue(key);
    }
  }

  /** Keys waiting to be processed (not counting delayed ones). */
  get length(): number {
    return this.#queue.length;
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#dueSince.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }
}
