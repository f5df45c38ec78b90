// What Seawall sets up in a region to hear about changes (ADR 70): the dead-letter queue,
// the drift-event queue and the rule, through the one lifecycle (owner tag, ownership
// decided by ADR 5's rules: a queue or rule of that name that is not Seawall's stalls
// the region, it is never taken over), and their facets — so a person who changes the
// queue policy or the rule's pattern finds it put back, like anything else Seawall owns.
import type { DriftItem } from '../../api/common.ts';
import type { FacetMode } from '../../runtime/mode.ts';
import type { AwsClients } from '../clients.ts';
import { runFacet } from '../facet.ts';
import { ensure } from '../lifecycle.ts';
import { ownerValue, withOwnerTag } from '../ownership.ts';
import {
  DLQ_RETENTION_SECONDS,
  deadLetterQueueAttributes,
  EVENTS_DLQ,
  EVENTS_QUEUE,
  eventQueueAttributes,
  queueArn,
  queueAttributesFacet,
  sqsQueue,
} from './queue.ts';
import { eventRule, ruleArn, rulePatternFacet, ruleTargetsFacet } from './rule.ts';

/** The owner tag's value on the queue, the DLQ and the rule: the operator, not an object. */
export const EVENTS_OWNER = ownerValue({ kind: 'DriftEvents', name: 'operator' });

export interface RegionEvents {
  region: string;
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  ruleArn: string;
  /** What was found out of line (and corrected, unless mode is report). */
  drift: DriftItem[];
}

export { DLQ_RETENTION_SECONDS };

/** Ensures the DLQ, the queue and the rule of one region; corrects what drifted. */
export async function ensureRegionEvents(
  aws: AwsClients,
  region: string,
  accountId: string,
  mode: FacetMode = 'correct',
  now = new Date(),
): Promise<RegionEvents> {
  const sqs = aws.sqs(region);
  const events = aws.events(region);
  const tags = withOwnerTag({}, EVENTS_OWNER);
  const options = { owner: EVENTS_OWNER, tags, mode };
  const drift: DriftItem[] = [];
  const dlqArn = queueArn(region, accountId, EVENTS_DLQ);
  const mainArn = queueArn(region, accountId, EVENTS_QUEUE);
  const rule = ruleArn(region, accountId);

  const queueStep = async (name: string, arn: string, desired: Record<string, string>) => {
    const ensured = await ensure(sqsQueue, { sqs, name, arn, desired }, options);
    if (ensured.state === 'missing' || ensured.state === 'planned') {
      throw new Error(`SQS queue ${name} in ${region} is missing`);
    }
    const outcome = await runFacet(
      queueAttributesFacet,
      { sqs, arn, found: ensured.found, desired },
      mode,
      now,
    );
    drift.push(...outcome.drift);
    return ensured.found.url;
  };
  const dlqUrl = await queueStep(EVENTS_DLQ, dlqArn, deadLetterQueueAttributes());
  const queueUrl = await queueStep(
    EVENTS_QUEUE,
    mainArn,
    eventQueueAttributes({ arn: mainArn, ruleArn: rule, dlqArn }),
  );
  const ruleRef = { events, arn: rule, queueArn: mainArn };
  const ensuredRule = await ensure(eventRule, ruleRef, options);
  if (ensuredRule.state === 'missing' || ensuredRule.state === 'planned') {
    throw new Error(`EventBridge rule in ${region} is missing`);
  }
  if (ensuredRule.state !== 'created') {
    const ctx = { ...ruleRef, found: ensuredRule.found };
    drift.push(...(await runFacet(rulePatternFacet, ctx, mode, now)).drift);
    drift.push(...(await runFacet(ruleTargetsFacet, ctx, mode, now)).drift);
  }
  return { region, queueUrl, queueArn: mainArn, dlqUrl, ruleArn: rule, drift };
}
