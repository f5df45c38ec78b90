// Subscriptions of an alert topic. On a topic Seawall created, the subscription list is
// Seawall's: missing ones are added and others removed. On an existing topic the user
// owns the list, so Seawall only adds what the spec names and never unsubscribes.
//
// SNS subscriptions carry no tags; ownership follows the topic. An e-mail subscription
// waits for the recipient to confirm: it is listed with SubscriptionArn
// "PendingConfirmation" and cannot be unsubscribed until then, and subscribing again only
// resends the confirmation — so a pending one counts as present.
import {
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';

export interface SubscriptionSpec {
  protocol: 'email' | 'https';
  endpoint: string;
}

export interface ObservedSubscription extends SubscriptionSpec {
  arn: string;
}

export interface SubscriptionsCtx {
  /** The client of the topic's region. */
  sns: SNSClient;
  topicArn: string;
  subscriptions: SubscriptionSpec[];
  /** True for a topic Seawall created: it also removes subscriptions not in the spec. */
  ownsTopic: boolean;
}

/** What the spec asks of a topic's subscriptions. */
export interface DesiredSubscriptions {
  subscriptions: SubscriptionSpec[];
  /** The list is Seawall's (a topic it created): others are removed. */
  ownsTopic: boolean;
}

export const PENDING = 'PendingConfirmation';

const key = (s: SubscriptionSpec) => `${s.protocol}:${s.endpoint}`;

export interface SubscriptionPlan {
  add: SubscriptionSpec[];
  remove: ObservedSubscription[];
}

/** Pure: which subscriptions to add, and (on an owned topic) which to remove. */
export function planSubscriptions(
  desired: SubscriptionSpec[],
  observed: ObservedSubscription[],
  ownsTopic: boolean,
): SubscriptionPlan {
  const have = new Set(observed.map(key));
  const want = new Set(desired.map(key));
  const add = dedupe(desired).filter((s) => !have.has(key(s)));
  const remove = ownsTopic
    ? observed.filter((s) => !want.has(key(s)) && s.arn !== PENDING && s.arn !== 'Deleted')
    : [];
  return { add, remove };
}

function dedupe(list: SubscriptionSpec[]): SubscriptionSpec[] {
  const seen = new Set<string>();
  return list.filter((s) => !seen.has(key(s)) && seen.add(key(s)) !== undefined);
}

/** Pure: the plan as drift fields, one per subscription. */
export function diffSubscriptions(
  desired: DesiredSubscriptions,
  observed: ObservedSubscription[],
): FieldDiff[] {
  const { add, remove } = planSubscriptions(desired.subscriptions, observed, desired.ownsTopic);
  return [
    ...add.map((s) => ({
      field: `Subscription[${key(s)}]`,
      expected: 'subscribed',
      observed: undefined,
    })),
    ...remove.map((s) => ({
      field: `Subscription[${key(s)}]`,
      expected: undefined,
      observed: 'subscribed',
    })),
  ];
}

export async function listSubscriptions(
  sns: SNSClient,
  topicArn: string,
): Promise<ObservedSubscription[]> {
  const found: ObservedSubscription[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }),
      );
      for (const s of page.Subscriptions ?? []) {
        if (s.Protocol && s.Endpoint && s.SubscriptionArn) {
          found.push({
            protocol: s.Protocol as SubscriptionSpec['protocol'],
            endpoint: s.Endpoint,
            arn: s.SubscriptionArn,
          });
        }
      }
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (error) {
    // Gone since the topic was read: nothing is subscribed.
    if (isAwsError(error, 'NotFound', 'NotFoundException')) return [];
    throw error;
  }
  return found;
}

export const subscriptionsFacet: Facet<
  SubscriptionsCtx,
  ObservedSubscription[],
  DesiredSubscriptions
> = {
  calls: ['sns:ListSubscriptionsByTopic', 'sns:Subscribe', 'sns:Unsubscribe'],
  name: 'topic.subscriptions',
  resource: (ctx) => ctx.topicArn,
  observe: (ctx) => listSubscriptions(ctx.sns, ctx.topicArn),
  desired: (ctx) => ({ subscriptions: ctx.subscriptions, ownsTopic: ctx.ownsTopic }),
  diff: diffSubscriptions,
  async apply(ctx, desired, observed) {
    const sns = ctx.sns;
    const { add, remove } = planSubscriptions(desired.subscriptions, observed, desired.ownsTopic);
    for (const s of add) {
      await sns.send(
        new SubscribeCommand({
          TopicArn: ctx.topicArn,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          ReturnSubscriptionArn: true,
        }),
      );
    }
    for (const s of remove) {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: s.arn }));
    }
  },
};
