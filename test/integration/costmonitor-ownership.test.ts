// ADR 5 for a CostMonitor's resources, decided by the one lifecycle: a topic, alarm,
// dashboard or trail of the same name that Seawall did not make stalls the CostMonitor
// (NotOwned, saying what to do: a CostMonitor has no adoptExisting), one another Seawall
// object made stalls it as OwnedByAnother — and either is left exactly as it was. An
// alarm someone put under the CostMonitor's prefix is never removed with the ones the
// spec dropped, and deletion takes only what carries this CostMonitor's owner mark.
import { CreateTrailCommand, GetTrailCommand } from '@aws-sdk/client-cloudtrail';
import {
  DescribeAlarmsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CostMonitorSpec } from '../../src/api/costmonitor.ts';
import { cloudTrailBucketStatements } from '../../src/aws/cloudtrail/trail.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { converge, costMonitor, FakeBuckets, reconcile } from './costmonitor-fixtures.ts';

const NS = 'ownership';
const REGION = 'ca-central-1';
const BILLING = 'us-east-1';

describe('CostMonitor ownership, decided by the lifecycle', () => {
  let account: TestAccount;
  const buckets = new FakeBuckets();
  const deps = () => ({ aws: account.operator.clients, buckets });

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  it('a topic another CostMonitor owns: Stalled OwnedByAnother, the topic untouched', async () => {
    const topicName = uniqueName('alerts');
    const sns = account.admin.clients.sns(BILLING);
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({
        Name: topicName,
        Attributes: { DisplayName: 'theirs' },
        Tags: [{ Key: 'seawall.dev/owner', Value: `${NS}/CostMonitor/someone-else` }],
      }),
    );
    const spec: CostMonitorSpec = {
      region: REGION,
      notifications: { topicName },
      billing: { thresholds: [{ name: 'hard', amountUSD: 100 }] },
    };
    const { result } = await converge(deps(), costMonitor(NS, uniqueName('cm'), spec));
    expect(result.outcome).toBe('stalled');
    expect(result.error?.reason).toBe('OwnedByAnother');
    expect(result.error?.message).toContain(`SNS topic ${topicName} in ${BILLING}`);
    expect(result.error?.message).toContain(`${NS}/CostMonitor/someone-else`);
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    expect(Attributes?.DisplayName).toBe('theirs');
    expect(Attributes?.KmsMasterKeyId).toBeUndefined();
  });

  it('a dashboard a person made: Stalled NotOwned naming the field to change, not overwritten', async () => {
    const name = uniqueName('cm');
    const dashboardName = uniqueName('board');
    const cloudwatch = account.admin.clients.cloudwatch(BILLING);
    const theirs = JSON.stringify({
      widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 2, properties: { markdown: 'x' } }],
    });
    await cloudwatch.send(
      new PutDashboardCommand({ DashboardName: dashboardName, DashboardBody: theirs }),
    );
    const { result } = await converge(
      deps(),
      costMonitor(NS, name, { region: REGION, dashboard: { name: dashboardName } }),
    );
    expect(result.error?.reason).toBe('NotOwned');
    expect(result.error?.message).toContain('Choose another dashboard.name');
    expect(result.error?.message).not.toContain('adoptExisting');
    const after = await cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboardName }));
    expect(JSON.parse(after.DashboardBody ?? '')).toEqual(JSON.parse(theirs));
  });

  it('an alarm a person put under the prefix: NotOwned when the spec names it, kept when it does not', async () => {
    const name = uniqueName('cm');
    const prefix = `seawall/${NS}/${name}/`;
    const cloudwatch = account.admin.clients.cloudwatch(BILLING);
    const alarm = (suffix: string) =>
      new PutMetricAlarmCommand({
        AlarmName: `${prefix}${suffix}`,
        Namespace: 'AWS/Billing',
        MetricName: 'EstimatedCharges',
        Dimensions: [{ Name: 'Currency', Value: 'USD' }],
        Statistic: 'Maximum',
        Period: 21600,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    await cloudwatch.send(alarm('billing/hard'));
    await cloudwatch.send(alarm('billing/mine'));
    const spec: CostMonitorSpec = {
      region: REGION,
      billing: { thresholds: [{ name: 'hard', amountUSD: 100, notifyTopic: false }] },
    };
    const stalled = await converge(deps(), costMonitor(NS, name, spec));
    expect(stalled.result.error?.reason).toBe('NotOwned');
    expect(stalled.result.error?.message).toContain(`CloudWatch alarm ${prefix}billing/hard`);

    // Under another threshold name the CostMonitor converges; the person's alarms stay,
    // though they are under its prefix and the spec does not list them.
    const renamed = {
      ...stalled.next,
      metadata: { ...stalled.next.metadata, generation: 2 },
      spec: { ...spec, billing: { thresholds: [{ name: 'soft', amountUSD: 100 }] } },
    };
    const ready = await converge(deps(), renamed);
    expect(ready.result.error).toBeUndefined();
    expect(ready.result.outcome).toBe('ready');
    const names = (
      await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }))
    ).MetricAlarms?.map((a) => a.AlarmName).sort();
    expect(names).toEqual([
      `${prefix}billing/hard`,
      `${prefix}billing/mine`,
      `${prefix}billing/soft`,
    ]);

    // Deleted under Delete: its own alarm goes, the person's stay.
    const deleting = {
      ...ready.next,
      spec: { ...ready.next.spec, deletionPolicy: 'Delete' as const },
      metadata: { ...ready.next.metadata, deletionTimestamp: new Date().toISOString() },
    };
    const gone = await reconcile(deps(), deleting);
    expect(gone.result.outcome).toBe('finalized');
    const left = (
      await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }))
    ).MetricAlarms?.map((a) => a.AlarmName).sort();
    expect(left).toEqual([`${prefix}billing/hard`, `${prefix}billing/mine`]);
  });

  it('a trail a person made: Stalled NotOwned, and deletion leaves it', async () => {
    const name = uniqueName('cm');
    const trailName = uniqueName('audit');
    const bucket = uniqueName('sw-own-log');
    const s3 = account.admin.clients.s3(REGION);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    const arnOfTrail = `arn:aws:cloudtrail:${REGION}:${account.accountId}:trail/${trailName}`;
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: cloudTrailBucketStatements(
            'aws',
            account.accountId,
            bucket,
            undefined,
            arnOfTrail,
          ),
        }),
      }),
    );
    const cloudtrail = account.admin.clients.cloudtrail(REGION);
    await cloudtrail.send(new CreateTrailCommand({ Name: trailName, S3BucketName: bucket }));
    const object = costMonitor(NS, name, {
      region: REGION,
      deletionPolicy: 'Delete',
      auditTrail: { name: trailName, logBucket: { existingBucketName: bucket } },
    });
    const { result, next } = await converge(deps(), object);
    expect(result.error?.reason).toBe('NotOwned');
    expect(result.error?.message).toContain('Choose another auditTrail.name');
    const { Trail } = await cloudtrail.send(new GetTrailCommand({ Name: trailName }));
    expect(Trail?.IsMultiRegionTrail).toBe(false);
    expect(Trail?.KmsKeyId).toBeUndefined();

    const deleting = {
      ...next,
      metadata: { ...next.metadata, deletionTimestamp: new Date().toISOString() },
    };
    const gone = await reconcile(deps(), deleting);
    expect(gone.result.outcome).toBe('finalized');
    const still = await cloudtrail.send(new GetTrailCommand({ Name: trailName }));
    expect(still.Trail?.TrailARN).toBe(arnOfTrail);
  });
});
