// The alert topic: an SNS topic encrypted with a customer-managed key. CloudWatch alarms
// publish to it; without a key policy that lets cloudwatch.amazonaws.com use the key,
// an encrypted topic silently drops every alarm (CloudWatch cannot encrypt the message),
// so the key policy is part of what Seawall owns and corrects.
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  SetTopicAttributesCommand,
} from '@aws-sdk/client-sns';
import { OWNER_TAG } from '../../api/common.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { AwsClients } from '../clients.ts';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, type FieldDiff } from '../facet.ts';
import {
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
  statementSetsEqual,
} from '../iam/policy-document.ts';

export function topicArn(partition: string, region: string, accountId: string, name: string) {
  return `arn:${partition}:sns:${region}:${accountId}:${name}`;
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

export interface TopicCtx {
  clients: AwsClients;
  region: string;
  arn: string;
  name: string;
  owner: string;
  /** ARN of the key Seawall created for this topic (SNS returns it as it was set). */
  keyArn: string;
  displayName: string;
  accountId: string;
}

export interface ObservedTopic {
  exists: boolean;
  KmsMasterKeyId?: string;
  DisplayName?: string;
  Policy?: unknown;
  SubscriptionsConfirmed?: number;
  SubscriptionsPending?: number;
}

export interface DesiredTopic {
  KmsMasterKeyId: string;
  DisplayName: string;
  Policy: PolicyDocument;
}

export function desiredTopic(ctx: TopicCtx): DesiredTopic {
  return {
    KmsMasterKeyId: ctx.keyArn,
    DisplayName: ctx.displayName,
    Policy: topicPolicy(ctx.arn, ctx.accountId),
  };
}

/** Pure. A missing topic is one difference; otherwise each owned attribute. */
export function diffTopic(desired: DesiredTopic, observed: ObservedTopic): FieldDiff[] {
  if (!observed.exists) return [{ field: 'Topic', expected: 'created', observed: undefined }];
  const { Policy: wantedPolicy, ...attributes } = desired;
  const diffs = diffFields(attributes, {
    KmsMasterKeyId: observed.KmsMasterKeyId,
    DisplayName: observed.DisplayName,
  });
  // Seawall owns the whole topic policy; statements compare as a set, as JSON semantics.
  const policy = observed.Policy as PolicyDocument | undefined;
  if (!policy || !statementSetsEqual(wantedPolicy.Statement, policy.Statement ?? [])) {
    diffs.push({ field: 'Policy', expected: wantedPolicy, observed: policy });
  }
  return diffs;
}

export async function readTopic(clients: AwsClients, region: string, arn: string) {
  try {
    const { Attributes = {} } = await clients
      .sns(region)
      .send(new GetTopicAttributesCommand({ TopicArn: arn }));
    return Attributes;
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NotFoundException')) return undefined;
    throw error;
  }
}

export const topicFacet: Facet<TopicCtx, ObservedTopic, DesiredTopic> = {
  calls: [
    'sns:CreateTopic',
    'sns:GetTopicAttributes',
    'sns:ListTagsForResource',
    'sns:SetTopicAttributes',
  ],
  name: 'topic.attributes',
  resource: (ctx) => ctx.arn,
  async observe(ctx) {
    const attributes = await readTopic(ctx.clients, ctx.region, ctx.arn);
    if (!attributes) return { exists: false };
    const count = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    return {
      exists: true,
      ...(attributes.KmsMasterKeyId ? { KmsMasterKeyId: attributes.KmsMasterKeyId } : {}),
      DisplayName: attributes.DisplayName ?? '',
      Policy: parsePolicy(attributes.Policy),
      ...(attributes.SubscriptionsConfirmed !== undefined
        ? { SubscriptionsConfirmed: count(attributes.SubscriptionsConfirmed) }
        : {}),
      ...(attributes.SubscriptionsPending !== undefined
        ? { SubscriptionsPending: count(attributes.SubscriptionsPending) }
        : {}),
    };
  },
  desired: desiredTopic,
  diff: diffTopic,
  async apply(ctx, desired, observed) {
    const sns = ctx.clients.sns(ctx.region);
    if (!observed.exists) {
      await sns.send(
        new CreateTopicCommand({
          Name: ctx.name,
          Attributes: {
            KmsMasterKeyId: desired.KmsMasterKeyId,
            DisplayName: desired.DisplayName,
            Policy: JSON.stringify(desired.Policy),
          },
          Tags: [{ Key: OWNER_TAG, Value: ctx.owner }],
        }),
      );
      return;
    }
    await assertTopicOwned(ctx.clients, ctx.region, ctx.arn, ctx.owner);
    for (const { field } of diffTopic(desired, observed)) {
      const value = desired[field as keyof DesiredTopic];
      await sns.send(
        new SetTopicAttributesCommand({
          TopicArn: ctx.arn,
          AttributeName: field,
          AttributeValue: typeof value === 'string' ? value : JSON.stringify(value),
        }),
      );
    }
  },
};

export async function topicOwner(
  clients: AwsClients,
  region: string,
  arn: string,
): Promise<string | undefined> {
  const { Tags = [] } = await clients
    .sns(region)
    .send(new ListTagsForResourceCommand({ ResourceArn: arn }));
  return Tags.find((t) => t.Key === OWNER_TAG)?.Value;
}

async function assertTopicOwned(clients: AwsClients, region: string, arn: string, owner: string) {
  const found = await topicOwner(clients, region, arn);
  if (found !== owner) {
    throw new StalledError(
      'NotOwned',
      `SNS topic ${arn} exists but is ${found ? `owned by ${found}` : 'not tagged as created by Seawall'}; Seawall will not change it. Name it in notifications.existingTopicArns to use it as is, or pick another topicName.`,
    );
  }
}
