// The alert topic: an SNS topic encrypted with a customer-managed key. CloudWatch alarms
// publish to it; without a key policy that lets cloudwatch.amazonaws.com use the key,
// an encrypted topic silently drops every alarm (CloudWatch cannot encrypt the message),
// so the key policy is part of what Seawall owns and corrects.
//
// The topic is a ManagedResource (read: GetTopicAttributes and its tags; created with its
// attributes and the owner tag in one CreateTopic; deleted with DeleteTopic, which takes
// its subscriptions with it). Its facets: the attributes Seawall owns (key, display name,
// policy), answered by the lifecycle's GetTopicAttributes, and the subscription list
// (subscriptions.ts).
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  SetTopicAttributesCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { type FacetChain, link } from '../chain.ts';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, type FieldDiff } from '../facet.ts';
import {
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
  statementSetsEqual,
} from '../iam/policy-document.ts';
import type { ManagedResource } from '../lifecycle.ts';
import { type TagMap, tagsFromKeyValue, tagsToKeyValue } from '../ownership.ts';
import { type SubscriptionSpec, subscriptionsFacet } from './subscriptions.ts';

/** What a person sees as the sender of e-mail notifications. */
export const TOPIC_DISPLAY_NAME = 'Seawall alerts';

export function topicArn(partition: string, region: string, accountId: string, name: string) {
  return `arn:${partition}:sns:${region}:${accountId}:${name}`;
}

/** A topic ARN's parts: `arn:<partition>:sns:<region>:<account>:<name>`. */
export function topicArnParts(arn: string): { region: string; accountId: string; name: string } {
  const [, , , region = '', accountId = '', name = ''] = arn.split(':');
  return { region, accountId, name };
}

/**
 * The grants a topic key needs beyond the account-root statement (src/aws/kms/key-policy.ts
 * adds that one): CloudWatch must get a data key to encrypt the alarm message it
 * publishes ("CloudWatch alarm actions to encrypted topics").
 */
export function topicKeyGrants(): PolicyStatement[] {
  return [
    {
      Sid: 'SeawallCloudWatchAlarmsEncrypt',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    },
  ];
}

/**
 * Topic policy: the account owner may do everything (the SNS default), and CloudWatch may
 * publish on behalf of this account only (aws:SourceAccount closes the confused deputy).
 */
export function topicPolicy(arn: string, accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountOwnerFullAccess',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
      {
        Sid: 'AllowCloudWatchAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'SNS:Publish',
        Resource: arn,
        Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      },
    ],
  };
}

/** Which topic (its ARN names its region, account and name), and what it is made with. */
export interface TopicRef {
  sns: SNSClient;
  arn: string;
  /** The key it is encrypted with (ARN; SNS returns it as it was set). */
  keyArn: string;
  /**
   * Status records this topic: it is ours by record, and its tags are not read (a steady
   * state spends no call on them). Never set for a topic being deleted: `retire` must see
   * the owner tag.
   */
  recorded?: boolean;
}

export interface FoundTopic {
  /** GetTopicAttributes' answer, or the attributes CreateTopic was given. */
  attributes: Record<string, string>;
  /** Its tags (empty when status records it: they were not read). */
  tags: TagMap;
}

/** The attributes Seawall owns on a topic it created. */
export interface TopicAttributes {
  KmsMasterKeyId: string;
  DisplayName: string;
  Policy: PolicyDocument;
}

/** Pure: what the topic's attributes should be. */
export function desiredTopic(ref: Pick<TopicRef, 'arn' | 'keyArn'>): TopicAttributes {
  return {
    KmsMasterKeyId: ref.keyArn,
    DisplayName: TOPIC_DISPLAY_NAME,
    Policy: topicPolicy(ref.arn, topicArnParts(ref.arn).accountId),
  };
}

/** Pure: SNS's attribute map (strings) in the shape Seawall compares. */
export function observedTopic(attributes: Record<string, string>): Partial<TopicAttributes> {
  return {
    ...(attributes.KmsMasterKeyId ? { KmsMasterKeyId: attributes.KmsMasterKeyId } : {}),
    DisplayName: attributes.DisplayName ?? '',
    ...(attributes.Policy ? { Policy: parsePolicy(attributes.Policy) } : {}),
  };
}

/** Pure: each owned attribute; the policy's statements compare as a set, as JSON semantics. */
export function diffTopic(
  desired: TopicAttributes,
  observed: Partial<TopicAttributes>,
): FieldDiff[] {
  const { Policy: wantedPolicy, ...attributes } = desired;
  const diffs = diffFields(attributes, {
    KmsMasterKeyId: observed.KmsMasterKeyId,
    DisplayName: observed.DisplayName,
  });
  // Seawall owns the whole topic policy.
  const policy = observed.Policy;
  if (!policy || !statementSetsEqual(wantedPolicy.Statement, policy.Statement ?? [])) {
    diffs.push({ field: 'Policy', expected: wantedPolicy, observed: policy });
  }
  return diffs;
}

