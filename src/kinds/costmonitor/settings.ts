// The CostMonitor spec with every default applied and every name computed, in the shape
// the steps take. Pure: the API server applies the same defaults, but reconcileOnce tests
// and `seawall plan` see specs that never went through it.
import type { CostMonitor, MonitoredBucket as MonitoredBucketSpec } from '../../api/costmonitor.ts';
import type { TrailSettings } from '../../aws/cloudtrail/trail.ts';
import {
  type AlarmDefinition,
  alarmPrefix,
  BILLING_REGION,
  billingAlarm,
  bucketObjectsAlarm,
  bucketSizeAlarm,
} from '../../aws/cloudwatch/alarms.ts';
import { ownerValue } from '../../aws/ownership.ts';
import type { SubscriptionSpec } from '../../aws/sns/subscriptions.ts';

export const DEFAULT_RETENTION_DAYS = 365;

export type TopicSettings = { owned: true; name: string } | { owned: false; arns: string[] };

export interface BillingThresholdSettings {
  name: string;
  amountUSD: number;
  notifyTopic: boolean;
  actions: string[];
}

export interface TrailSpecSettings {
  name: string;
  region: string;
  keyAlias: string;
  multiRegion: boolean;
  includeGlobalServiceEvents: boolean;
  logFileValidation: boolean;
  managementEvents: 'All' | 'ReadOnly' | 'WriteOnly';
  s3KeyPrefix: string;
  logBucket: { owned: boolean; name: string; retentionDays: number };
}

export interface CostMonitorSettings {
  owner: string;
  namespace: string;
  name: string;
  region: string;
  alarmPrefix: string;
  topic: TopicSettings;
  subscriptions: SubscriptionSpec[];
  budgetUSD: number | undefined;
  billingThresholds: BillingThresholdSettings[];
  buckets: MonitoredBucketSpec[];
  dashboard:
    | { name: string; pipelines: { namespace: string; name: string; region: string }[] }
    | undefined;
  trail: TrailSpecSettings | undefined;
  deletionPolicy: 'Retain' | 'Delete';
}

