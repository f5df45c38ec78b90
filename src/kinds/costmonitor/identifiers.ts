// What a CostMonitor owns in AWS, by the names CloudTrail events give them (ADR 70): its
// topics and their keys, its alarms, its dashboard, its audit trail with its key and log
// bucket — read from status, where each is recorded once made. Billing alarms and IAM
// live in us-east-1, so that region is always listened to.
import type { CostMonitor } from '../../api/costmonitor.ts';
import { arnIds, type ObjectResources } from '../../runtime/drift-events.ts';

export function costMonitorResources(object: CostMonitor): ObjectResources {
  const status = object.status ?? {};
  const regions = [object.spec.region, 'us-east-1'];
  const ids: string[] = [];
  for (const topic of status.topics ?? []) {
    regions.push(topic.region);
    ids.push(...arnIds(topic.arn), ...arnIds(topic.keyArn));
  }
  for (const alarm of status.alarms ?? []) {
    regions.push(alarm.region);
    ids.push(alarm.name);
  }
  if (status.dashboard) ids.push(status.dashboard.name, ...arnIds(status.dashboard.arn));
  const trail = status.auditTrail;
  if (trail) {
    ids.push(trail.name, ...arnIds(trail.arn), ...arnIds(trail.keyArn));
    if (trail.logBucket) ids.push(trail.logBucket);
  }
  return { regions: [...new Set(regions)].sort(), ids: [...new Set(ids)] };
}
