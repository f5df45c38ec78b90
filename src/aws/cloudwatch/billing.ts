// The latest month-to-date estimated charges, for status. AWS publishes
// AWS/Billing EstimatedCharges (Currency=USD) only in us-east-1, a few times a day, and
// only once "Receive Billing Alerts" is enabled in the account's billing preferences.
import { type CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';

export interface EstimatedCharges {
  amountUSD: number;
  at: Date;
}

/** Looks back two days: long enough to span the gaps between billing datapoints. */
export const BILLING_LOOKBACK_MS = 2 * 86_400_000;

/** `cloudwatch`: a client of BILLING_REGION, the only region with billing metrics. */
export async function readEstimatedCharges(
  cloudwatch: CloudWatchClient,
  now: Date,
): Promise<EstimatedCharges | undefined> {
  const { Datapoints = [] } = await cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/Billing',
      MetricName: 'EstimatedCharges',
      Dimensions: [{ Name: 'Currency', Value: 'USD' }],
      StartTime: new Date(now.getTime() - BILLING_LOOKBACK_MS),
      // End is exclusive; a datapoint stamped "now" must count.
      EndTime: new Date(now.getTime() + 60_000),
      Period: 3600,
      Statistics: ['Maximum'],
    }),
  );
  return latestDatapoint(Datapoints);
}

/** Pure: the newest datapoint's maximum. */
export function latestDatapoint(
  datapoints: { Timestamp?: Date; Maximum?: number }[],
): EstimatedCharges | undefined {
  let latest: EstimatedCharges | undefined;
  for (const d of datapoints) {
    if (!d.Timestamp || d.Maximum === undefined) continue;
    if (!latest || d.Timestamp > latest.at) latest = { amountUSD: d.Maximum, at: d.Timestamp };
  }
  return latest;
}
