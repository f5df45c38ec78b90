// Estimated charges: the latest month-to-date AWS/Billing datapoint, read into status when
// the spec has a billing section. Nothing is written: the billing alarms are the alarms
// step's.
import { BILLING_REGION } from '../../../aws/cloudwatch/alarms.ts';
import { readEstimatedCharges } from '../../../aws/cloudwatch/billing.ts';
import type { CostMonitorSteps } from './context.ts';

export async function billing(steps: CostMonitorSteps): Promise<void> {
  const { budgetUSD, billingThresholds } = steps.settings;
  if (budgetUSD === undefined && billingThresholds.length === 0) {
    delete steps.status.billing;
    return;
  }
  const now = steps.request.now;
  const charges = await readEstimatedCharges(steps.aws.cloudwatch(BILLING_REGION), now);
  steps.status.billing = {
    ...(charges
      ? { estimatedChargesUSD: charges.amountUSD, datapointAt: charges.at.toISOString() }
      : {}),
    readAt: now.toISOString(),
  };
}
