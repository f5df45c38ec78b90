// Alarms: billing (us-east-1) and S3 storage (each bucket's region). One DescribeAlarms
// per region (RegionAlarms) serves every alarm's lifecycle read, the removal of alarms
// the spec dropped, and the states status shows. Regions looked in: those with alarms
// now, and those that had alarms before (status remembers them).
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AlarmStatus } from '../../../api/costmonitor.ts';
import type { AwsClients } from '../../../aws/clients.ts';
import {
  alarmArn,
  alarmDefinitionFacet,
  cloudWatchAlarm,
  type RegionAlarms,
  readRegionAlarms,
  retireAlarms,
  staleAlarmsFacet,
} from '../../../aws/cloudwatch/alarms.ts';
import { withOwnerTag } from '../../../aws/ownership.ts';
import { type PlannedAlarm, planAlarms, type ResolvedBucket } from '../settings.ts';
import type { CostMonitorSteps } from './context.ts';

/** Every alarm, there and as specified; their states go to status. */
export async function alarms(
  steps: CostMonitorSteps,
  buckets: ResolvedBucket[],
  topics: Map<string, string>,
): Promise<void> {
  const planned = planAlarms(steps.settings, buckets, (region) => topics.get(region) ?? '');
  const regions = new Set([
    ...planned.map((a) => a.region),
    ...(steps.status.alarms ?? []).map((a) => a.region),
  ]);
  const statuses: AlarmStatus[] = [];
  for (const region of [...regions].sort()) {
    const snapshot = await readRegionAlarms(
      steps.aws.cloudwatch(region),
      region,
      steps.settings.alarmPrefix,
    );
    const here = planned.filter((a) => a.region === region);
    for (const alarm of here) statuses.push(await ensureAlarm(steps, snapshot, alarm));
    await steps.facet(staleAlarmsFacet, {
      alarms: snapshot,
      wanted: here.map((a) => a.definition.AlarmName),
      owner: steps.owner,
    });
  }
  if (statuses.length > 0) steps.status.alarms = statuses;
  else delete steps.status.alarms;
  steps.status.alarmsInAlarm = statuses.filter((a) => a.state === 'ALARM').length;
}

/** One alarm through the lifecycle, then its definition; returns its status. */
async function ensureAlarm(
  steps: CostMonitorSteps,
  snapshot: RegionAlarms,
  alarm: PlannedAlarm,
): Promise<AlarmStatus> {
  const name = alarm.definition.AlarmName;
  const { partition, accountId } = steps.account;
  const arn = alarmArn(partition, snapshot.region, accountId, name);
  const recorded = (steps.status.alarms ?? []).some(
    (a) => a.name === name && a.region === snapshot.region,
  );
  const ensured = await steps.ensure(
    cloudWatchAlarm,
    { alarms: snapshot, name, arn, definition: alarm.definition, recorded },
    {
      owner: steps.owner,
      tags: withOwnerTag(undefined, steps.owner),
      remedy: 'Delete or rename that alarm: its name is under this CostMonitor’s prefix',
    },
  );
  await steps.facet(alarmDefinitionFacet, {
    cloudwatch: snapshot.cloudwatch,
    arn,
    definition: alarm.definition,
    found: ensured.found,
  });
  return alarmStatusOf(alarm, ensured.found.alarm);
}

/** Pure: an alarm's status line, its state as DescribeAlarms returned it. */
export function alarmStatusOf(alarm: PlannedAlarm, found: MetricAlarm): AlarmStatus {
  return {
    name: alarm.definition.AlarmName,
    kind: alarm.kind,
    region: alarm.region,
    threshold: alarm.definition.Threshold,
    ...(found.StateValue ? { state: found.StateValue } : {}),
    ...(found.StateReason ? { stateReason: found.StateReason.slice(0, 1024) } : {}),
    ...(found.StateUpdatedTimestamp
      ? { stateUpdatedAt: found.StateUpdatedTimestamp.toISOString() }
      : {}),
  };
}

/** Deletes every alarm under the prefix in `region` that carries this owner's tag. */
export async function retireRegionAlarms(
  aws: AwsClients,
  region: string,
  prefix: string,
  owner: string,
): Promise<void> {
  const snapshot = await readRegionAlarms(aws.cloudwatch(region), region, prefix);
  await retireAlarms(snapshot, snapshot.alarms, owner);
}