/** What SNS's attribute map holds for these attributes (the policy as JSON). */
function attributeValues(attributes: TopicAttributes): Record<keyof TopicAttributes, string> {
  return {
    KmsMasterKeyId: attributes.KmsMasterKeyId,
    DisplayName: attributes.DisplayName,
    Policy: JSON.stringify(attributes.Policy),
  };
}

function isNotFound(error: unknown): boolean {
  return isAwsError(error, 'NotFound', 'NotFoundException');
}

async function readAttributes(
  sns: SNSClient,
  arn: string,
): Promise<Record<string, string> | undefined> {
  try {
    const out = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    return out.Attributes ?? {};
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export const snsTopic: ManagedResource<TopicRef, FoundTopic> = {
  type: 'SNS topic',
  facetName: 'topic',
  calls: [
    'sns:GetTopicAttributes',
    'sns:ListTagsForResource',
    'sns:CreateTopic',
    'sns:DeleteTopic',
  ],
  identify: (ref) => {
    const { name, region } = topicArnParts(ref.arn);
    return `SNS topic ${name} in ${region}`;
  },
  resourceName: (ref) => ref.arn,
  async read(ref) {
    const attributes = await readAttributes(ref.sns, ref.arn);
    if (!attributes) return undefined;
    if (ref.recorded) return { attributes, tags: {} };
    const { Tags } = await ref.sns.send(new ListTagsForResourceCommand({ ResourceArn: ref.arn }));
    return { attributes, tags: tagsFromKeyValue(Tags) };
  },
  tagsOf: (found) => found.tags,
  recorded: (ref) => ref.recorded === true,
  async create(ref, tags) {
    // Attributes and tags in the one call: the topic is never unencrypted or untagged.
    const attributes = attributeValues(desiredTopic(ref));
    await ref.sns.send(
      new CreateTopicCommand({
        Name: topicArnParts(ref.arn).name,
        Attributes: attributes,
        Tags: tagsToKeyValue(tags),
      }),
    );
    return { attributes, tags };
  },
  planned: (ref, tags) => ({
    region: topicArnParts(ref.arn).region,
    encryptedWith: ref.keyArn,
    displayName: TOPIC_DISPLAY_NAME,
    tags,
  }),
  placeholder: () => ({ attributes: {}, tags: {} }),
  async delete(ref) {
    try {
      // Its subscriptions go with it.
      await ref.sns.send(new DeleteTopicCommand({ TopicArn: ref.arn }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },
};

/** What the topic's facets work on: the topic as the lifecycle read (or created) it. */
export interface TopicContext {
  sns: SNSClient;
  arn: string;
  keyArn: string;
  found: FoundTopic;
}

/** topic.attributes: the key, the display name and the whole topic policy. */
export const topicAttributesFacet: Facet<
  TopicContext,
  Partial<TopicAttributes>,
  TopicAttributes
> = {
  name: 'topic.attributes',
  calls: ['sns:SetTopicAttributes'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => observedTopic(ctx.found.attributes),
  desired: (ctx) => desiredTopic(ctx),
  diff: diffTopic,
  async apply(ctx, desired, observed) {
    const values = attributeValues(desired);
    // SNS sets one attribute a call.
    for (const { field } of diffTopic(desired, observed)) {
      await ctx.sns.send(
        new SetTopicAttributesCommand({
          TopicArn: ctx.arn,
          AttributeName: field,
          AttributeValue: values[field as keyof TopicAttributes],
        }),
      );
    }
  },
};

/** A topic Seawall created, and the subscriptions the spec lists. */
export interface OwnedTopicInput extends TopicContext {
  subscriptions: SubscriptionSpec[];
}

/** The facets of a topic Seawall created, in order: its attributes, then its subscription list. */
export const ownedTopicChain: FacetChain<OwnedTopicInput> = [
  link(topicAttributesFacet, (input) => input),
  link(subscriptionsFacet, (input) => ({
    sns: input.sns,
    topicArn: input.arn,
    subscriptions: input.subscriptions,
    ownsTopic: true,
  })),
];

/** Pure: the subscription counts SNS keeps in a topic's attributes. */
export function subscriptionCounts(attributes: Record<string, string>): {
  confirmed?: number;
  pending?: number;
} {
  const count = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const confirmed = count(attributes.SubscriptionsConfirmed);
  const pending = count(attributes.SubscriptionsPending);
  return {
    ...(confirmed !== undefined ? { confirmed } : {}),
    ...(pending !== undefined ? { pending } : {}),
  };
}
