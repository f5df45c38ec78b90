// Metric alarms Seawall owns: billing (AWS/Billing EstimatedCharges, us-east-1 only) and
// S3 storage (AWS/S3 BucketSizeBytes and NumberOfObjects, daily, in the bucket's region).
//
// Every alarm of one CostMonitor shares a name prefix (`seawall/<namespace>/<name>/`; a
// `/` cannot occur in a Kubernetes name, so one monitor's prefix never matches another's).
// One DescribeAlarms per region reads all of them into a snapshot (RegionAlarms): each
// alarm's lifecycle read, the facet that removes alarms the spec no longer lists, and
// status (the states it returned) share it. An alarm is a ManagedResource: ownership is
// the lifecycle's, from its tags — read only for an alarm status does not record yet.
import {
  type CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  ListTagsForResourceCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, type FieldDiff } from '../facet.ts';
import { type ManagedResource, retire } from '../lifecycle.ts';
import { type TagMap, tagsFromKeyValue, tagsToKeyValue } from '../ownership.ts';

export const GIB = 1024 ** 3;
/** S3 storage metrics are published once a day. */
export const S3_METRIC_PERIOD = 86_400;
/** EstimatedCharges is published several times a day; six hours is AWS's own example. */
export const BILLING_METRIC_PERIOD = 21_600;
export const BILLING_REGION = 'us-east-1';

export interface Dimension {
  Name: string;
  Value: string;
}

/** The fields of an alarm Seawall sets and compares: the definition, never the state. */
export interface AlarmDefinition {
  AlarmName: string;
  AlarmDescription: string;
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
  Statistic: 'Maximum' | 'Average';
  Period: number;
  EvaluationPeriods: number;
  Threshold: number;
  ComparisonOperator: 'GreaterThanThreshold';
  TreatMissingData: 'missing' | 'notBreaching';
  ActionsEnabled: boolean;
  AlarmActions: string[];
}

export function alarmPrefix(namespace: string, name: string): string {
  return `seawall/${namespace}/${name}/`;
}

export function billingAlarm(
  prefix: string,
  thresholdName: string,
  thresholdUSD: number,
  actions: string[],
  description: string,
): AlarmDefinition {
  return {
    AlarmName: `${prefix}billing/${thresholdName}`,
    AlarmDescription: description,
    Namespace: 'AWS/Billing',
    MetricName: 'EstimatedCharges',
    Dimensions: [{ Name: 'Currency', Value: 'USD' }],
    Statistic: 'Maximum',
    Period: BILLING_METRIC_PERIOD,
    EvaluationPeriods: 1,
    Threshold: roundCents(thresholdUSD),
    ComparisonOperator: 'GreaterThanThreshold',
    // No data means billing alerts are not enabled yet: INSUFFICIENT_DATA says so.
    TreatMissingData: 'missing',
    ActionsEnabled: true,
    AlarmActions: normalizeActions(actions),
  };
}

export function bucketSizeAlarm(
  prefix: string,
  bucket: string,
  maxGiB: number,
  actions: string[],
  description: string,
): AlarmDefinition {
  return s3Alarm({
    AlarmName: `${prefix}bucket/${bucket}/size`,
    AlarmDescription: description,
    MetricName: 'BucketSizeBytes',
    Dimensions: [
      { Name: 'BucketName', Value: bucket },
      { Name: 'StorageType', Value: 'StandardStorage' },
    ],
    Statistic: 'Average',
    Period: S3_METRIC_PERIOD,
    Threshold: Math.round(maxGiB * GIB),
    AlarmActions: actions,
  });
}

export function bucketObjectsAlarm(
  prefix: string,
  bucket: string,
  maxObjects: number,
  actions: string[],
  description: string,
): AlarmDefinition {
  return s3Alarm({
    AlarmName: `${prefix}bucket/${bucket}/objects`,
    AlarmDescription: description,
    MetricName: 'NumberOfObjects',
    Dimensions: [
      { Name: 'BucketName', Value: bucket },
      { Name: 'StorageType', Value: 'AllStorageTypes' },
    ],
    Statistic: 'Average',
    Period: S3_METRIC_PERIOD,
    Threshold: maxObjects,
    AlarmActions: actions,
  });
}

/**
 * What every S3 alarm Seawall makes shares: one period over the threshold breaches, and
 * no data is no breach (S3 publishes nothing for an empty new bucket, or for a period
 * without replication).
 */
function s3Alarm(
  a: Pick<
    AlarmDefinition,
    'AlarmName' | 'AlarmDescription' | 'MetricName' | 'Statistic' | 'Period' | 'Threshold'
  > & { Dimensions: Dimension[]; AlarmActions: string[] },
): AlarmDefinition {
  return {
    ...a,
    Namespace: 'AWS/S3',
    Dimensions: sortDimensions(a.Dimensions),
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    ActionsEnabled: true,
    AlarmActions: normalizeActions(a.AlarmActions),
  };
}

