// The drift-event rule (ADR 70): an EventBridge rule on the default bus of a region that
// sends the mutating calls CloudTrail records for the services Seawall manages to the
// drift-event queue. Seawall creates it with its owner tag and corrects its pattern,
// state and target like any other resource it owns.
import {
  DescribeRuleCommand,
  type EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, jsonEqual } from '../facet.ts';
import type { ManagedResource } from '../lifecycle.ts';
import { type TagMap, tagsFromKeyValue, tagsToKeyValue } from '../ownership.ts';
import { CLOUDTRAIL_DETAIL_TYPE } from './cloudtrail-event.ts';

export const EVENTS_RULE = 'seawall-drift-events';
export const TARGET_ID = 'seawall-drift-events-queue';

/**
 * The services whose CloudTrail events reach the queue: those whose resources Seawall
 * owns, plus SQS and EventBridge (the queue and rule themselves, and the heartbeat).
 */
export const EVENT_SOURCES = [
  'aws.s3',
  'aws.kms',
  'aws.iam',
  'aws.glue',
  'aws.cloudwatch',
  'aws.sns',
  'aws.cloudtrail',
  'aws.sqs',
  'aws.events',
];

/**
 * Pure: the rule's pattern. Narrowed to the services, to calls AWS carried out (a refused
 * call changes nothing, so errorCode must be absent), and — through the rule's state
 * ENABLED, not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS — to mutating calls only.
 * Names cannot narrow it further in general: bucket names and key ids are the user's
 * (ADR 70 lists what a pattern could and could not narrow); the consumer drops events
 * for resources no object owns at the cost of one receive and one delete.
 */
export function eventPattern(): Record<string, unknown> {
  return {
    source: EVENT_SOURCES,
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { errorCode: [{ exists: false }] },
  };
}

export function ruleArn(region: string, accountId: string, partition = 'aws') {
  return `arn:${partition}:events:${region}:${accountId}:rule/${EVENTS_RULE}`;
}

export interface RuleRef {
  events: EventBridgeClient;
  arn: string;
  queueArn: string;
}

export interface FoundRule {
  pattern: unknown;
  state: string;
  targets: { Id: string; Arn: string }[];
  tags: TagMap;
}

async function describe(events: EventBridgeClient) {
  try {
    return await events.send(new DescribeRuleCommand({ Name: EVENTS_RULE }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

export const eventRule: ManagedResource<RuleRef, FoundRule> = {
  type: 'EventBridge rule',
  facetName: 'rule',
  calls: [
    'events:DescribeRule',
    'events:ListTargetsByRule',
    'events:ListTagsForResource',
    'events:PutRule',
    'events:PutTargets',
  ],
  identify: (ref) => `EventBridge rule ${EVENTS_RULE} (${ref.arn.split(':')[3]})`,
  resourceName: (ref) => ref.arn,
  async read(ref) {
    const rule = await describe(ref.events);
    if (!rule) return undefined;
    const { Targets } = await ref.events.send(new ListTargetsByRuleCommand({ Rule: EVENTS_RULE }));
    const { Tags } = await ref.events.send(
      new ListTagsForResourceCommand({ ResourceARN: ref.arn }),
    );
    let pattern: unknown;
    try {
      pattern = JSON.parse(rule.EventPattern ?? 'null');
    } catch {
      pattern = rule.EventPattern;
    }
    return {
      pattern,
      state: rule.State ?? '',
      targets: (Targets ?? []).map((t) => ({ Id: t.Id ?? '', Arn: t.Arn ?? '' })),
      tags: tagsFromKeyValue(Tags),
    };
  },
  tagsOf: (found) => found.tags,
  async create(ref, tags) {
    await ref.events.send(
      new PutRuleCommand({
        Name: EVENTS_RULE,
        EventPattern: JSON.stringify(eventPattern()),
        State: 'ENABLED',
        Description: 'Seawall: AWS API calls that may change what Seawall owns (drift events)',
        Tags: tagsToKeyValue(tags),
      }),
    );
    const targets = [{ Id: TARGET_ID, Arn: ref.queueArn }];
    await ref.events.send(new PutTargetsCommand({ Rule: EVENTS_RULE, Targets: targets }));
    return { pattern: eventPattern(), state: 'ENABLED', targets, tags };
  },
  planned: (ref, tags) => ({ pattern: eventPattern(), target: ref.queueArn, tags }),
  placeholder: () => ({ pattern: null, state: '', targets: [], tags: {} }),
};

export interface RuleContext {
  events: EventBridgeClient;
  arn: string;
  queueArn: string;
  found: FoundRule;
}

/** rule.pattern: the pattern and the state. */
export const rulePatternFacet: Facet<RuleContext, { pattern: unknown; state: string }> = {
  name: 'rule.pattern',
  calls: ['events:PutRule'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => ({ pattern: ctx.found.pattern, state: ctx.found.state }),
  desired: () => ({ pattern: eventPattern(), state: 'ENABLED' }),
  diff: (desired, observed) => diffFields(desired, observed),
  async apply(ctx) {
    await ctx.events.send(
      new PutRuleCommand({
        Name: EVENTS_RULE,
        EventPattern: JSON.stringify(eventPattern()),
        State: 'ENABLED',
      }),
    );
  },
};

/** rule.targets: the queue, and nothing else (a target a person added would read our events). */
export const ruleTargetsFacet: Facet<RuleContext, { Id: string; Arn: string }[]> = {
  name: 'rule.targets',
  calls: ['events:PutTargets', 'events:RemoveTargets'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => ctx.found.targets,
  desired: (ctx) => [{ Id: TARGET_ID, Arn: ctx.queueArn }],
  diff: (desired, observed) => {
    const sorted = [...observed].sort((a, b) => a.Id.localeCompare(b.Id));
    return jsonEqual(desired, sorted)
      ? []
      : [{ field: 'Targets', expected: desired, observed: sorted }];
  },
  async apply(ctx, desired, observed) {
    const extra = observed.filter((t) => t.Id !== TARGET_ID).map((t) => t.Id);
    if (extra.length > 0) {
      await ctx.events.send(new RemoveTargetsCommand({ Rule: EVENTS_RULE, Ids: extra }));
    }
    await ctx.events.send(new PutTargetsCommand({ Rule: EVENTS_RULE, Targets: desired }));
  },
};
