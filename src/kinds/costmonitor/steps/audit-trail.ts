// The audit trail: its KMS key → the log bucket (when Seawall creates it: the secure-bucket
// block with the trail key, CloudTrail's statements and the retention lifecycle) → the
// trail through the lifecycle → its chain (settings, event selectors, logging). Removing
// auditTrail from the spec leaves all of it in place: audit logs are never dropped by an
// edit.
import type { AwsClients } from '../../../aws/clients.ts';
import {
  cloudTrail,
  cloudTrailBucketStatements,
  loggingFacet,
  trailArn,
  trailChain,
  trailKeyGrants,
} from '../../../aws/cloudtrail/trail.ts';
import { retire } from '../../../aws/lifecycle.ts';
import { withOwnerTag } from '../../../aws/ownership.ts';
import { BLOCK_ALL_PUBLIC_ACCESS, secureBucket } from '../../blocks/secure-bucket.ts';
import { type TrailSpecSettings, trailSettings } from '../settings.ts';
import type { CostMonitorSteps } from './context.ts';

export async function auditTrail(steps: CostMonitorSteps): Promise<void> {
  const trail = steps.settings.trail;
  if (!trail) {
    delete steps.status.auditTrail;
    return;
  }
  const { accountId, partition } = steps.account;
  const arn = trailArn(partition, trail.region, accountId, trail.name);
  // Status shows the trail's state only once the trail was there and ours.
  const recorded =
    steps.status.auditTrail?.arn === arn && steps.status.auditTrail.state !== undefined;
  const keyArn = await steps.key(
    trail.region,
    trail.keyAlias,
    `Seawall: encrypts CloudTrail trail ${trail.name} and its log bucket (${steps.owner})`,
    trailKeyGrants(partition, accountId, arn),
    steps.status.auditTrail?.keyArn,
  );
  steps.status.auditTrail = { ...steps.status.auditTrail, name: trail.name, keyArn };
  if (trail.logBucket.owned) await logBucket(steps, trail, keyArn, arn);
  steps.status.auditTrail.logBucket = trail.logBucket.name;

  const cloudtrail = steps.aws.cloudtrail(trail.region);
  const settings = trailSettings(trail, keyArn);
  const ensured = await steps.ensure(
    cloudTrail,
    { cloudtrail, region: trail.region, name: trail.name, arn, settings, recorded },
    {
      owner: steps.owner,
      tags: withOwnerTag(undefined, steps.owner),
      remedy: 'Choose another auditTrail.name',
    },
  );
  steps.status.auditTrail.arn = arn;
  const outcome = await steps.chain(trailChain, {
    cloudtrail,
    name: trail.name,
    arn,
    settings,
    managementEvents: trail.managementEvents,
    snapshot: ensured.found,
  });
  const logging = outcome.of(loggingFacet);
  const isLogging = logging?.applied === true || logging?.observed?.IsLogging === true;
  const { status } = ensured.found;
  const { latestDeliveryError: _e, latestDeliveryTime: _t, ...rest } = steps.status.auditTrail;
  steps.status.auditTrail = {
    ...rest,
    isLogging,
    state: isLogging ? 'Logging' : 'Stopped',
    ...(status.LatestDeliveryError ? { latestDeliveryError: status.LatestDeliveryError } : {}),
    ...(status.LatestDeliveryTime
      ? { latestDeliveryTime: new Date(status.LatestDeliveryTime).toISOString() }
      : {}),
  };
}

/**
 * The log bucket the CostMonitor creates: the protections of a ProtectedBucket (the
 * secure-bucket block) with the trail key, and ONE policy holding the TLS-only statement
 * and CloudTrail's two statements, plus the retention lifecycle.
 */
async function logBucket(
  steps: CostMonitorSteps,
  trail: TrailSpecSettings,
  keyArn: string,
  arnOfTrail: string,
): Promise<void> {
  const target = {
    s3: steps.aws.s3(trail.region),
    bucket: trail.logBucket.name,
    region: trail.region,
  };
  await secureBucket(steps, {
    target,
    owner: steps.owner,
    remedy:
      'Name it in auditTrail.logBucket.existingBucketName to log to it as it is, or choose another bucketName',
    keyArn,
    bucketKeyEnabled: true,
    versioning: 'Enabled',
    publicAccessBlock: BLOCK_ALL_PUBLIC_ACCESS,
    accountId: steps.account.accountId,
    enforceTLS: true,
    statements: cloudTrailBucketStatements(
      steps.account.partition,
      steps.account.accountId,
      target.bucket,
      trail.s3KeyPrefix || undefined,
      arnOfTrail,
    ),
    logRetentionDays: trail.logBucket.retentionDays,
  });
}

/** Deletes the trail if it carries this owner's tag. */
export async function retireTrail(
  aws: AwsClients,
  account: { partition: string; accountId: string },
  trail: TrailSpecSettings,
  owner: string,
): Promise<void> {
  const arn = trailArn(account.partition, trail.region, account.accountId, trail.name);
  const cloudtrail = aws.cloudtrail(trail.region);
  await retire(cloudTrail, { cloudtrail, region: trail.region, name: trail.name, arn }, owner);
}
