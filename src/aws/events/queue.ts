// The drift-event queue and its dead-letter queue (ADR 70): SQS queues Seawall creates,
// owns (owner tag, set in CreateQueue) and corrects like any resource it manages. The
// queue is encrypted (SQS-managed keys: EventBridge may send to it without a key policy
// to keep), takes messages only from Seawall's rule (aws:SourceArn), and hands a message
// that was received maxReceiveCount times without being deleted to the DLQ: a poison
// message never loops.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, type FieldDiff, jsonEqual } from '../facet.ts';
import { type PolicyDocument, parsePolicy } from '../iam/policy-document.ts';
import type { ManagedResource } from '../lifecycle.ts';
import type { TagMap } from '../ownership.ts';

export const EVENTS_QUEUE = 'seawall-drift-events';
export const EVENTS_DLQ = 'seawall-drift-events-dlq';
/** Receives before a message goes to the DLQ: a check that keeps failing is retried this often. */
export const MAX_RECEIVE_COUNT = 5;
/** Long enough for a drift check to run before the message shows again. */
export const VISIBILITY_TIMEOUT_SECONDS = 300;
/** Four days, SQS's default: an operator down over a weekend loses nothing. */
export const RETENTION_SECONDS = 4 * 86_400;
/** The DLQ keeps its messages the longest SQS allows, for a person to look at. */
export const DLQ_RETENTION_SECONDS = 14 * 86_400;

export function queueArn(region: string, accountId: string, name: string, partition = 'aws') {
  return `arn:${partition}:sqs:${region}:${accountId}:${name}`;
}

export interface QueueRef {
  sqs: SQSClient;
  name: string;
  arn: string;
  /** The attributes Seawall owns on it, as SQS holds them (strings). */
  desired: Record<string, string>;
}

export interface FoundQueue {
  url: string;
  attributes: Record<string, string>;
  tags: TagMap;
}

/** Pure: the main queue's attributes. Only the rule may send; the DLQ takes what fails. */
export function eventQueueAttributes(options: {
  arn: string;
  ruleArn: string;
  dlqArn: string;
}): Record<string, string> {
  const policy: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SeawallRuleSends',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: options.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': options.ruleArn } },
      },
    ],
  };
  return {
    SqsManagedSseEnabled: 'true',
    VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
    MessageRetentionPeriod: String(RETENTION_SECONDS),
    Policy: JSON.stringify(policy),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: options.dlqArn,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    }),
  };
}

/** Pure: the DLQ's attributes. */
export function deadLetterQueueAttributes(): Record<string, string> {
  return {
    SqsManagedSseEnabled: 'true',
    MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
  };
}

/** Pure: SQS's strings compared as what they mean (a policy as a document, JSON as JSON). */
export function diffQueueAttributes(
  desired: Record<string, string>,
  observed: Record<string, string>,
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const [field, expected] of Object.entries(desired)) {
    const actual = observed[field];
    if (field === 'Policy') {
      const same = actual !== undefined && jsonEqual(parsePolicy(expected), parsePolicy(actual));
      if (!same) diffs.push({ field, expected, observed: actual });
    } else if (field === 'RedrivePolicy') {
      const parse = (s: string | undefined) => {
        try {
          const p = JSON.parse(s ?? '') as {
            deadLetterTargetArn?: string;
            maxReceiveCount?: unknown;
          };
          return {
            deadLetterTargetArn: p.deadLetterTargetArn,
            maxReceiveCount: Number(p.maxReceiveCount),
          };
        } catch {
          return undefined;
        }
      };
      if (!jsonEqual(parse(expected), parse(actual)))
        diffs.push({ field, expected, observed: actual });
    } else {
      diffs.push(...diffFields({ [field]: expected }, { [field]: actual }));
    }
  }
  return diffs;
}

async function queueUrl(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (isAwsError(error, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'))
      return undefined;
    throw error;
  }
}

export const sqsQueue: ManagedResource<QueueRef, FoundQueue> = {
  type: 'SQS queue',
  facetName: 'queue',
  calls: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:CreateQueue'],
  identify: (ref) => `SQS queue ${ref.name} (${ref.arn.split(':')[3]})`,
  resourceName: (ref) => ref.arn,
  async read(ref) {
    const url = await queueUrl(ref.sqs, ref.name);
    if (!url) return undefined;
    const { Attributes } = await ref.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    const { Tags } = await ref.sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
    return { url, attributes: Attributes ?? {}, tags: Tags ?? {} };
  },
  tagsOf: (found) => found.tags,
  async create(ref, tags) {
    // Encrypted, policed and tagged in the one call.
    const { QueueUrl } = await ref.sqs.send(
      new CreateQueueCommand({ QueueName: ref.name, Attributes: ref.desired, tags }),
    );
    return { url: QueueUrl ?? '', attributes: ref.desired, tags };
  },
  planned: (ref, tags) => ({ attributes: ref.desired, tags }),
  placeholder: (ref) => ({ url: `(new SQS queue ${ref.name})`, attributes: {}, tags: {} }),
};

export interface QueueContext {
  sqs: SQSClient;
  arn: string;
  found: FoundQueue;
  desired: Record<string, string>;
}

/** queue.attributes: encryption, policy, redrive, retention, visibility. */
export const queueAttributesFacet: Facet<QueueContext, Record<string, string>> = {
  name: 'queue.attributes',
  calls: ['sqs:SetQueueAttributes'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => ctx.found.attributes,
  desired: (ctx) => ctx.desired,
  diff: diffQueueAttributes,
  async apply(ctx, desired) {
    await ctx.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: ctx.found.url, Attributes: desired }),
    );
  },
};