/** Replication metrics (RTC): five-minute periods in the source bucket's region. */
export const REPLICATION_METRIC_PERIOD = 300;
/** Replication Time Control's SLA: 15 minutes. A replica later than that breaches it. */
export const REPLICATION_LATENCY_SLA_SECONDS = 900;

/** The dimensions S3 publishes replication metrics under (per rule). */
function replicationDimensions(source: string, destination: string, ruleId: string) {
  return [
    { Name: 'SourceBucket', Value: source },
    { Name: 'DestinationBucket', Value: destination },
    { Name: 'RuleId', Value: ruleId },
  ];
}

/** Any replication operation failed in five minutes (AWS/S3 OperationsFailedReplication). */
export function replicationFailedAlarm(
  prefix: string,
  source: string,
  destination: string,
  ruleId: string,
  description: string,
): AlarmDefinition {
  return s3Alarm({
    AlarmName: `${prefix}replication/failed-operations`,
    AlarmDescription: description,
    MetricName: 'OperationsFailedReplication',
    Dimensions: replicationDimensions(source, destination, ruleId),
    Statistic: 'Maximum',
    Period: REPLICATION_METRIC_PERIOD,
    Threshold: 0,
    AlarmActions: [],
  });
}

/** Replicas later than the RTC SLA (AWS/S3 ReplicationLatency, seconds). */
export function replicationLatencyAlarm(
  prefix: string,
  source: string,
  destination: string,
  ruleId: string,
  description: string,
): AlarmDefinition {
  return s3Alarm({
    AlarmName: `${prefix}replication/latency`,
    AlarmDescription: description,
    MetricName: 'ReplicationLatency',
    Dimensions: replicationDimensions(source, destination, ruleId),
    Statistic: 'Maximum',
    Period: REPLICATION_METRIC_PERIOD,
    Threshold: REPLICATION_LATENCY_SLA_SECONDS,
    AlarmActions: [],
  });
}

function roundCents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

function sortDimensions(dims: Dimension[]): Dimension[] {
  return [...dims].sort((a, b) => a.Name.localeCompare(b.Name));
}

function normalizeActions(actions: string[]): string[] {
  return [...new Set(actions)].sort();
}

/** Pure: an alarm as DescribeAlarms returns it, in the shape Seawall compares. */
export function definitionOf(alarm: MetricAlarm): Partial<AlarmDefinition> {
  return {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? '',
    Namespace: alarm.Namespace,
    MetricName: alarm.MetricName,
    Dimensions: sortDimensions(
      (alarm.Dimensions ?? []).map((d) => ({ Name: d.Name ?? '', Value: d.Value ?? '' })),
    ),
    Statistic: alarm.Statistic as AlarmDefinition['Statistic'],
    Period: alarm.Period,
    EvaluationPeriods: alarm.EvaluationPeriods,
    Threshold: alarm.Threshold,
    ComparisonOperator: alarm.ComparisonOperator as AlarmDefinition['ComparisonOperator'],
    // AWS omits TreatMissingData when it is the default, "missing".
    TreatMissingData: (alarm.TreatMissingData ?? 'missing') as AlarmDefinition['TreatMissingData'],
    ActionsEnabled: alarm.ActionsEnabled ?? true,
    AlarmActions: normalizeActions(alarm.AlarmActions ?? []),
  };
}

/** Pure: every definition field that differs (the state never counts). */
export function diffAlarm(
  desired: AlarmDefinition,
  observed: Partial<AlarmDefinition>,
): FieldDiff[] {
  const { AlarmName: _name, ...wanted } = desired;
  const { AlarmName: _observedName, ...found } = observed;
  return diffFields(wanted, found);
}

/**
 * The alarms of one CostMonitor in one region: one DescribeAlarms (all pages) under its
 * prefix, read once per reconcile and shared by everything that asks. A value: it does
 * not change when an alarm is created or deleted afterwards.
 */
export interface RegionAlarms {
  /** The client of this region. */
  readonly cloudwatch: CloudWatchClient;
  readonly region: string;
  readonly prefix: string;
  readonly alarms: readonly MetricAlarm[];
}

