// Metric alarms Seawall owns: billing (AWS/Billing EstimatedCharges, us-east-1 only) and
// S3 storage (AWS/S3 BucketSizeBytes and NumberOfObjects, daily, in the bucket's region).
//
// Every alarm of one CostMonitor shares a name prefix (`seawall/<namespace>/<name>/`; a
// `/` cannot occur in a Kubernetes name, so one monitor's prefix never matches another's).
// One DescribeAlarms per region reads all of them: each alarm's facet and the facet that
// removes alarms the spec no longer lists share that read, and status shows the states it
// returned. Ownership (the owner tag) is read only before a write.
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  ListTagsForResourceCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { OWNER_TAG } from '../../api/common.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { AwsClients } from '../clients.ts';
import { diffFields, type Facet, type FieldDiff } from '../facet.ts';

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
  return {
    AlarmName: `${prefix}bucket/${bucket}/size`,
    AlarmDescription: description,
    Namespace: 'AWS/S3',
    MetricName: 'BucketSizeBytes',
    Dimensions: sortDimensions([
      { Name: 'BucketName', Value: bucket },
      { Name: 'StorageType', Value: 'StandardStorage' },
    ]),
    Statistic: 'Average',
    Period: S3_METRIC_PERIOD,
    EvaluationPeriods: 1,
    Threshold: Math.round(maxGiB * GIB),
    ComparisonOperator: 'GreaterThanThreshold',
    // S3 publishes nothing for an empty new bucket: that is not a breach.
    TreatMissingData: 'notBreaching',
    ActionsEnabled: true,
    AlarmActions: normalizeActions(actions),
  };
}

export function bucketObjectsAlarm(
  prefix: string,
  bucket: string,
  maxObjects: number,
  actions: string[],
  description: string,
): AlarmDefinition {
  return {
    AlarmName: `${prefix}bucket/${bucket}/objects`,
    AlarmDescription: description,
    Namespace: 'AWS/S3',
    MetricName: 'NumberOfObjects',
    Dimensions: sortDimensions([
      { Name: 'BucketName', Value: bucket },
      { Name: 'StorageType', Value: 'AllStorageTypes' },
    ]),
    Statistic: 'Average',
    Period: S3_METRIC_PERIOD,
    EvaluationPeriods: 1,
    Threshold: maxObjects,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    ActionsEnabled: true,
    AlarmActions: normalizeActions(actions),
  };
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

/** Pure: a missing alarm is one difference; otherwise every definition field. */
export function diffAlarm(
  desired: AlarmDefinition,
  observed: MetricAlarm | undefined,
): FieldDiff[] {
  if (!observed) return [{ field: 'Alarm', expected: 'created', observed: undefined }];
  const { AlarmName: _name, ...wanted } = desired;
  const { AlarmName: _observedName, ...found } = definitionOf(observed);
  return diffFields(wanted, found);
}

/**
 * The alarms of one CostMonitor in one region, read once per reconcile however many
 * facets ask. Reads only.
 */
export class RegionAlarms {
  readonly region: string;
  readonly prefix: string;
  readonly #clients: AwsClients;
  #read: Promise<MetricAlarm[]> | undefined;

  constructor(clients: AwsClients, region: string, prefix: string) {
    this.#clients = clients;
    this.region = region;
    this.prefix = prefix;
  }

  all(): Promise<MetricAlarm[]> {
    this.#read ??= this.#describe();
    return this.#read;
  }

  async #describe(): Promise<MetricAlarm[]> {
    const found: MetricAlarm[] = [];
    let NextToken: string | undefined;
    do {
      const page: DescribeAlarmsCommandOutput = await this.#clients.cloudwatch(this.region).send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: this.prefix,
          AlarmTypes: ['MetricAlarm'],
          NextToken,
        }),
      );
      found.push(...(page.MetricAlarms ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  }
}

export interface AlarmCtx {
  clients: AwsClients;
  alarms: RegionAlarms;
  definition: AlarmDefinition;
  owner: string;
  accountId: string;
  partition: string;
}

