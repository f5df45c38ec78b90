// The dashboard: through the lifecycle (its owner marker is its owner tag), then its body.
// A dashboard renamed or removed from the spec goes (retire: only one whose marker names
// this CostMonitor).
import type { AwsClients } from '../../../aws/clients.ts';
import {
  cloudWatchDashboard,
  DASHBOARD_API_REGION,
  type DashboardInput,
  dashboardArn,
  dashboardBody,
  dashboardBodyFacet,
} from '../../../aws/cloudwatch/dashboard.ts';
import { retire } from '../../../aws/lifecycle.ts';
import { withOwnerTag } from '../../../aws/ownership.ts';
import type { ResolvedBucket } from '../settings.ts';
import type { CostMonitorSteps } from './context.ts';

export async function dashboard(steps: CostMonitorSteps, buckets: ResolvedBucket[]): Promise<void> {
  const spec = steps.settings.dashboard;
  const previous = steps.status.dashboard?.name;
  if (previous && previous !== spec?.name && steps.mayCreate) {
    await retireDashboard(steps.aws, steps.account, previous, steps.owner);
  }
  if (!spec) {
    delete steps.status.dashboard;
    return;
  }
  const { budgetUSD, billingThresholds } = steps.settings;
  const input: DashboardInput = {
    name: spec.name,
    owner: steps.owner,
    ...(budgetUSD !== undefined ? { budgetUSD } : {}),
    billing: billingThresholds.length > 0 || budgetUSD !== undefined,
    buckets: buckets.map((b) => ({ bucketName: b.bucketName, region: b.region })),
    pipelines: spec.pipelines,
  };
  const cloudwatch = steps.aws.cloudwatch(DASHBOARD_API_REGION);
  const arn = dashboardArn(steps.account.partition, steps.account.accountId, spec.name);
  const body = dashboardBody(input);
  const ensured = await steps.ensure(
    cloudWatchDashboard,
    { cloudwatch, name: spec.name, arn, body, recorded: previous === spec.name },
    {
      owner: steps.owner,
      tags: withOwnerTag(undefined, steps.owner),
      remedy: 'Choose another dashboard.name',
    },
  );
  await steps.facet(dashboardBodyFacet, { cloudwatch, arn, input, found: ensured.found });
  steps.status.dashboard = { name: spec.name, arn, widgets: body.widgets.length };
}

/** Deletes the dashboard if its owner marker names this CostMonitor. */
export async function retireDashboard(
  aws: AwsClients,
  account: { partition: string; accountId: string },
  name: string,
  owner: string,
): Promise<void> {
  const cloudwatch = aws.cloudwatch(DASHBOARD_API_REGION);
  const arn = dashboardArn(account.partition, account.accountId, name);
  await retire(cloudWatchDashboard, { cloudwatch, name, arn }, owner);
}
