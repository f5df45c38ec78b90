// CostMonitor against the real local stack (moto): everything created as specified and
// read back with the SDK, a steady-state check with zero writes, drift corrected (trail
// stopped, alarm threshold changed, dashboard edited; an alarm and the dashboard deleted by
// hand made again, or only recorded under Report), alarm states and estimated charges
// in status, waiting for a ProtectedBucket, and deletion under Retain and Delete.
import {
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  ListTagsForResourceCommand as ListAlarmTagsCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand as ListTopicTagsCommand,
  SetTopicAttributesCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CostMonitorSpec } from '../../src/api/costmonitor.ts';
import { cloudTrailBucketStatements } from '../../src/aws/cloudtrail/trail.ts';
import { parsePolicy } from '../../src/aws/iam/policy-document.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import {
  CallLog,
  converge,
  costMonitor,
  FakeBuckets,
  readsByOperation,
  readyProtectedBucket,
  reconcile,
} from './costmonitor-fixtures.ts';

const NS = 'monitoring';
const REGION = 'ca-central-1';
const BILLING = 'us-east-1';

function fullSpec(logBucket: string, trailName: string): CostMonitorSpec {
  return {
    region: REGION,
    notifications: {
      subscriptions: [
        { protocol: 'email', endpoint: 'data-team@example.org' },
        { protocol: 'https', endpoint: 'https://hooks.example.org/seawall' },
      ],
    },
    billing: {
      monthlyBudgetUSD: 200,
      thresholds: [
        { name: 'half', percentOfBudget: 50 },
        { name: 'hard', amountUSD: 180 },
      ],
    },
    buckets: [{ bucketRef: { name: 'raw-data' }, maxSizeGiB: 10, maxObjects: 1000 }],
    dashboard: { qualityPipelines: [{ name: 'permits' }] },
    auditTrail: { name: trailName, logBucket: { bucketName: logBucket, retentionDays: 400 } },
  };
}