/** `seawall-<namespace>-<name>` in the characters SNS and CloudWatch allow. */
export function defaultResourceName(namespace: string, name: string, max: number): string {
  return `seawall-${namespace}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, max);
}

/** KMS aliases allow [A-Za-z0-9/_-]: a trail or topic name's periods become underscores. */
export function aliasSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9/_-]/g, '_');
}

export function topicKeyAlias(topicName: string): string {
  return `alias/seawall/sns/${aliasSafe(topicName)}`;
}

export function trailKeyAlias(trailName: string): string {
  return `alias/seawall/cloudtrail/${aliasSafe(trailName)}`;
}

/** Pure: a threshold in USD, whether given as an amount or as a percentage of the budget. */
export function thresholdUSD(
  threshold: { amountUSD?: number; percentOfBudget?: number },
  budgetUSD: number | undefined,
): number {
  if (threshold.amountUSD !== undefined) return threshold.amountUSD;
  if (threshold.percentOfBudget !== undefined && budgetUSD !== undefined) {
    return Math.round(budgetUSD * threshold.percentOfBudget) / 100;
  }
  throw new Error('a percentOfBudget threshold needs monthlyBudgetUSD');
}

export function resolveSettings(object: CostMonitor): CostMonitorSettings {
  const spec = object.spec;
  const namespace = object.metadata.namespace ?? 'default';
  const name = object.metadata.name ?? '';
  const notifications = spec.notifications ?? {};
  const topic: TopicSettings = notifications.existingTopicArns
    ? { owned: false, arns: notifications.existingTopicArns }
    : { owned: true, name: notifications.topicName ?? defaultResourceName(namespace, name, 256) };
  const budgetUSD = spec.billing?.monthlyBudgetUSD;
  const trail = spec.auditTrail;
  return {
    owner: ownerValue({ namespace, kind: 'CostMonitor', name }),
    namespace,
    name,
    region: spec.region,
    alarmPrefix: alarmPrefix(namespace, name),
    topic,
    subscriptions: (notifications.subscriptions ?? []).map((s) => ({
      protocol: s.protocol,
      endpoint: s.endpoint,
    })),
    budgetUSD,
    billingThresholds: (spec.billing?.thresholds ?? []).map((t) => ({
      name: t.name,
      amountUSD: thresholdUSD(t, budgetUSD),
      notifyTopic: t.notifyTopic ?? true,
      actions: t.actions ?? [],
    })),
    buckets: spec.buckets ?? [],
    dashboard: spec.dashboard
      ? {
          name: spec.dashboard.name ?? defaultResourceName(namespace, name, 255),
          pipelines: (spec.dashboard.qualityPipelines ?? []).map((p) => ({
            namespace,
            name: p.name,
            region: p.region ?? spec.region,
          })),
        }
      : undefined,
    trail: trail
      ? {
          name: trail.name,
          region: spec.region,
          keyAlias: trailKeyAlias(trail.name),
          multiRegion: trail.multiRegion ?? true,
          includeGlobalServiceEvents: trail.includeGlobalServiceEvents ?? true,
          logFileValidation: trail.logFileValidation ?? true,
          managementEvents: trail.managementEvents ?? 'All',
          s3KeyPrefix: trail.s3KeyPrefix ?? '',
          logBucket: trail.logBucket.existingBucketName
            ? { owned: false, name: trail.logBucket.existingBucketName, retentionDays: 0 }
            : {
                owned: true,
                name: trail.logBucket.bucketName ?? '',
                retentionDays: trail.logBucket.retentionDays ?? DEFAULT_RETENTION_DAYS,
              },
        }
      : undefined,
    deletionPolicy: spec.deletionPolicy ?? 'Retain',
  };
}

/** A watched bucket once its ProtectedBucket (if any) has been read. */
export interface ResolvedBucket {
  bucketName: string;
  region: string;
  maxSizeGiB: number | undefined;
  maxObjects: number | undefined;
  notifyTopic: boolean;
  actions: string[];
}

export type AlarmKind = 'Billing' | 'BucketSize' | 'BucketObjects';

export interface PlannedAlarm {
  kind: AlarmKind;
  region: string;
  definition: AlarmDefinition;
}

/**
 * Pure: every alarm the spec asks for, with its actions resolved. `topicFor(region)` is
 * the alert topic's ARN in a region (alarm actions must be in the alarm's region).
 */
export function planAlarms(
  settings: CostMonitorSettings,
  buckets: ResolvedBucket[],
  topicFor: (region: string) => string,
): PlannedAlarm[] {
  const actionsOf = (region: string, notifyTopic: boolean, actions: string[]) => [
    ...(notifyTopic ? [topicFor(region)] : []),
    ...actions,
  ];
  const alarms: PlannedAlarm[] = [];
  for (const t of settings.billingThresholds) {
    alarms.push({
      kind: 'Billing',
      region: BILLING_REGION,
      definition: billingAlarm(
        settings.alarmPrefix,
        t.name,
        t.amountUSD,
        actionsOf(BILLING_REGION, t.notifyTopic, t.actions),
        `Seawall (${settings.owner}): month-to-date estimated charges above ${t.amountUSD} USD`,
      ),
    });
  }
  for (const b of buckets) {
    const actions = actionsOf(b.region, b.notifyTopic, b.actions);
    if (b.maxSizeGiB !== undefined) {
      alarms.push({
        kind: 'BucketSize',
        region: b.region,
        definition: bucketSizeAlarm(
          settings.alarmPrefix,
          b.bucketName,
          b.maxSizeGiB,
          actions,
          `Seawall (${settings.owner}): s3://${b.bucketName} larger than ${b.maxSizeGiB} GiB`,
        ),
      });
    }
    if (b.maxObjects !== undefined) {
      alarms.push({
        kind: 'BucketObjects',
        region: b.region,
        definition: bucketObjectsAlarm(
          settings.alarmPrefix,
          b.bucketName,
          b.maxObjects,
          actions,
          `Seawall (${settings.owner}): s3://${b.bucketName} holds more than ${b.maxObjects} objects`,
        ),
      });
    }
  }
  return alarms;
}

/** Pure: regions whose alarms notify the Seawall topic, sorted. */
export function topicRegions(settings: CostMonitorSettings, buckets: ResolvedBucket[]): string[] {
  const regions = new Set<string>();
  for (const t of settings.billingThresholds) if (t.notifyTopic) regions.add(BILLING_REGION);
  for (const b of buckets) {
    const alarmed = b.maxSizeGiB !== undefined || b.maxObjects !== undefined;
    if (alarmed && b.notifyTopic) regions.add(b.region);
  }
  return [...regions].sort();
}

/** Pure: the trail settings Seawall owns, as CloudTrail reports them. */
export function trailSettings(trail: TrailSpecSettings, keyArn: string): TrailSettings {
  return {
    S3BucketName: trail.logBucket.name,
    S3KeyPrefix: trail.s3KeyPrefix,
    IsMultiRegionTrail: trail.multiRegion,
    IncludeGlobalServiceEvents: trail.includeGlobalServiceEvents,
    LogFileValidationEnabled: trail.logFileValidation,
    KmsKeyId: keyArn,
  };
}
