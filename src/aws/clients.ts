// One AWS SDK client per service and region, built lazily and shared. Credentials come
// from the SDK's default chain (IRSA, EKS Pod Identity, environment) unless given;
// AWS_ENDPOINT_URL points every service at a local emulator (moto) when set.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GlueClient } from '@aws-sdk/client-glue';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type CallObserver, isReadOperation, markFailedCall } from './calls.ts';
import { AwsUnreachableError, isUnanswered, RegionHealth } from './region-health.ts';

/** Every call has a deadline: an AWS endpoint that stops answering must not hang a worker. */
export const DEFAULT_TIMEOUTS = {
  /** TCP + TLS connect. */
  connectMs: 5_000,
  /** No byte received for this long: the request is abandoned (and retried by the SDK). */
  requestMs: 30_000,
};

export interface AwsClientsConfig {
  /** Region for global services (IAM, STS) and the default for the rest. */
  defaultRegion: string;
  /** Local emulator endpoint; default: $AWS_ENDPOINT_URL. */
  endpoint?: string | undefined;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  observers?: CallObserver[];
  /** SDK retry attempts per call (default 3). The controller's queue retries beyond that. */
  maxAttempts?: number;
  /**
   * `seawall plan`: refuse every call that is not a read (isReadOperation) before it
   * leaves the process, with a PlanWriteBlockedError naming it. Read-only by construction.
   */
  readOnly?: boolean;
  /** Connection and request deadlines of every call (default DEFAULT_TIMEOUTS). */
  timeouts?: { connectMs: number; requestMs: number };
  /** Regions that stop answering are paused for a cool-down (shared by every client). */
  regionHealth?: RegionHealth;
}

/** A write refused by a read-only AwsClients: what reconciling would have called. */
export class PlanWriteBlockedError extends Error {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  /** The resource the call names (bucket, key, role, ...), when the input says. */
  readonly resource: string | undefined;
  constructor(call: { service: string; operation: string; region: string; resource?: string }) {
    super(
      `read-only: refused ${call.service}:${call.operation}${call.resource ? ` on ${call.resource}` : ''} (${call.region})`,
    );
    this.name = 'PlanWriteBlockedError';
    this.service = call.service;
    this.operation = call.operation;
    this.region = call.region;
    this.resource = call.resource;
  }
}

/** Input fields that name the resource of a call, most specific first. */
const RESOURCE_FIELDS = [
  'Bucket',
  'AliasName',
  'TargetKeyId',
  'KeyId',
  'RoleName',
  'TopicArn',
  'SubscriptionArn',
  'AlarmName',
  'DashboardName',
  'TrailName',
  'Name',
  'JobName',
  'Key',
];

function resourceOf(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const record = input as Record<string, unknown>;
  for (const field of RESOURCE_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value) return value;
  }
  const names = record.AlarmNames;
  if (Array.isArray(names) && names.length > 0) return names.join(', ');
  return undefined;
}

interface MiddlewareClient {
  middlewareStack: {
    add: (
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority?: 'high' | 'normal' | 'low' },
    ) => void;
  };
}

type ClientConstructor<C> = new (config: {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  forcePathStyle?: boolean;
  maxAttempts?: number;
  requestHandler?: NodeHttpHandler;
}) => C;

export class AwsClients {
  readonly config: AwsClientsConfig;
  /** Writes a read-only instance refused, in order (what `plan` reports). */
  readonly blockedWrites: PlanWriteBlockedError[];
  readonly regionHealth: RegionHealth;
  readonly #cache = new Map<string, unknown>();
  #handler: NodeHttpHandler | undefined;

  constructor(config: AwsClientsConfig, shared?: { blockedWrites: PlanWriteBlockedError[] }) {
    this.config = { ...config, endpoint: config.endpoint ?? process.env.AWS_ENDPOINT_URL };
    this.regionHealth = config.regionHealth ?? new RegionHealth();
    this.blockedWrites = shared?.blockedWrites ?? [];
  }

  /**
   * The same clients acting with other credentials — an AssumeRole session in another
   * AWS account (src/aws/accounts/). Everything but the identity is shared: endpoint,
   * deadlines, read-only mode and its record of refused writes, the region breaker (a
   * silent region is silent for every account), and the observers, present and future
   * (so every account's calls are counted in the one /metrics).
   */
  withCredentials(credentials: AwsCredentialIdentityProvider): AwsClients {
    return new AwsClients(
      {
        ...this.config,
        credentials,
        regionHealth: this.regionHealth,
        observers: [
          (call) => {
            for (const observer of this.config.observers ?? []) observer(call);
          },
        ],
      },
      { blockedWrites: this.blockedWrites },
    );
  }