describe('CostMonitor reconciler against moto', () => {
  let account: TestAccount;
  let log: CallLog;
  let buckets: FakeBuckets;
  const rawBucket = uniqueName('sw-raw');

  beforeAll(async () => {
    account = await isolatedAccount();
    log = new CallLog();
    account.operator.clients.observe(log.observer);
    buckets = new FakeBuckets();
    buckets.put(readyProtectedBucket(NS, 'raw-data', rawBucket, REGION));
  });

  const deps = () => ({ aws: account.operator.clients, buckets });

  it('creates everything as specified; a steady-state check makes zero writes', async () => {
    const name = uniqueName('cm');
    const logBucket = uniqueName('sw-audit');
    const trailName = uniqueName('audit');
    const owner = `${NS}/CostMonitor/${name}`;
    const first = await converge(deps(), costMonitor(NS, name, fullSpec(logBucket, trailName)));
    expect(first.result.error).toBeUndefined();
    expect(first.result.outcome).toBe('ready');
    const status = first.result.status;

    // Topics: one in us-east-1 (billing) and one in the bucket region, each with its key.
    expect(status.topics?.map((t) => t.region)).toEqual([REGION, BILLING].sort());
    for (const topic of status.topics ?? []) {
      const sns = account.admin.clients.sns(topic.region);
      const { Attributes = {} } = await sns.send(
        new GetTopicAttributesCommand({ TopicArn: topic.arn }),
      );
      expect(Attributes.KmsMasterKeyId).toBe(topic.keyArn);
      const tags = await sns.send(new ListTopicTagsCommand({ ResourceArn: topic.arn }));
      expect(tags.Tags).toContainEqual({ Key: 'seawall.dev/owner', Value: owner });
      const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.arn }));
      expect(subs.Subscriptions?.map((s) => `${s.Protocol}:${s.Endpoint}`).sort()).toEqual([
        'email:data-team@example.org',
        'https:https://hooks.example.org/seawall',
      ]);
      const policy = await account.admin.clients
        .kms(topic.region)
        .send(new GetKeyPolicyCommand({ KeyId: topic.keyArn, PolicyName: 'default' }));
      const statements = parsePolicy(policy.Policy)?.Statement ?? [];
      const cloudwatch = statements.find((s) => s.Sid === 'SeawallCloudWatchAlarmsEncrypt');
      expect(cloudwatch?.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
      expect(cloudwatch?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
    const billingTopic = status.topics?.find((t) => t.region === BILLING)?.arn;
    const bucketTopic = status.topics?.find((t) => t.region === REGION)?.arn;

    // Billing alarms in us-east-1: 50% of 200 = 100 USD, and 180 USD.
    const billing = await account.admin.clients
      .cloudwatch(BILLING)
      .send(new DescribeAlarmsCommand({ AlarmNamePrefix: `seawall/${NS}/${name}/` }));
    const byName = new Map(billing.MetricAlarms?.map((a) => [a.AlarmName, a]));
    const half = byName.get(`seawall/${NS}/${name}/billing/half`);
    expect(half?.Threshold).toBe(100);
    expect(half?.Namespace).toBe('AWS/Billing');
    expect(half?.MetricName).toBe('EstimatedCharges');
    expect(half?.Dimensions).toEqual([{ Name: 'Currency', Value: 'USD' }]);
    expect(half?.AlarmActions).toEqual([billingTopic]);
    expect(byName.get(`seawall/${NS}/${name}/billing/hard`)?.Threshold).toBe(180);
    const alarmTags = await account.admin.clients
      .cloudwatch(BILLING)
      .send(new ListAlarmTagsCommand({ ResourceARN: half?.AlarmArn }));
    expect(alarmTags.Tags).toContainEqual({ Key: 'seawall.dev/owner', Value: owner });

    // S3 alarms in the bucket's region, daily, with the documented storage types.
    const s3Alarms = await account.admin.clients
      .cloudwatch(REGION)
      .send(new DescribeAlarmsCommand({ AlarmNamePrefix: `seawall/${NS}/${name}/` }));
    const size = s3Alarms.MetricAlarms?.find((a) => a.MetricName === 'BucketSizeBytes');
    expect(size?.Threshold).toBe(10 * 1024 ** 3);
    expect(size?.Period).toBe(86400);
    expect(size?.Dimensions).toEqual([
      { Name: 'BucketName', Value: rawBucket },
      { Name: 'StorageType', Value: 'StandardStorage' },
    ]);
    expect(size?.AlarmActions).toEqual([bucketTopic]);
    const objects = s3Alarms.MetricAlarms?.find((a) => a.MetricName === 'NumberOfObjects');
    expect(objects?.Threshold).toBe(1000);
    expect(objects?.Dimensions).toContainEqual({ Name: 'StorageType', Value: 'AllStorageTypes' });

    // Status lists each alarm with its threshold and state.
    expect(status.alarms?.map((a) => [a.kind, a.region, a.threshold]).sort()).toEqual(
      [
        ['Billing', BILLING, 100],
        ['Billing', BILLING, 180],
        ['BucketObjects', REGION, 1000],
        ['BucketSize', REGION, 10 * 1024 ** 3],
      ].sort(),
    );

    // Dashboard: banner, charges, the bucket's two charts, the pipeline's score.
    const dashboard = await account.admin.clients
      .cloudwatch(BILLING)
      .send(new GetDashboardCommand({ DashboardName: `seawall-${NS}-${name}` }));
    const body = JSON.parse(dashboard.DashboardBody ?? '{}') as {
      widgets: { properties: { metrics?: string[][]; markdown?: string } }[];
    };
    expect(body.widgets).toHaveLength(5);
    expect(body.widgets[0]?.properties.markdown).toContain(`seawall.dev/owner: ${owner}`);
    const metrics = body.widgets.flatMap((w) => w.properties.metrics ?? []);
    expect(metrics).toContainEqual(['AWS/Billing', 'EstimatedCharges', 'Currency', 'USD']);
    expect(metrics).toContainEqual(['Seawall/DataQuality', 'Score', 'Pipeline', `${NS}/permits`]);
    expect(status.dashboard?.name).toBe(`seawall-${NS}-${name}`);

    // Trail: multi-region, validated, KMS-encrypted, logging, owned.
    const cloudtrail = account.admin.clients.cloudtrail(REGION);
    const { Trail } = await cloudtrail.send(new GetTrailCommand({ Name: trailName }));
    expect(Trail?.IsMultiRegionTrail).toBe(true);
    expect(Trail?.IncludeGlobalServiceEvents).toBe(true);
    expect(Trail?.LogFileValidationEnabled).toBe(true);
    expect(Trail?.S3BucketName).toBe(logBucket);
    expect(Trail?.KmsKeyId).toBe(status.auditTrail?.keyArn);
    const trailStatus = await cloudtrail.send(new GetTrailStatusCommand({ Name: trailName }));
    expect(trailStatus.IsLogging).toBe(true);
    const trailTags = await cloudtrail.send(
      new ListTagsCommand({ ResourceIdList: [Trail?.TrailARN ?? ''] }),
    );
    expect(trailTags.ResourceTagList?.[0]?.TagsList).toContainEqual({
      Key: 'seawall.dev/owner',
      Value: owner,
    });
    expect(status.auditTrail).toMatchObject({
      name: trailName,
      arn: Trail?.TrailARN,
      isLogging: true,
      state: 'Logging',
      logBucket,
    });
    const keyPolicy = await account.admin.clients
      .kms(REGION)
      .send(new GetKeyPolicyCommand({ KeyId: status.auditTrail?.keyArn, PolicyName: 'default' }));
    const encrypt = parsePolicy(keyPolicy.Policy)?.Statement.find(
      (s) => s.Sid === 'SeawallCloudTrailEncryptLogs',
    );
    expect(encrypt?.Condition).toEqual({
      StringEquals: { 'aws:SourceArn': Trail?.TrailARN },
      StringLike: {
        'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account.accountId}:trail/*`,
      },
    });

    // Log bucket: the ProtectedBucket protections, one policy, retention.
    const s3 = account.admin.clients.s3(REGION);
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: logBucket }));
    const rule = encryption.ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
    expect(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID).toBe(
      status.auditTrail?.keyArn,
    );
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: logBucket }))).Status).toBe(
      'Enabled',
    );
    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: logBucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: logBucket }));
    expect(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe('BucketOwnerEnforced');
    const bucketPolicy = parsePolicy(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: logBucket }))).Policy,
    );
    expect(bucketPolicy?.Statement.map((s) => s.Sid).sort()).toEqual([
      'SeawallCloudTrailAclCheck',
      'SeawallCloudTrailWrite',
      'SeawallDenyInsecureTransport',
    ]);
    const write = bucketPolicy?.Statement.find((s) => s.Sid === 'SeawallCloudTrailWrite');
    expect(write?.Resource).toBe(`arn:aws:s3:::${logBucket}/AWSLogs/${account.accountId}/*`);
    const lifecycle = await s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: logBucket }),
    );
    expect(lifecycle.Rules?.[0]?.Expiration?.Days).toBe(400);

    // Steady state: only reads.
    log.clear();
    const second = await reconcile(deps(), first.next);
    expect(second.result.error).toBeUndefined();
    expect(second.result.outcome).toBe('ready');
    expect(second.result.drift).toEqual([]);
    expect(log.writes()).toEqual([]);
    const reads = readsByOperation(log);
    console.log(`steady-state reads per CostMonitor: ${log.reads().length}`, reads);
    // 3 keys x 4 (DescribeKey, ListResourceTags, GetKeyRotationStatus, GetKeyPolicy),
    // 2 topics x 2, DescribeAlarms x 2 regions, GetMetricStatistics, GetDashboard,
    // 7 log-bucket facets, GetTrail + GetEventSelectors + GetTrailStatus.
    expect(log.reads().length).toBe(30);
  });

  it('corrects drift: trail stopped, alarm threshold changed, dashboard edited, topic and log bucket tampered with', async () => {
    const name = uniqueName('cm');
    const trailName = uniqueName('audit');
    const logBucket = uniqueName('sw-audit');
    const first = await converge(deps(), costMonitor(NS, name, fullSpec(logBucket, trailName)));
    expect(first.result.outcome).toBe('ready');

    const alarmName = `seawall/${NS}/${name}/billing/hard`;
    const cloudwatch = account.admin.clients.cloudwatch(BILLING);
    const [alarm] =
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] })))
        .MetricAlarms ?? [];
    await account.admin.clients
      .cloudtrail(REGION)
      .send(new StopLoggingCommand({ Name: trailName }));
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        Namespace: alarm?.Namespace,
        MetricName: alarm?.MetricName,
        Dimensions: alarm?.Dimensions,
        Statistic: alarm?.Statistic,
        Period: alarm?.Period,
        EvaluationPeriods: alarm?.EvaluationPeriods,
        ComparisonOperator: alarm?.ComparisonOperator,
        AlarmActions: alarm?.AlarmActions,
        AlarmDescription: alarm?.AlarmDescription,
        Threshold: 5000,
      }),
    );
    const dashboardName = `seawall-${NS}-${name}`;
    await cloudwatch.send(
      new PutDashboardCommand({
        DashboardName: dashboardName,
        DashboardBody: JSON.stringify({
          widgets: [
            { type: 'text', x: 0, y: 0, width: 6, height: 2, properties: { markdown: 'mine now' } },
          ],
        }),
      }),
    );
    // The billing topic loses its encryption and one subscription.
    const topic = first.result.status.topics?.find((t) => t.region === BILLING);
    const sns = account.admin.clients.sns(BILLING);
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topic?.arn,
        AttributeName: 'KmsMasterKeyId',
        AttributeValue: '',
      }),
    );
    const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic?.arn }));
    const hook = subs.Subscriptions?.find((s) => s.Protocol === 'https');
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: hook?.SubscriptionArn }));
    // The log bucket loses versioning and CloudTrail's policy statements.
    const s3 = account.admin.clients.s3(REGION);
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: logBucket,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    const policy = parsePolicy(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: logBucket }))).Policy,
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: logBucket,
        Policy: JSON.stringify({
          ...policy,
          Statement: policy?.Statement.filter((st) => st.Sid === 'SeawallDenyInsecureTransport'),
        }),
      }),
    );

    log.clear();
    const second = await reconcile(deps(), first.next);
    expect(second.result.error).toBeUndefined();
    expect(second.result.outcome).toBe('ready');
    const found = second.result.drift.map((d) => `${d.facet}.${d.field}:${d.action}`).sort();
    expect(found).toEqual(
      [
        'alarm.definition.Threshold:Corrected',
        'bucket.policy.Statement:Corrected',
        'bucket.versioning.Status:Corrected',
        'dashboard.body.DashboardBody:Corrected',
        'topic.attributes.KmsMasterKeyId:Corrected',
        'topic.subscriptions.Subscription[https:https://hooks.example.org/seawall]:Corrected',
        'trail.logging.IsLogging:Corrected',
      ].sort(),
    );
    expect(second.result.status.drift?.count).toBe(7);
    // Only the corrections were written.
    expect(
      log
        .writes()
        .map((w) => w.operation)
        .sort(),
    ).toEqual(
      [
        'PutBucketPolicy',
        'PutBucketVersioning',
        'PutDashboard',
        'PutMetricAlarm',
        'SetTopicAttributes',
        'StartLogging',
        'Subscribe',
      ].sort(),
    );

    const status = await account.admin.clients
      .cloudtrail(REGION)
      .send(new GetTrailStatusCommand({ Name: trailName }));
    expect(status.IsLogging).toBe(true);
    const [fixed] =
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] })))
        .MetricAlarms ?? [];
    expect(fixed?.Threshold).toBe(180);
    const dashboard = await cloudwatch.send(
      new GetDashboardCommand({ DashboardName: dashboardName }),
    );
    expect(dashboard.DashboardBody).toContain('seawall.dev/owner');
    const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn: topic?.arn }));
    expect(attributes.Attributes?.KmsMasterKeyId).toBe(topic?.keyArn);
    const restored = parsePolicy(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: logBucket }))).Policy,
    );
    expect(restored?.Statement).toHaveLength(3);
    // Drift is not found again on the next check: every comparison is semantic.
    const third = await reconcile(deps(), second.next);
    expect(third.result.drift).toEqual([]);
  });

  it('under driftPolicy Report, records drift without writing, and is not Ready', async () => {
    const name = uniqueName('cm');
    const trailName = uniqueName('audit');
    const spec: CostMonitorSpec = {
      ...fullSpec(uniqueName('sw-audit'), trailName),
      driftPolicy: 'Report',
    };
    const first = await converge(deps(), costMonitor(NS, name, spec));
    expect(first.result.outcome).toBe('ready');
    await account.admin.clients
      .cloudtrail(REGION)
      .send(new StopLoggingCommand({ Name: trailName }));

    log.clear();
    const second = await reconcile(deps(), first.next);
    expect(second.result.outcome).toBe('drifted');
    expect(log.writes()).toEqual([]);
    expect(second.result.drift).toEqual([
      expect.objectContaining({
        facet: 'trail.logging',
        field: 'IsLogging',
        expected: 'true',
        observed: 'false',
        action: 'Reported',
      }),
    ]);
    expect(second.result.status.auditTrail).toMatchObject({ isLogging: false, state: 'Stopped' });
    const ready = second.result.status.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'DriftDetected' });
    const status = await account.admin.clients
      .cloudtrail(REGION)
      .send(new GetTrailStatusCommand({ Name: trailName }));
    expect(status.IsLogging).toBe(false);
  });

  it('a resource deleted by hand is drift: made again under Correct, recorded under Report', async () => {
    const name = uniqueName('cm');
    const spec: CostMonitorSpec = {
      region: REGION,
      billing: { thresholds: [{ name: 'hard', amountUSD: 50 }] },
      dashboard: {},
    };
    const first = await converge(deps(), costMonitor(NS, name, spec));
    expect(first.result.outcome).toBe('ready');
    const alarmName = `seawall/${NS}/${name}/billing/hard`;
    const dashboardName = `seawall-${NS}-${name}`;
    const cloudwatch = account.admin.clients.cloudwatch(BILLING);
    const deleteBoth = async () => {
      await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [alarmName] }));
      await cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [dashboardName] }));
    };
    await deleteBoth();
    const corrected = await reconcile(deps(), first.next);
    expect(corrected.result.outcome).toBe('ready');
    expect(
      corrected.result.drift.map((d) => [d.facet, d.field, d.expected, d.observed, d.action]),
    ).toEqual([
      ['alarm.exists', 'exists', 'true', 'false', 'Corrected'],
      ['dashboard.exists', 'exists', 'true', 'false', 'Corrected'],
    ]);
    const [alarm] =
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] })))
        .MetricAlarms ?? [];
    const tags = await cloudwatch.send(new ListAlarmTagsCommand({ ResourceARN: alarm?.AlarmArn }));
    expect(tags.Tags).toContainEqual({
      Key: 'seawall.dev/owner',
      Value: `${NS}/CostMonitor/${name}`,
    });
    await cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboardName }));

    // Under Report: recorded, nothing written, and the reconcile stops at the first one.
    await deleteBoth();
    const reporting = { ...corrected.next, spec: { ...spec, driftPolicy: 'Report' as const } };
    log.clear();
    const reported = await reconcile(deps(), reporting);
    expect(reported.result.outcome).toBe('drifted');
    expect(log.writes()).toEqual([]);
    expect(reported.result.drift.map((d) => [d.facet, d.action])).toEqual([
      ['alarm.exists', 'Reported'],
    ]);
    expect(reported.result.status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
    });
  });

  it('shows alarm states set with SetAlarmState and charges put with PutMetricData', async () => {
    const name = uniqueName('cm');
    const spec: CostMonitorSpec = {
      region: REGION,
      billing: { monthlyBudgetUSD: 100, thresholds: [{ name: 'eighty', percentOfBudget: 80 }] },
      buckets: [{ bucketName: rawBucket, maxObjects: 10 }],
    };
    const first = await converge(deps(), costMonitor(NS, name, spec));
    expect(first.result.outcome).toBe('ready');
    expect(first.result.status.alarmsInAlarm).toBe(0);

    const alarmName = `seawall/${NS}/${name}/billing/eighty`;
    await account.admin.clients.cloudwatch(BILLING).send(
      new SetAlarmStateCommand({
        AlarmName: alarmName,
        StateValue: 'ALARM',
        StateReason: 'test: charges above 80 USD',
      }),
    );
    const at = new Date(Date.now() - 60_000);
    await account.admin.clients.cloudwatch(BILLING).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Billing',
        MetricData: [
          {
            MetricName: 'EstimatedCharges',
            Dimensions: [{ Name: 'Currency', Value: 'USD' }],
            Timestamp: at,
            Value: 87.25,
            Unit: 'None',
          },
        ],
      }),
    );
    const second = await reconcile(deps(), first.next);
    expect(second.result.outcome).toBe('ready');
    const billing = second.result.status.alarms?.find((a) => a.name === alarmName);
    expect(billing).toMatchObject({
      kind: 'Billing',
      threshold: 80,
      state: 'ALARM',
      stateReason: 'test: charges above 80 USD',
    });
    expect(second.result.status.alarmsInAlarm).toBe(1);
    expect(second.result.status.billing?.estimatedChargesUSD).toBe(87.25);
    expect(second.result.status.billing?.readAt).toBeDefined();
    expect(second.result.status.billing?.datapointAt).toBeDefined();
  });

  it('waits for a ProtectedBucket that has not made its bucket yet, then uses it', async () => {
    const name = uniqueName('cm');
    const pending = uniqueName('sw-pending');
    buckets.put(readyProtectedBucket(NS, 'pending', pending, 'us-west-2', false));
    const object = costMonitor(NS, name, {
      region: REGION,
      buckets: [{ bucketRef: { name: 'pending' }, maxSizeGiB: 1 }],
    });
    const first = await reconcile(deps(), object);
    expect(first.result.outcome).toBe('waiting');
    expect(first.result.error?.reason).toBe('DependencyNotReady');
    expect(first.result.error?.message).toContain(`${NS}/pending`);
    const ready = first.result.status.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'DependencyNotReady' });

    const missing = await reconcile(
      deps(),
      costMonitor(NS, uniqueName('cm'), {
        region: REGION,
        buckets: [{ bucketRef: { name: 'nowhere' } }],
      }),
    );
    expect(missing.result.error?.reason).toBe('DependencyNotReady');

    buckets.put(readyProtectedBucket(NS, 'pending', pending, 'us-west-2'));
    const second = await converge(deps(), first.next);
    expect(second.result.outcome).toBe('ready');
    expect(second.result.status.alarms?.[0]).toMatchObject({
      kind: 'BucketSize',
      region: 'us-west-2',
    });
  });

  it('a spec change removes the alarms, topic and dashboard the spec dropped', async () => {
    const name = uniqueName('cm');
    const spec: CostMonitorSpec = {
      region: REGION,
      billing: { thresholds: [{ name: 'hard', amountUSD: 50 }] },
      buckets: [{ bucketName: rawBucket, region: 'us-west-2', maxObjects: 10 }],
      dashboard: {},
    };
    const first = await converge(deps(), costMonitor(NS, name, spec));
    expect(first.result.outcome).toBe('ready');
    const west = first.result.status.topics?.find((t) => t.region === 'us-west-2');
    expect(west).toBeDefined();

    const changed = {
      ...first.next,
      metadata: { ...first.next.metadata, generation: 2 },
      spec: { region: REGION, billing: spec.billing },
    };
    const second = await reconcile(deps(), changed);
    expect(second.result.error).toBeUndefined();
    expect(second.result.outcome).toBe('ready');
    expect(second.result.status.topics?.map((t) => t.region)).toEqual([BILLING]);
    expect(second.result.status.alarms?.map((a) => a.kind)).toEqual(['Billing']);
    expect(second.result.status.dashboard).toBeUndefined();
    const alarms = await account.admin.clients
      .cloudwatch('us-west-2')
      .send(new DescribeAlarmsCommand({ AlarmNamePrefix: `seawall/${NS}/${name}/` }));
    expect(alarms.MetricAlarms).toEqual([]);
    await expect(
      account.admin.clients
        .sns('us-west-2')
        .send(new GetTopicAttributesCommand({ TopicArn: west?.arn })),
    ).rejects.toBeDefined();
    await expect(
      account.admin.clients
        .cloudwatch(BILLING)
        .send(new GetDashboardCommand({ DashboardName: `seawall-${NS}-${name}` })),
    ).rejects.toBeDefined();
  });

  it('under Retain, deletion leaves every AWS resource in place', async () => {
    const name = uniqueName('cm');
    const logBucket = uniqueName('sw-audit');
    const trailName = uniqueName('audit');
    const first = await converge(deps(), costMonitor(NS, name, fullSpec(logBucket, trailName)));
    expect(first.result.outcome).toBe('ready');
    const deleting = {
      ...first.next,
      metadata: { ...first.next.metadata, deletionTimestamp: new Date().toISOString() },
    };
    log.clear();
    const gone = await reconcile(deps(), deleting);
    expect(gone.result.outcome).toBe('finalized');
    expect(log.writes()).toEqual([]);
    const { Trail } = await account.admin.clients
      .cloudtrail(REGION)
      .send(new GetTrailCommand({ Name: trailName }));
    expect(Trail?.Name).toBe(trailName);
    await account.admin.clients.s3(REGION).send(new HeadBucketCommand({ Bucket: logBucket }));
  });

  it('under Delete, removes what it created but never a log bucket that holds logs', async () => {
    const name = uniqueName('cm');
    const owner = `${NS}/CostMonitor/${name}`;
    const logBucket = uniqueName('sw-audit');
    const trailName = uniqueName('audit');
    // A log bucket Seawall made earlier that already holds a log file. It is seeded before
    // the TLS-only policy exists: moto enforces that Deny on every PutObject.
    const s3 = account.admin.clients.s3(REGION);
    await s3.send(
      new CreateBucketCommand({
        Bucket: logBucket,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: logBucket,
        Tagging: { TagSet: [{ Key: 'seawall.dev/owner', Value: owner }] },
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: logBucket,
        Key: `AWSLogs/${account.accountId}/CloudTrail/ca-central-1/2026/11/28/log.json.gz`,
        Body: 'audit',
      }),
    );
    const spec = { ...fullSpec(logBucket, trailName), deletionPolicy: 'Delete' as const };
    const first = await converge(deps(), costMonitor(NS, name, spec));
    expect(first.result.error).toBeUndefined();
    expect(first.result.outcome).toBe('ready');
    const topics = first.result.status.topics ?? [];
    const deleting = {
      ...first.next,
      metadata: { ...first.next.metadata, deletionTimestamp: new Date().toISOString() },
    };
    const blocked = await reconcile(deps(), deleting);
    expect(blocked.result.outcome).toBe('finalize-blocked');
    expect(blocked.result.error?.kind).toBe('stalled');
    expect(blocked.result.error?.reason).toBe('LogBucketNotEmpty');
    expect(blocked.result.error?.message).toContain(logBucket);
    const stalled = blocked.result.status.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled?.status).toBe('True');

    // The log bucket and its key stay; the rest is gone.
    await s3.send(new HeadBucketCommand({ Bucket: logBucket }));
    const trailKey = await account.admin.clients
      .kms(REGION)
      .send(new DescribeKeyCommand({ KeyId: first.result.status.auditTrail?.keyArn }));
    expect(trailKey.KeyMetadata?.KeyState).toBe('Enabled');
    await expect(
      account.admin.clients.cloudtrail(REGION).send(new GetTrailCommand({ Name: trailName })),
    ).rejects.toMatchObject({ name: 'TrailNotFoundException' });
    const alarms = await account.admin.clients
      .cloudwatch(BILLING)
      .send(new DescribeAlarmsCommand({ AlarmNamePrefix: `seawall/${NS}/${name}/` }));
    expect(alarms.MetricAlarms).toEqual([]);
    await expect(
      account.admin.clients
        .cloudwatch(BILLING)
        .send(new GetDashboardCommand({ DashboardName: `seawall-${NS}-${name}` })),
    ).rejects.toBeDefined();
    for (const topic of topics) {
      await expect(
        account.admin.clients
          .sns(topic.region)
          .send(new GetTopicAttributesCommand({ TopicArn: topic.arn })),
      ).rejects.toBeDefined();
      const key = await account.admin.clients
        .kms(topic.region)
        .send(new DescribeKeyCommand({ KeyId: topic.keyArn }));
      expect(key.KeyMetadata?.KeyState).toBe('PendingDeletion');
    }
  });

  it('under Delete, an empty log bucket and the trail key go too', async () => {
    const name = uniqueName('cm');
    const logBucket = uniqueName('sw-audit');
    const spec: CostMonitorSpec = {
      region: REGION,
      deletionPolicy: 'Delete',
      auditTrail: { name: uniqueName('audit'), logBucket: { bucketName: logBucket } },
    };
    const first = await converge(deps(), costMonitor(NS, name, spec));
    expect(first.result.outcome).toBe('ready');
    const deleting = {
      ...first.next,
      metadata: { ...first.next.metadata, deletionTimestamp: new Date().toISOString() },
    };
    log.clear();
    const gone = await reconcile(deps(), deleting);
    if (gone.result.error) console.log(log.calls.filter((c) => c.outcome === 'error'));
    expect(gone.result.error).toBeUndefined();
    expect(gone.result.outcome).toBe('finalized');
    await expect(
      account.admin.clients.s3(REGION).send(new HeadBucketCommand({ Bucket: logBucket })),
    ).rejects.toBeDefined();
    const key = await account.admin.clients
      .kms(REGION)
      .send(new DescribeKeyCommand({ KeyId: first.result.status.auditTrail?.keyArn }));
    expect(key.KeyMetadata?.KeyState).toBe('PendingDeletion');
  });

  it('uses an existing log bucket whose policy the user owns: Seawall never writes it', async () => {
    const name = uniqueName('cm');
    const existing = uniqueName('sw-theirs');
    const s3 = account.admin.clients.s3(REGION);
    await s3.send(
      new CreateBucketCommand({
        Bucket: existing,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    const trailName = uniqueName('audit');
    const object = costMonitor(NS, name, {
      region: REGION,
      auditTrail: { name: trailName, logBucket: { existingBucketName: existing } },
    });
    // Until the owner's policy lets CloudTrail write, CloudTrail refuses the trail; the
    // status says so (and, past the propagation timeout, the CostMonitor is Stalled).
    let refused = await reconcile(deps(), object);
    for (
      let pass = 0;
      pass < 30 && !/InsufficientS3Bucket/.test(refused.result.error?.message ?? '');
      pass++
    ) {
      await new Promise((r) => setTimeout(r, 500)); // the trail key propagates first
      refused = await reconcile(deps(), refused.next);
    }
    expect(refused.result.outcome).toBe('waiting');
    expect(refused.result.error?.message).toContain('InsufficientS3BucketPolicyException');
    // The owner grants CloudTrail the documented pair of statements.
    const arnOfTrail = `arn:aws:cloudtrail:${REGION}:${account.accountId}:trail/${trailName}`;
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: existing,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: cloudTrailBucketStatements(
            'aws',
            account.accountId,
            existing,
            undefined,
            arnOfTrail,
          ),
        }),
      }),
    );
    log.clear();
    const first = await converge(deps(), refused.next);
    expect(first.result.error).toBeUndefined();
    expect(first.result.outcome).toBe('ready');
    const s3Writes = log.writes().filter((w) => w.service === 's3');
    expect(s3Writes).toEqual([]);
    const { Trail } = await account.admin.clients
      .cloudtrail(REGION)
      .send(new GetTrailCommand({ Name: trailName }));
    expect(Trail?.S3BucketName).toBe(existing);
    const selectors = await account.admin.clients
      .cloudtrail(REGION)
      .send(new GetEventSelectorsCommand({ TrailName: trailName }));
    expect(selectors.TrailARN).toBe(Trail?.TrailARN);
  });
});
