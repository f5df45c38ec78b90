// A region that does not answer must not take every worker with it. Each call has a
// deadline (connection and request timeouts on the HTTP handler); once a call to a
// region has timed out or could not connect, further calls to that region fail at once
// with AwsUnreachable for a cool-down, so objects in other regions keep reconciling and
// the objects that need the silent region say so in status within seconds. After the
// cool-down the next call goes through as a probe: success closes the breaker.

/**
 * Network failures that mean "AWS did not answer", as Node and the SDK name them. A reset
 * or broken connection is not among them: something answered, and one dropped call must
 * not pause a whole region.
 */
const UNANSWERED = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'NetworkingError',
]);

/** Connections that were made and then dropped (the SDK names them TimeoutError too). */
const DROPPED = new Set(['ECONNRESET', 'EPIPE']);

export function isUnanswered(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; code?: string };
  if (DROPPED.has(e.code ?? '')) return false;
  return UNANSWERED.has(e.name ?? '') || UNANSWERED.has(e.code ?? '');
}

/** Thrown instead of calling a region that did not answer a moment ago. */
export class AwsUnreachableError extends Error {
  readonly region: string;
  readonly endpoint: string;
  constructor(region: string, endpoint: string, message: string) {
    super(message);
    this.name = 'AwsUnreachable';
    this.region = region;
    this.endpoint = endpoint;
  }
}

interface Outage {
  since: number;
  /** Calls fail fast until then; after it, one goes through as a probe. */
  retryAt: number;
  lastError: string;
}

export interface RegionHealthChange {
  region: string;
  reachable: boolean;
  endpoint: string;
  error?: string;
}

export class RegionHealth {
  readonly coolDownMs: number;
  readonly #now: () => number;
  readonly #outages = new Map<string, Outage>();
  readonly #listeners: ((change: RegionHealthChange) => void)[] = [];

  constructor(options: { coolDownMs?: number; now?: () => number } = {}) {
    this.coolDownMs = options.coolDownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  onChange(listener: (change: RegionHealthChange) => void): void {
    this.#listeners.push(listener);
  }

  /** Regions that did not answer, with since when and the last error. */
  unreachable(): { region: string; since: Date; lastError: string }[] {
    return [...this.#outages].map(([region, o]) => ({
      region,
      since: new Date(o.since),
      lastError: o.lastError,
    }));
  }

  /** Throws AwsUnreachableError while the region is cooling down. */
  admit(region: string, endpoint: string): void {
    const outage = this.#outages.get(region);
    if (!outage || this.#now() >= outage.retryAt) return;
    const seconds = Math.round((this.#now() - outage.since) / 1000);
    throw new AwsUnreachableError(
      region,
      endpoint,
      `AWS in ${region} (${endpoint}) has not answered for ${seconds} s (${outage.lastError}); calls to ${region} are paused until ${new Date(outage.retryAt).toISOString()}`,
    );
  }

  succeeded(region: string, endpoint: string): void {
    if (!this.#outages.delete(region)) return;
    for (const listener of this.#listeners) listener({ region, reachable: true, endpoint });
  }

  failed(region: string, endpoint: string, error: unknown): void {
    if (!isUnanswered(error)) return;
    const now = this.#now();
    const previous = this.#outages.get(region);
    const lastError = `${(error as { name?: string }).name ?? 'Error'}: ${(error as Error).message ?? ''}`;
    this.#outages.set(region, {
      since: previous?.since ?? now,
      retryAt: now + this.coolDownMs,
      lastError,
    });
    if (!previous) {
      for (const listener of this.#listeners)
        listener({ region, reachable: false, endpoint, error: lastError });
    }
  }
}