  /** One HTTP handler (one connection pool, one set of deadlines) for every client. */
  get #requestHandler(): NodeHttpHandler {
    if (!this.#handler) {
      const { connectMs, requestMs } = this.config.timeouts ?? DEFAULT_TIMEOUTS;
      this.#handler = new NodeHttpHandler({
        connectionTimeout: connectMs,
        // No byte for requestMs: the call is abandoned (the socket's inactivity timeout).
        socketTimeout: requestMs,
        // And no call lasts longer than ten times that, bytes or not. Without
        // throwOnRequestTimeout the SDK only warns when a request runs over.
        requestTimeout: 10 * requestMs,
        throwOnRequestTimeout: true,
      });
    }
    return this.#handler;
  }

  /** The endpoint a service's calls go to in a region, for messages. */
  endpointOf(service: string, region: string): string {
    return this.config.endpoint ?? `https://${service}.${region}.amazonaws.com`;
  }

  s3(region = this.config.defaultRegion): S3Client {
    return this.#client('s3', S3Client, region);
  }
  kms(region = this.config.defaultRegion): KMSClient {
    return this.#client('kms', KMSClient, region);
  }
  iam(): IAMClient {
    return this.#client('iam', IAMClient, 'us-east-1');
  }
  sts(): STSClient {
    return this.#client('sts', STSClient, this.config.defaultRegion);
  }
  glue(region = this.config.defaultRegion): GlueClient {
    return this.#client('glue', GlueClient, region);
  }
  cloudwatch(region = this.config.defaultRegion): CloudWatchClient {
    return this.#client('cloudwatch', CloudWatchClient, region);
  }
  cloudtrail(region = this.config.defaultRegion): CloudTrailClient {
    return this.#client('cloudtrail', CloudTrailClient, region);
  }
  sns(region = this.config.defaultRegion): SNSClient {
    return this.#client('sns', SNSClient, region);
  }

  /** Drift events (ADR 70): the queue Seawall reads CloudTrail events from. */
  sqs(region = this.config.defaultRegion): SQSClient {
    return this.#client('sqs', SQSClient, region);
  }
  /** Drift events (ADR 70): the EventBridge rule that sends them to the queue. */
  events(region = this.config.defaultRegion): EventBridgeClient {
    return this.#client('events', EventBridgeClient, region);
  }

  /** Adds an observer to every client, existing and future. */
  observe(observer: CallObserver): void {
    this.config.observers = [...(this.config.observers ?? []), observer];
  }

  #client<C>(service: string, ctor: ClientConstructor<C>, region: string): C {
    const key = `${service}/${region}`;
    const cached = this.#cache.get(key);
    if (cached) return cached as C;
    const { endpoint, credentials, maxAttempts } = this.config;
    const client = new ctor({
      region,
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      ...(credentials ? { credentials } : {}),
      maxAttempts: maxAttempts ?? 3,
      requestHandler: this.#requestHandler,
    });
    const target = this.endpointOf(service, region);
    (client as MiddlewareClient).middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const notify = (outcome: 'success' | 'error', errorCode?: string) => {
          for (const observer of this.config.observers ?? []) {
            observer({ service, operation, region, outcome, ...(errorCode ? { errorCode } : {}) });
          }
        };
        try {
          this.regionHealth.admit(region, target);
          const result = await next(args);
          this.regionHealth.succeeded(region, target);
          notify('success');
          return result;
        } catch (error) {
          // An AWS error is an answer: only silence (a timeout, no connection) opens the
          // breaker, and a refusal by the breaker itself changes nothing.
          if (isUnanswered(error)) this.regionHealth.failed(region, target, error);
          else if (!(error instanceof AwsUnreachableError))
            this.regionHealth.succeeded(region, target);
          notify('error', (error as { name?: string }).name);
          markFailedCall(error, service, operation, { region, endpoint: target });
          throw error;
        }
      },
      { step: 'initialize', name: 'seawallCallObserver' },
    );
    if (this.config.readOnly) {
      // Outermost (high priority): a refused call never reaches the observers or the wire.
      (client as MiddlewareClient).middlewareStack.add(
        (next, context) => async (args) => {
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          if (isReadOperation(operation)) return next(args);
          const resource = resourceOf((args as { input?: unknown }).input);
          const error = new PlanWriteBlockedError({
            service,
            operation,
            region,
            ...(resource ? { resource } : {}),
          });
          this.blockedWrites.push(error);
          throw error;
        },
        { step: 'initialize', name: 'seawallReadOnlyGuard', priority: 'high' },
      );
    }
    this.#cache.set(key, client);
    return client;
  }
}