export async function readRegionAlarms(
  cloudwatch: CloudWatchClient,
  region: string,
  prefix: string,
): Promise<RegionAlarms> {
  const alarms: MetricAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page: DescribeAlarmsCommandOutput = await cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: prefix,
        AlarmTypes: ['MetricAlarm'],
        NextToken,
      }),
    );
    alarms.push(...(page.MetricAlarms ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return { cloudwatch, region, prefix, alarms };
}

export function alarmArn(partition: string, region: string, accountId: string, name: string) {
  return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** Which alarm, found in its region's snapshot, and what it is created with. */
export interface AlarmRef {
  alarms: RegionAlarms;
  name: string;
  /** Its ARN (what drift items and plan name it by). */
  arn: string;
  /** The definition it is created with; an alarm only being removed has none. */
  definition?: AlarmDefinition | undefined;
  /**
   * Status records this alarm: ours by record, its tags are not read (one call per alarm
   * per check saved). Never set for an alarm being removed: `retire` must see the tag.
   */
  recorded?: boolean;
}

export interface FoundAlarm {
  /** As DescribeAlarms returned it, or as PutMetricAlarm created it. */
  alarm: MetricAlarm;
  /** Its tags (empty when status records it: they were not read). */
  tags: TagMap;
}

export const cloudWatchAlarm: ManagedResource<AlarmRef, FoundAlarm> = {
  type: 'CloudWatch alarm',
  facetName: 'alarm',
  calls: [
    'cloudwatch:DescribeAlarms',
    'cloudwatch:ListTagsForResource',
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:DeleteAlarms',
  ],
  identify: (ref) => `CloudWatch alarm ${ref.name} in ${ref.alarms.region}`,
  resourceName: (ref) => ref.arn,
  async read(ref) {
    const alarm = ref.alarms.alarms.find((a) => a.AlarmName === ref.name);
    if (!alarm) return undefined;
    if (ref.recorded) return { alarm, tags: {} };
    try {
      const { Tags } = await ref.alarms.cloudwatch.send(
        new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn ?? ref.arn }),
      );
      return { alarm, tags: tagsFromKeyValue(Tags) };
    } catch (error) {
      // Deleted since the region was read.
      if (isAwsError(error, 'ResourceNotFound', 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  },
  tagsOf: (found) => found.tags,
  recorded: (ref) => ref.recorded === true,
  async create(ref, tags) {
    if (!ref.definition) throw new Error(`${ref.name}: an alarm is created from its definition`);
    // Tags are taken only when PutMetricAlarm creates the alarm: they go in this call.
    await ref.alarms.cloudwatch.send(
      new PutMetricAlarmCommand({ ...ref.definition, Tags: tagsToKeyValue(tags) }),
    );
    return { alarm: { ...ref.definition, AlarmArn: ref.arn }, tags };
  },
  planned: (ref, tags) => ({ region: ref.alarms.region, tags }),
  placeholder: (ref) => ({ alarm: { AlarmName: ref.name, AlarmArn: ref.arn }, tags: {} }),
  async delete(ref) {
    try {
      await ref.alarms.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [ref.name] }));
    } catch (error) {
      // Gone meanwhile.
      if (!isAwsError(error, 'ResourceNotFound', 'ResourceNotFoundException')) throw error;
    }
  },
};

/** What an alarm's definition facet works on: the alarm as the lifecycle found it. */
export interface AlarmContext {
  cloudwatch: CloudWatchClient;
  arn: string;
  definition: AlarmDefinition;
  found: FoundAlarm;
}

/** alarm.definition: every field Seawall sets, from the region's one DescribeAlarms. */
export const alarmDefinitionFacet: Facet<
  AlarmContext,
  Partial<AlarmDefinition>,
  AlarmDefinition
> = {
  name: 'alarm.definition',
  calls: ['cloudwatch:PutMetricAlarm'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => definitionOf(ctx.found.alarm),
  desired: (ctx) => ctx.definition,
  diff: diffAlarm,
  async apply(ctx, desired) {
    // PutMetricAlarm replaces the whole definition (the tags stay as they are).
    await ctx.cloudwatch.send(new PutMetricAlarmCommand(desired));
  },
};

export interface StaleAlarmsCtx {
  alarms: RegionAlarms;
  /** Names the spec still asks for in this region. */
  wanted: string[];
  owner: string;
}

/** Pure: alarms under this monitor's prefix that the spec no longer lists. */
export function staleAlarms(
  alarms: readonly MetricAlarm[],
  wanted: readonly string[],
): MetricAlarm[] {
  const keep = new Set(wanted);
  return alarms.filter((a) => a.AlarmName && !keep.has(a.AlarmName));
}

/**
 * alarm.removed: alarms under the prefix that the spec no longer lists go — through the
 * lifecycle's `retire`, so only one carrying this owner's tag is deleted.
 */
export const staleAlarmsFacet: Facet<StaleAlarmsCtx, readonly MetricAlarm[], string[]> = {
  name: 'alarm.removed',
  calls: ['cloudwatch:ListTagsForResource', 'cloudwatch:DeleteAlarms'],
  resource: (ctx) => `cloudwatch:${ctx.alarms.region}:${ctx.alarms.prefix}*`,
  observe: async (ctx) => ctx.alarms.alarms,
  desired: (ctx) => ctx.wanted,
  diff: (wanted, observed) =>
    staleAlarms(observed, wanted).map((a) => ({
      field: `Alarm[${a.AlarmName}]`,
      expected: undefined,
      observed: 'present',
    })),
  async apply(ctx, wanted, observed) {
    await retireAlarms(ctx.alarms, staleAlarms(observed, wanted), ctx.owner);
  },
};

/** Deletes each of `alarms` that carries this owner's tag; leaves any other. */
export async function retireAlarms(
  region: RegionAlarms,
  alarms: readonly MetricAlarm[],
  owner: string,
): Promise<void> {
  for (const alarm of alarms) {
    if (!alarm.AlarmName) continue;
    const ref = { alarms: region, name: alarm.AlarmName, arn: alarm.AlarmArn ?? alarm.AlarmName };
    await retire(cloudWatchAlarm, ref, owner);
  }
}
