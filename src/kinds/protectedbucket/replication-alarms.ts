// The replication alarms of a ProtectedBucket whose backup has Replication Time Control
// (and so replication metrics): OperationsFailedReplication > 0 and ReplicationLatency
// over the 15-minute SLA, in the source bucket's region. Each is a CloudWatch alarm on
// the one lifecycle (owner tag in the create call, ownership decided there, a definition
// facet for drift). When RTC is turned off or the backup removed they are retired — read
// only when status records them, so a bucket that never had them spends no call.
import { accountOf } from '../../aws/account.ts';
import type { AwsClients } from '../../aws/clients.ts';
import {
  type AlarmDefinition,
  alarmArn,
  alarmDefinitionFacet,
  cloudWatchAlarm,
  readRegionAlarms,
  replicationFailedAlarm,
  replicationLatencyAlarm,
  retireAlarms,
} from '../../aws/cloudwatch/alarms.ts';
import { withOwnerTag } from '../../aws/ownership.ts';
import { REPLICATION_RULE_ID } from '../../aws/s3/replication.ts';
import type { ReconcileSteps } from '../steps.ts';

/** `seawall-pb/<namespace>/<name>/`: apart from CostMonitor prefixes (`seawall/…`). */
export function replicationAlarmPrefix(namespace: string, name: string): string {
  return `seawall-pb/${namespace}/${name}/`;
}

export function replicationAlarms(
  prefix: string,
  source: string,
  destination: string,
): AlarmDefinition[] {
  const what = `s3://${source} → s3://${destination}`;
  return [
    replicationFailedAlarm(
      prefix,
      source,
      destination,
      REPLICATION_RULE_ID,
      `Seawall: replication operations failed (${what})`,
    ),
    replicationLatencyAlarm(
      prefix,
      source,
      destination,
      REPLICATION_RULE_ID,
      `Seawall: replicas later than the 15-minute Replication Time Control SLA (${what})`,
    ),
  ];
}

export interface ReplicationAlarmStatus {
  name: string;
  state?: string;
}

export async function ensureReplicationAlarms(
  steps: ReconcileSteps<unknown, unknown>,
  options: {
    aws: AwsClients;
    region: string;
    prefix: string;
    owner: string;
    /** Undefined: none wanted (RTC off, no backup). */
    wanted: AlarmDefinition[] | undefined;
    recorded: ReplicationAlarmStatus[] | undefined;
  },
): Promise<ReplicationAlarmStatus[] | undefined> {
  const { aws, region, prefix, owner, wanted, recorded } = options;
  if (!wanted && !recorded?.length) return undefined;
  const snapshot = await readRegionAlarms(aws.cloudwatch(region), region, prefix);
  if (!wanted) {
    if (steps.mayCreate) await retireAlarms(snapshot, snapshot.alarms, owner);
    return undefined;
  }
  const { partition, accountId } = await accountOf(aws);
  const statuses: ReplicationAlarmStatus[] = [];
  for (const definition of wanted) {
    const name = definition.AlarmName;
    const arn = alarmArn(partition, region, accountId, name);
    const ensured = await steps.ensure(
      cloudWatchAlarm,
      {
        alarms: snapshot,
        name,
        arn,
        definition,
        recorded: (recorded ?? []).some((a) => a.name === name),
      },
      {
        owner,
        tags: withOwnerTag(undefined, owner),
        remedy: 'Delete or rename that alarm: its name is under this ProtectedBucket’s prefix',
      },
    );
    await steps.facet(alarmDefinitionFacet, {
      cloudwatch: snapshot.cloudwatch,
      arn,
      definition,
      found: ensured.found,
    });
    const state = ensured.found.alarm.StateValue;
    statuses.push({ name, ...(state ? { state } : {}) });
  }
  return statuses;
}
