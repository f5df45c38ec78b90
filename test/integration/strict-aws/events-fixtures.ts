// Shared by the tests of CloudTrail events, EventBridge rules and SQS queues on the strict
// local AWS: a logging trail (with the log bucket CloudTrail accepts), queues with the
// policies EventBridge needs (or not), rules that target them, and reading a queue.
import {
  CreateTrailCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  type RuleState,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Identity, TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import type { CloudTrailEvent } from '../../harness/strict-aws.ts';
import { policy, type Statement } from './fixtures.ts';

export function sqsOf(identity: Identity, endpoint: string, region = 'us-east-1'): SQSClient {
  return new SQSClient({ endpoint, region, credentials: identity.credentials, maxAttempts: 1 });
}

export function eventsOf(
  identity: Identity,
  endpoint: string,
  region = 'us-east-1',
): EventBridgeClient {
  return new EventBridgeClient({
    endpoint,
    region,
    credentials: identity.credentials,
    maxAttempts: 1,
  });
}

/**
 * A trail of the account that is logging (multi-region unless `region` pins it), writing
 * to a log bucket whose policy lets CloudTrail write. Returns its name.
 */
export async function loggingTrail(
  account: TestAccount,
  options: {
    region?: string;
    multiRegion?: boolean;
    includeGlobalServiceEvents?: boolean;
    start?: boolean;
  } = {},
): Promise<string> {
  const region = options.region ?? 'us-east-1';
  const name = uniqueName('audit');
  const bucket = uniqueName('strict-trail-logs');
  const trailArn = `arn:aws:cloudtrail:${region}:${account.accountId}:trail/${name}`;
  const s3 = account.admin.clients.s3(region);
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: policy(
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: `arn:aws:s3:::${bucket}`,
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account.accountId}/*`,
          Condition: {
            StringEquals: {
              's3:x-amz-acl': 'bucket-owner-full-control',
              'aws:SourceArn': trailArn,
            },
          },
        },
      ),
    }),
  );
  const cloudtrail = account.admin.clients.cloudtrail(region);
  await cloudtrail.send(
    new CreateTrailCommand({
      Name: name,
      S3BucketName: bucket,
      IsMultiRegionTrail: options.multiRegion ?? true,
      IncludeGlobalServiceEvents: options.includeGlobalServiceEvents ?? true,
    }),
  );
  if (options.start !== false) await cloudtrail.send(new StartLoggingCommand({ Name: name }));
  return name;
}

export async function stopLogging(account: TestAccount, trail: string, region = 'us-east-1') {
  await account.admin.clients.cloudtrail(region).send(new StopLoggingCommand({ Name: trail }));
}

export async function startLogging(account: TestAccount, trail: string, region = 'us-east-1') {
  await account.admin.clients.cloudtrail(region).send(new StartLoggingCommand({ Name: trail }));
}

export interface Queue {
  url: string;
  arn: string;
  name: string;
}

/** A queue made by the account's person; `attributes` as SQS takes them (Policy, KmsMasterKeyId, ...). */
export async function makeQueue(
  account: TestAccount,
  options: { name?: string; region?: string; attributes?: Record<string, string> } = {},
): Promise<Queue> {
  const sqs = sqsOf(account.admin, account.endpoint, options.region);
  const name = options.name ?? uniqueName('events');
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      ...(options.attributes ? { Attributes: options.attributes } : {}),
    }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl ?? '', arn: Attributes?.QueueArn ?? '', name };
}

/** The queue policy statement that lets a rule (or any rule of the account) send to a queue. */
export function eventBridgeMaySend(queueArn: string, ruleArn: string): Statement {
  return {
    Sid: 'EventBridgeSends',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
  };
}

/** The ARN PutRule will give a rule on the default bus. */
export function ruleArnOf(account: TestAccount, name: string, region = 'us-east-1'): string {
  return `arn:aws:events:${region}:${account.accountId}:rule/${name}`;
}

/**
 * A rule on the default bus sending what `pattern` matches to `target` (the queue ARN, or a
 * whole target), made by the account's person.
 */
export async function ruleTo(
  account: TestAccount,
  options: {
    name?: string;
    pattern: unknown;
    target: string | Omit<Target, 'Id'>;
    state?: RuleState;
    region?: string;
  },
): Promise<string> {
  const events = eventsOf(account.admin, account.endpoint, options.region);
  const name = options.name ?? uniqueName('drift');
  const { RuleArn } = await events.send(
    new PutRuleCommand({
      Name: name,
      EventPattern: JSON.stringify(options.pattern),
      State: options.state ?? 'ENABLED',
    }),
  );
  const target = typeof options.target === 'string' ? { Arn: options.target } : options.target;
  await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'queue', ...target }] }));
  return RuleArn ?? '';
}

/** A queue EventBridge may send to from the rule `ruleName` (which need not exist yet). */
export async function queueForRule(
  account: TestAccount,
  ruleName: string,
  options: { region?: string; attributes?: Record<string, string> } = {},
): Promise<Queue> {
  const name = uniqueName('events');
  const region = options.region ?? 'us-east-1';
  const arn = `arn:aws:sqs:${region}:${account.accountId}:${name}`;
  return makeQueue(account, {
    name,
    region,
    attributes: {
      Policy: policy(eventBridgeMaySend(arn, ruleArnOf(account, ruleName, region))),
      ...options.attributes,
    },
  });
}

export interface Received {
  body: string;
  attributes: Record<string, string>;
}

/** Every message in the queue now (received and deleted), as the person reads it. */
export async function drainQueue(
  account: TestAccount,
  queue: Queue,
  region = 'us-east-1',
): Promise<Received[]> {
  const sqs = sqsOf(account.admin, account.endpoint, region);
  const out: Received[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    if (!Messages?.length) return out;
    for (const message of Messages) {
      out.push({
        body: message.Body ?? '',
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
        ),
      });
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

/** The CloudTrail events in a queue (each message body is one event). */
export async function eventsIn(
  account: TestAccount,
  queue: Queue,
  region = 'us-east-1',
): Promise<CloudTrailEvent[]> {
  return (await drainQueue(account, queue, region)).map((m) => JSON.parse(m.body));
}

/** Waits until every event of the account went to EventBridge (none in flight). */
export async function settleEvents(account: TestAccount): Promise<void> {
  if (!(await account.strict.drainEvents({ accountId: account.accountId, timeoutSeconds: 30 }))) {
    throw new Error('events still in flight after 30 s');
  }
}
