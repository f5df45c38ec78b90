// A typed client for the strict local AWS's control API (/_strict/ on the AWS endpoint;
// test/strict-aws/strict_aws/control.py). Tests use it to shorten or lengthen windows
// for their account, inject faults and throttling, hold bucket names for "another
// account", and read what replication did. docs/local-aws.md lists the rules.
import { stackInfo } from './kube.ts';

/** Windows and quotas; the server's defaults are AWS-like (docs/local-aws.md). */
export interface StrictSettings {
  /** After CreateRole / PutRolePolicy / UpdateAssumeRolePolicy (default 3). */
  iamPropagationSeconds?: number;
  /** After CreateKey: calls naming the key answer NotFoundException (default 2). */
  kmsVisibilitySeconds?: number;
  /** After enabling versioning: PutBucketReplication still refuses (default 2). */
  versioningPropagationSeconds?: number;
  /** Before an object is replicated (default 0.2). */
  replicationDelaySeconds?: number;
  /** Before CloudTrail hands a call's event to EventBridge (default 1). */
  eventDeliverySeconds?: number;
  /** CloudTrail trails per region per account (default 5). */
  maxTrailsPerRegion?: number;
  /** IAM roles per account (default 1000). */
  maxRolesPerAccount?: number;
}

/** Which calls a fault applies to; every field left out matches anything. */
export interface FaultMatch {
  /** IAM prefix (`s3`, `kms`, `cloudwatch` ...) or SigV4 signing name (`monitoring`). */
  service?: string;
  /** API operation name (`PutBucketTagging`). */
  operation?: string;
  account?: string;
  region?: string;
  /** A resource the call names (bucket, `bucket/key`, key id, role name, ...); globs allowed. */
  resource?: string;
}

interface FaultBase {
  match: FaultMatch;
  /** How many matching calls it applies to (default 1); null: every call until cleared. */
  count?: number | null;
}

export type FaultSpec =
  | (FaultBase & {
      effect: 'error';
      error: { code: string; message?: string; status?: number };
    })
  /** Hangs each call `seconds` (null: until the fault is cleared), then lets it through. */
  | (FaultBase & { effect: 'hang'; seconds?: number | null })
  /** Resets the connection (the client sees ECONNRESET). */
  | (FaultBase & { effect: 'reset' })
  /** The service's own throttling answer: ThrottlingException, Throttling or 503 SlowDown. */
  | (FaultBase & { effect: 'throttle' })
  /**
   * The CloudTrail event of each matching call is lost before EventBridge sees it (the call
   * itself succeeds). `match.operation` is the event name.
   */
  | (FaultBase & { effect: 'drop-delivery' })
  /** The event of each matching call reaches EventBridge `seconds` later (null: once cleared). */
  | (FaultBase & { effect: 'delay-delivery'; seconds?: number | null });

export interface Fault {
  id: string;
  effect: FaultSpec['effect'];
  match: FaultMatch;
  remaining: number | null;
  seconds: number | null;
  error: { code: string | null; message: string | null; status: number };
  hits: number;
}

export interface ReplicationRecord {
  bucket: string;
  key: string;
  versionId: string;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  ruleId: string | null;
  destinationBucket: string | null;
  /** Why replication failed (the check S3 would fail, with AWS's wording). */
  reason: string | null;
  deleteMarker: boolean;
  replicaVersionId: string | null;
  /** The account that owns the replica (the destination's with an owner override). */
  replicaOwner: string | null;
}

/** Where an event went: one rule's target. */
export interface EventDelivery {
  rule: string;
  target: string;
  /** `dead-lettered`: refused by the target, sent to the target's dead-letter queue. */
  status: 'delivered' | 'failed' | 'dead-lettered';
  /** EventBridge's error code (NO_PERMISSIONS, NO_RESOURCE, ...). */
  errorCode: string | null;
  reason: string | null;
  messageId: string | null;
}

/** An "AWS API Call via CloudTrail" event the strict local AWS emitted. */
export interface EmittedEvent {
  /** Order of emission (server-wide). */
  seq: number;
  /** The EventBridge event id. */
  id: string;
  /** CloudTrail's eventID. */
  eventID: string;
  eventName: string;
  eventSource: string;
  region: string;
  /** `dropped`: lost by a drop-delivery fault. */
  status: 'pending' | 'delivered' | 'dropped';
  emittedAt: string;
  deliveredAt: string | null;
  deliveries: EventDelivery[];
  /** The event as EventBridge delivers it (detail: the CloudTrail record). */
  event: CloudTrailEvent;
}

export interface CloudTrailEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: CloudTrailRecord;
}

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: {
    type: 'AssumedRole' | 'IAMUser' | 'Root';
    principalId: string;
    arn: string;
    accountId: string;
    accessKeyId?: string;
    userName?: string;
    sessionContext?: {
      sessionIssuer: {
        type: string;
        principalId: string;
        arn: string;
        accountId: string;
        userName: string;
      };
      attributes: { creationDate: string | null; mfaAuthenticated: string };
    };
  };
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: { accountId?: string; type: string; ARN: string }[];
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
}

/** The header that makes a request plain HTTP (aws:SecureTransport false). */
export const PLAIN_HTTP_HEADER = 'x-strict-aws-transport';

interface MiddlewareStackClient {
  middlewareStack: {
    add: (
      middleware: (
        next: (args: unknown) => Promise<unknown>,
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'build'; name: string },
    ) => void;
  };
}

/**
 * Marks every request of an AWS SDK client as sent over plain HTTP: the strict local
 * AWS then evaluates `aws:SecureTransport` as false (the endpoint stands for HTTPS
 * otherwise). Returns the client.
 */