export function alarmArn(partition: string, region: string, accountId: string, name: string) {
  return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

export const alarmFacet: Facet<AlarmCtx, MetricAlarm | undefined, AlarmDefinition> = {
  calls: [
    'cloudwatch:DescribeAlarms',
    'cloudwatch:ListTagsForResource',
    'cloudwatch:PutMetricAlarm',
  ],
  name: 'alarm.definition',
  resource: (ctx) =>
    alarmArn(ctx.partition, ctx.alarms.region, ctx.accountId, ctx.definition.AlarmName),
  async observe(ctx) {
    return (await ctx.alarms.all()).find((a) => a.AlarmName === ctx.definition.AlarmName);
  },
  desired: (ctx) => ctx.definition,
  diff: diffAlarm,
  async apply(ctx, desired, observed) {
    const cloudwatch = ctx.clients.cloudwatch(ctx.alarms.region);
    if (observed?.AlarmArn) {
      await assertAlarmOwned(ctx.clients, ctx.alarms.region, observed.AlarmArn, ctx.owner);
    }
    // PutMetricAlarm replaces the whole definition; tags are only taken on creation.
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        ...desired,
        ...(observed ? {} : { Tags: [{ Key: OWNER_TAG, Value: ctx.owner }] }),
      }),
    );
  },
};

export interface StaleAlarmsCtx {
  clients: AwsClients;
  alarms: RegionAlarms;
  /** Names the spec still asks for in this region. */
  wanted: Set<string>;
  owner: string;
}

/** Pure: alarms under this monitor's prefix that the spec no longer lists. */
export function staleAlarms(alarms: MetricAlarm[], wanted: Set<string>): MetricAlarm[] {
  return alarms.filter((a) => a.AlarmName && !wanted.has(a.AlarmName));
}

export const staleAlarmsFacet: Facet<StaleAlarmsCtx, MetricAlarm[], Set<string>> = {
  calls: ['cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
  name: 'alarm.removed',
  resource: (ctx) => `cloudwatch:${ctx.alarms.region}:${ctx.alarms.prefix}*`,
  observe: async (ctx) => ctx.alarms.all(),
  desired: (ctx) => ctx.wanted,
  diff: (wanted, observed) =>
    staleAlarms(observed, wanted).map((a) => ({
      field: `Alarm[${a.AlarmName}]`,
      expected: undefined,
      observed: 'present',
    })),
  async apply(ctx, wanted, observed) {
    const owned: string[] = [];
    for (const alarm of staleAlarms(observed, wanted)) {
      if (!alarm.AlarmArn || !alarm.AlarmName) continue;
      // Never delete an alarm someone else made under our prefix.
      if ((await alarmOwner(ctx.clients, ctx.alarms.region, alarm.AlarmArn)) === ctx.owner) {
        owned.push(alarm.AlarmName);
      }
    }
    if (owned.length > 0) {
      await ctx.clients
        .cloudwatch(ctx.alarms.region)
        .send(new DeleteAlarmsCommand({ AlarmNames: owned }));
    }
  },
};

export async function alarmOwner(
  clients: AwsClients,
  region: string,
  arn: string,
): Promise<string | undefined> {
  const { Tags = [] } = await clients
    .cloudwatch(region)
    .send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return Tags.find((t) => t.Key === OWNER_TAG)?.Value;
}

async function assertAlarmOwned(clients: AwsClients, region: string, arn: string, owner: string) {
  const found = await alarmOwner(clients, region, arn);
  if (found !== owner) {
    throw new StalledError(
      'NotOwned',
      `alarm ${arn} exists but is ${found ? `owned by ${found}` : 'not tagged as created by Seawall'}; Seawall will not change it.`,
    );
  }
}

/** Deletes every alarm under the prefix that carries this owner's tag (clean-up). */
export async function deleteOwnedAlarms(
  clients: AwsClients,
  region: string,
  prefix: string,
  owner: string,
): Promise<void> {
  const alarms = new RegionAlarms(clients, region, prefix);
  const nothingWanted = new Set<string>();
  await staleAlarmsFacet.apply(
    { clients, alarms, wanted: nothingWanted, owner },
    nothingWanted,
    await alarms.all(),
  );
}
