// Alert topics: one per region whose alarms notify. A topic Seawall creates gets its own
// KMS key (CloudWatch may use it), then the topic through the lifecycle, then its chain
// (attributes, subscriptions). An existing topic (notifications.existingTopicArns) is
// used as is: Seawall only adds the subscriptions the spec lists. A region that no longer
// has alarms loses the topic (and key) Seawall made there.
import type { CostMonitorStatus } from '../../../api/costmonitor.ts';
import type { AwsClients } from '../../../aws/clients.ts';
import { scheduleOwnedKeyDeletion } from '../../../aws/kms/key.ts';
import { retire } from '../../../aws/lifecycle.ts';
import { withOwnerTag } from '../../../aws/ownership.ts';
import { PENDING, subscriptionsFacet } from '../../../aws/sns/subscriptions.ts';
import {
  ownedTopicChain,
  snsTopic,
  subscriptionCounts,
  topicArn,
  topicArnParts,
  topicKeyGrants,
} from '../../../aws/sns/topic.ts';
import { StalledError } from '../../../runtime/errors.ts';
import { type ResolvedBucket, topicKeyAlias, topicRegions } from '../settings.ts';
import type { CostMonitorSteps } from './context.ts';

type TopicStatus = NonNullable<CostMonitorStatus['topics']>[number];

/** The alert topics; returns region → topic ARN (what alarm actions name). */
export async function alertTopics(
  steps: CostMonitorSteps,
  buckets: ResolvedBucket[],
): Promise<Map<string, string>> {
  const regions = topicRegions(steps.settings, buckets);
  const topics = new Map<string, string>();
  const statusTopics: TopicStatus[] = [];
  const spec = steps.settings.topic;
  for (const region of regions) {
    const topic = spec.owned
      ? await ownedTopic(steps, region, spec.name)
      : await existingTopic(steps, region, spec.arns);
    topics.set(region, topic.arn);
    statusTopics.push(topic);
  }
  await removeUnneededTopics(steps, regions);
  if (statusTopics.length > 0) steps.status.topics = statusTopics;
  else delete steps.status.topics;
  return topics;
}

/** A topic the user owns: only the spec's subscriptions are added to it. */
async function existingTopic(
  steps: CostMonitorSteps,
  region: string,
  arns: string[],
): Promise<TopicStatus> {
  const arn = arns.find((a) => topicArnParts(a).region === region);
  if (!arn) {
    throw new StalledError(
      'TopicMissing',
      `alarms in ${region} need an SNS topic in ${region} (alarm actions must be in the alarm's region); add one to spec.notifications.existingTopicArns`,
    );
  }
  await steps.facet(subscriptionsFacet, {
    sns: steps.aws.sns(region),
    topicArn: arn,
    subscriptions: steps.settings.subscriptions,
    ownsTopic: false,
  });
  return { region, arn };
}

/** A topic Seawall creates and owns: its key, the topic, its attributes and subscriptions. */
async function ownedTopic(
  steps: CostMonitorSteps,
  region: string,
  name: string,
): Promise<TopicStatus> {
  const { partition, accountId } = steps.account;
  const arn = topicArn(partition, region, accountId, name);
  // Recorded with a key: a topic Seawall made (an existing topic has none in status).
  const recorded = steps.status.topics?.find(
    (t) => t.region === region && t.arn === arn && t.keyArn !== undefined,
  );
  const keyArn = await steps.key(
    region,
    topicKeyAlias(name),
    `Seawall: encrypts SNS topic ${name} (${steps.owner})`,
    topicKeyGrants(),
    recorded?.keyArn,
  );
  const sns = steps.aws.sns(region);
  const ensured = await steps.ensure(
    snsTopic,
    { sns, arn, keyArn, recorded: recorded !== undefined },
    {
      owner: steps.owner,
      tags: withOwnerTag(undefined, steps.owner),
      remedy:
        'Name it in notifications.existingTopicArns to use it as is, or choose another topicName',
    },
  );
  const outcome = await steps.chain(ownedTopicChain, {
    sns,
    arn,
    keyArn,
    found: ensured.found,
    subscriptions: steps.settings.subscriptions,
  });
  // The counts SNS keeps, as read; a topic created (or planned) now has had none yet.
  const listed = outcome.of(subscriptionsFacet)?.observed ?? [];
  const pendingListed = listed.filter((s) => s.arn === PENDING).length;
  const read = ensured.state === 'existing' || ensured.state === 'adopted';
  const counts = subscriptionCounts(ensured.found.attributes);
  return {
    region,
    arn,
    keyArn,
    subscriptionsConfirmed: read ? (counts.confirmed ?? listed.length - pendingListed) : 0,
    subscriptionsPending: read ? (counts.pending ?? pendingListed) : 0,
  };
}

/**
 * A region that no longer has alarms no longer needs its topic: a topic (and key) Seawall
 * created there goes when the spec changes. Status remembers them.
 */
async function removeUnneededTopics(steps: CostMonitorSteps, regions: string[]): Promise<void> {
  const { topic } = steps.settings;
  if (!topic.owned || !steps.mayCreate) return;
  for (const old of steps.status.topics ?? []) {
    if (regions.includes(old.region)) continue;
    await retireTopic(steps.aws, old, topic.name, steps.owner);
    steps.request.log.info({ topic: old.arn }, 'removed a topic no alarm needs');
  }
}

/** Deletes a topic Seawall created (its subscriptions go with it) and schedules its key. */
export async function retireTopic(
  aws: AwsClients,
  topic: TopicStatus,
  topicName: string,
  owner: string,
): Promise<void> {
  const sns = aws.sns(topic.region);
  await retire(snsTopic, { sns, arn: topic.arn, keyArn: topic.keyArn ?? '' }, owner);
  await scheduleOwnedKeyDeletion(
    aws.kms(topic.region),
    topicKeyAlias(topicName),
    topic.keyArn,
    owner,
  );
}
