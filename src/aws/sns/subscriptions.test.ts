import { describe, expect, it } from 'vitest';
import {
  type ObservedSubscription,
  planSubscriptions,
  type SubscriptionSpec,
} from './subscriptions.ts';

const email: SubscriptionSpec = { protocol: 'email', endpoint: 'a@example.org' };
const hook: SubscriptionSpec = { protocol: 'https', endpoint: 'https://hooks.example.org/x' };
const arn = 'arn:aws:sns:us-east-1:1:t:1111';
const seen = (s: SubscriptionSpec, a = arn): ObservedSubscription => ({ ...s, arn: a });
const other: SubscriptionSpec = { protocol: 'email', endpoint: 'someone@example.org' };

describe('planSubscriptions', () => {
  it.each<[string, SubscriptionSpec[], ObservedSubscription[], boolean, number, number]>([
    ['nothing there yet: add all', [email, hook], [], true, 2, 0],
    ['all there: nothing to do', [email, hook], [seen(email), seen(hook)], true, 0, 0],
    [
      'pending confirmation counts as there',
      [email],
      [seen(email, 'PendingConfirmation')],
      true,
      0,
      0,
    ],
    ['an extra one on our topic is removed', [email], [seen(email), seen(other)], true, 0, 1],
    [
      'an extra pending one cannot be removed',
      [email],
      [seen(email), seen(other, 'PendingConfirmation')],
      true,
      0,
      0,
    ],
    ['an extra one on an existing topic is left', [email], [seen(email), seen(other)], false, 0, 0],
    ['duplicates in the spec are added once', [email, email], [], true, 1, 0],
  ])('%s', (_what, desired, observed, owns, adds, removes) => {
    const plan = planSubscriptions(desired, observed, owns);
    expect([plan.add.length, plan.remove.length]).toEqual([adds, removes]);
  });
});