export function overPlainHttp<C>(client: C): C {
  (client as MiddlewareStackClient).middlewareStack.add(
    (next) => async (args) => {
      const request = (args as { request?: { headers?: Record<string, string> } }).request;
      if (request?.headers) request.headers[PLAIN_HTTP_HEADER] = 'http';
      return next(args);
    },
    { step: 'build', name: 'strictAwsPlainHttp' },
  );
  return client;
}

function snake(settings: StrictSettings): Record<string, number> {
  return Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [
      k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      v,
    ]),
  );
}

function camel(settings: Record<string, number>): StrictSettings {
  return Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [
      k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  ) as StrictSettings;
}

export class StrictAwsError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'StrictAwsError';
    this.status = status;
  }
}

export class StrictAws {
  readonly endpoint: string;
  constructor(endpoint: string) {
    this.endpoint = endpoint.replace(/\/$/, '');
  }

  async #call<T>(
    method: string,
    path: string,
    body?: unknown,
    okStatuses = [200, 201],
  ): Promise<T> {
    const response = await fetch(`${this.endpoint}/_strict${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json()) as T & { error?: string };
    if (!okStatuses.includes(response.status)) {
      throw new StrictAwsError(response.status, payload.error ?? `HTTP ${response.status}`);
    }
    return payload;
  }

  /** Server-wide windows and quotas (every account without its own). */
  async configure(settings: StrictSettings): Promise<void> {
    await this.#call('PUT', '/config', snake(settings));
  }

  /** Windows and quotas for one account only; returns what is in force there. */
  async configureAccount(accountId: string, settings: StrictSettings): Promise<StrictSettings> {
    return camel(await this.#call('PUT', `/accounts/${accountId}/config`, snake(settings)));
  }

  async settings(accountId: string): Promise<StrictSettings> {
    return camel(await this.#call('GET', `/accounts/${accountId}/config`));
  }

  /** Ends every window of the account now, as if a person had waited. */
  async settle(accountId: string): Promise<void> {
    await this.#call('POST', `/accounts/${accountId}/settle`);
  }

  /** Forgets the account's strict state (windows, settings, records, its faults). */
  async reset(accountId: string): Promise<void> {
    await this.#call('POST', `/accounts/${accountId}/reset`);
  }

  /** Replication records of the account: of one object (latest version, or the one given), or of a bucket. */
  async replication(
    accountId: string,
    where: { bucket?: string; key?: string; versionId?: string } = {},
  ): Promise<ReplicationRecord[]> {
    const query = new URLSearchParams(
      Object.entries(where).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const out = await this.#call<{ records: ReplicationRecord[] }>(
      'GET',
      `/accounts/${accountId}/replication?${query}`,
    );
    return out.records;
  }

  /** Waits until the replication queue (of the account) is empty; false on timeout. */
  async drainReplication(
    options: { accountId?: string; timeoutSeconds?: number } = {},
  ): Promise<boolean> {
    return this.#drain('/replication/drain', options);
  }

  /** Turns CloudTrail event emission on or off for one account (on by default). */
  async emitEvents(accountId: string, enabled: boolean): Promise<void> {
    await this.#call('PUT', `/accounts/${accountId}/events`, { enabled });
  }

  /** The events emitted for the account (after `after`, a seq), optionally by name or source. */
  async events(
    accountId: string,
    where: { after?: number; eventName?: string; eventSource?: string } = {},
  ): Promise<EmittedEvent[]> {
    const query = new URLSearchParams(
      Object.entries(where)
        .filter((e) => e[1] !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    );
    const out = await this.#call<{ events: EmittedEvent[] }>(
      'GET',
      `/accounts/${accountId}/events?${query}`,
    );
    return out.events;
  }

  /** Waits until no event (of the account) waits for delivery; false on timeout. */
  async drainEvents(
    options: { accountId?: string; timeoutSeconds?: number } = {},
  ): Promise<boolean> {
    return this.#drain('/events/drain', options);
  }

  /** POSTs a drain that answers 200 (drained) or 504 (timed out). */
  async #drain(
    path: string,
    options: { accountId?: string; timeoutSeconds?: number },
  ): Promise<boolean> {
    const query = new URLSearchParams({
      timeoutSeconds: String(options.timeoutSeconds ?? 30),
      ...(options.accountId ? { account: options.accountId } : {}),
    });
    const out = await this.#call<{ drained: boolean }>(
      'POST',
      `${path}?${query}`,
      undefined,
      [200, 504],
    );
    return out.drained;
  }

  async addFault(spec: FaultSpec): Promise<Fault> {
    return this.#call('POST', '/faults', spec);
  }

  async faults(): Promise<Fault[]> {
    return (await this.#call<{ faults: Fault[] }>('GET', '/faults')).faults;
  }

  /** Clears one fault (a hang it holds ends), or all of an account's, or all. */
  async clearFaults(which: { id?: string; accountId?: string } = {}): Promise<number> {
    if (which.id)
      return (await this.#call<{ cleared: number }>('DELETE', `/faults/${which.id}`)).cleared;
    const query = which.accountId ? `?account=${which.accountId}` : '';
    return (await this.#call<{ cleared: number }>('DELETE', `/faults${query}`)).cleared;
  }

  /** The bucket name is held by "another account" in `region`. */
  async holdForeignBucket(bucket: string, region: string): Promise<void> {
    await this.#call('PUT', `/foreign-buckets/${bucket}`, { region });
  }

  async releaseForeignBucket(bucket: string): Promise<void> {
    await this.#call('DELETE', `/foreign-buckets/${bucket}`);
  }
}

/** The control API of the stack's strict local AWS. */
export function strictAws(endpoint = stackInfo().awsEndpoint): StrictAws {
  return new StrictAws(endpoint);
}
