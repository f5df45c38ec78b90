// CostMonitor: the "data monitoring" of the platform as one resource — an encrypted SNS
// alert topic with its subscriptions, billing alarms (AWS/Billing EstimatedCharges, which
// exists only in us-east-1), S3 size and object-count alarms, a CloudWatch dashboard and
// the CloudTrail audit trail with its own protected log bucket. See docs/kinds/costmonitor.md.
import { type Static, Type } from '@sinclair/typebox';
import { BucketName, Region } from './aws-names.ts';
import {
  ACCOUNT_IMMUTABLE_RULE,
  accountField,
  commonStatusFields,
  policyFields,
  type SeawallObject,
} from './common.ts';
import {
  ageColumn,
  driftColumn,
  type KindDefinition,
  lastCorrectedColumn,
  readyColumn,
  statusColumn,
  wide,
} from './kind-definition.ts';
import { jsonIf, StringEnum, withRules } from './schema-helpers.ts';

/** AWS: 1-256 of [A-Za-z0-9_-]. Seawall keeps room for nothing else: the name is used as is. */
export const TOPIC_NAME_PATTERN = '^[a-zA-Z0-9_-]{1,256}$';
export const SNS_TOPIC_ARN_PATTERN =
  '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]{1,256}$';
/** Alarm actions: SNS topics, Auto Scaling / EC2 / SSM / Lambda ARNs. */
export const ALARM_ACTION_PATTERN = '^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$';
/** CloudTrail: 3-128 characters, letters, digits, `.`, `_`, `-`, starting and ending alphanumeric. */
export const TRAIL_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$';
/** CloudWatch dashboards: up to 255 of [A-Za-z0-9_-]. */
export const DASHBOARD_NAME_PATTERN = '^[A-Za-z0-9_-]{1,255}$';
/** Threshold names become part of an alarm name. */
export const THRESHOLD_NAME_PATTERN = '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$';
/** A Kubernetes object name (RFC 1123 subdomain). */
export const OBJECT_NAME_PATTERN = '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$';

/** A number a person types (100 or 100.5) that must be strictly positive. */
function PositiveNumber(description: string) {
  return withRules(Type.Number({ description }), [
    { rule: 'self > 0.0', message: 'must be greater than 0', jsonSchema: { exclusiveMinimum: 0 } },
  ]);
}

/** Where an alarm sends its notifications. Shared by billing and bucket thresholds. */
const alarmActionFields = {
  notifyTopic: Type.Optional(
    Type.Boolean({
      description:
        "Send the alarm to this CostMonitor's SNS topic in the alarm's region (default true). The topic counts as one of the 5 actions an alarm may have.",
      default: true,
    }),
  ),
  actions: Type.Optional(
    Type.Array(
      Type.String({
        description: 'ARN of an alarm action (an SNS topic in the same region, ...).',
        pattern: ALARM_ACTION_PATTERN,
        maxLength: 1024,
      }),
      {
        description:
          'Further ARNs the alarm notifies when it enters ALARM, besides the topic. CloudWatch allows at most 5 actions per alarm.',
        maxItems: 5,
      },
    ),
  ),
};

/** CloudWatch's limit: an alarm has at most 5 actions, the Seawall topic included. */
const ACTION_LIMIT_RULE = {
  rule: '(has(self.actions) ? size(self.actions) : 0) + ((!has(self.notifyTopic) || self.notifyTopic) ? 1 : 0) <= 5',
  message:
    'an alarm has at most 5 actions: the Seawall topic (notifyTopic, default true) plus actions',
  fieldPath: '.actions',
  // notifyTopic defaults to true: unless it is written out as false, 4 actions at most.
  jsonSchema: jsonIf(
    { required: ['notifyTopic'], properties: { notifyTopic: { const: false } } },
    {},
    { properties: { actions: { maxItems: 4 } } },
  ),
};

export const Subscription = withRules(
  Type.Object(
    {
      protocol: StringEnum(['email', 'https'] as const, {
        description:
          'email (the address receives a confirmation message first) or https (the endpoint must confirm the subscription).',
      }),
      endpoint: Type.String({
        description: 'The e-mail address or the https:// URL.',
        minLength: 3,
        maxLength: 2048,
      }),
    },
    { description: 'One subscription to the alert topic; Seawall owns it.' },
  ),
  [
    {
      rule: "self.protocol != 'email' || self.endpoint.matches('^[^@\\\\s]+@[^@\\\\s]+$')",
      message: 'an email endpoint must be an e-mail address',
      fieldPath: '.endpoint',
      jsonSchema: jsonIf(
        { properties: { protocol: { const: 'email' } } },
        { properties: { endpoint: { pattern: '^[^@\\s]+@[^@\\s]+$' } } },
      ),
    },
    {
      rule: "self.protocol != 'https' || self.endpoint.startsWith('https://')",
      message: 'an https endpoint must start with https://',
      fieldPath: '.endpoint',
      jsonSchema: jsonIf(
        { properties: { protocol: { const: 'https' } } },
        { properties: { endpoint: { pattern: '^https://' } } },
      ),
    },
  ],
);
export type Subscription = Static<typeof Subscription>;

export const Notifications = withRules(
  Type.Object(
    {
      topicName: Type.Optional(
        Type.String({
          description:
            'Name of the SNS topic Seawall creates in every region that has alarms (us-east-1 for billing, each bucket region), each encrypted with its own KMS key whose policy lets CloudWatch publish. Default: seawall-<namespace>-<name>.',
          pattern: TOPIC_NAME_PATTERN,
          maxLength: 256,
        }),
      ),
      existingTopicArns: Type.Optional(
        Type.Array(
          Type.String({
            description: 'ARN of an existing SNS topic.',
            pattern: SNS_TOPIC_ARN_PATTERN,
            maxLength: 1024,
          }),
          {
            description:
              'Use existing topics instead of creating them: one per region that has alarms. Seawall never changes their attributes or policy; it only adds the subscriptions listed here.',
            maxItems: 10,
          },
        ),
      ),
      subscriptions: Type.Optional(
        Type.Array(Subscription, {
          description:
            'E-mail and https subscriptions. On topics Seawall creates, Seawall owns the whole subscription list and removes any other; on existing topics it only adds these.',
          maxItems: 20,
        }),
      ),
    },
    {
      description:
        'Where alarms are sent: SNS topics Seawall creates (default) or existing ones, and their subscriptions.',
    },
  ),
  [
    {
      rule: '!(has(self.topicName) && has(self.existingTopicArns))',
      message:
        'set topicName (topics Seawall creates) or existingTopicArns (existing topics), not both',
      jsonSchema: { not: { required: ['topicName', 'existingTopicArns'] } },
    },
  ],
);
export type Notifications = Static<typeof Notifications>;

export const BillingThreshold = withRules(
  Type.Object(
    {
      name: Type.String({
        description:
          'Short name of the threshold (lower case, digits, -); the alarm is named seawall-<namespace>-<name>-billing-<this>.',
        pattern: THRESHOLD_NAME_PATTERN,
        maxLength: 32,
      }),
      amountUSD: Type.Optional(
        PositiveNumber('Alarm when the month-to-date estimated charges exceed this amount (USD).'),
      ),
      percentOfBudget: Type.Optional(
        PositiveNumber(
          'Alarm when the month-to-date estimated charges exceed this percentage of monthlyBudgetUSD (e.g. 80).',
        ),
      ),
      ...alarmActionFields,
    },
    { description: 'One billing alarm: an amount in USD or a percentage of the monthly budget.' },
  ),
  [
    {
      rule: 'has(self.amountUSD) != has(self.percentOfBudget)',
      message: 'set exactly one of amountUSD and percentOfBudget',
      jsonSchema: { oneOf: [{ required: ['amountUSD'] }, { required: ['percentOfBudget'] }] },
    },
    ACTION_LIMIT_RULE,
  ],
);
export type BillingThreshold = Static<typeof BillingThreshold>;

export const Billing = withRules(
  Type.Object(
    {
      monthlyBudgetUSD: Type.Optional(
        PositiveNumber('The monthly budget in USD; percentOfBudget thresholds are relative to it.'),
      ),
      thresholds: Type.Optional(
        Type.Array(BillingThreshold, {
          description:
            'Billing alarms on AWS/Billing EstimatedCharges (Currency=USD), in us-east-1 whatever the platform region.',
          maxItems: 10,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        }),
      ),
    },
    {
      description:
        'Billing alarms. AWS publishes EstimatedCharges only in us-east-1 and only after "Receive Billing Alerts" is enabled once in the account (Billing preferences).',
    },
  ),
  [
    {
      rule: '!has(self.thresholds) || has(self.monthlyBudgetUSD) || self.thresholds.all(t, !has(t.percentOfBudget))',
      message: 'percentOfBudget thresholds need monthlyBudgetUSD',
      fieldPath: '.monthlyBudgetUSD',
      jsonSchema: jsonIf(
        { not: { required: ['monthlyBudgetUSD'] } },
        { properties: { thresholds: { items: { not: { required: ['percentOfBudget'] } } } } },
      ),
    },
  ],
);
export type Billing = Static<typeof Billing>;

export const MonitoredBucket = withRules(
  Type.Object(
    {
      bucketRef: Type.Optional(
        Type.Object(
          {
            name: Type.String({
              description: 'Name of a ProtectedBucket in the same namespace.',
              pattern: OBJECT_NAME_PATTERN,
              maxLength: 253,
            }),
          },
          {
            description:
              'A ProtectedBucket in this namespace; Seawall waits until it is Ready and uses its bucket name and region.',
          },
        ),
      ),
      bucketName: Type.Optional(
        BucketName('Name of an S3 bucket not managed by a ProtectedBucket.'),
      ),
      region: Type.Optional(
        Region('Region of bucketName (default: spec.region). Not used with bucketRef.'),
      ),
      maxSizeGiB: Type.Optional(
        PositiveNumber(
          'Alarm when AWS/S3 BucketSizeBytes (StorageType=StandardStorage, daily) exceeds this many GiB.',
        ),
      ),
      maxObjects: Type.Optional(
        Type.Integer({
          description:
            'Alarm when AWS/S3 NumberOfObjects (StorageType=AllStorageTypes, daily) exceeds this count.',
          minimum: 1,
        }),
      ),
      ...alarmActionFields,
    },
    {
      description:
        'A bucket whose size and object count are watched (alarms in the bucket region, dashboard widgets).',
    },
  ),
  [
    {
      rule: 'has(self.bucketRef) != has(self.bucketName)',
      message: 'set exactly one of bucketRef and bucketName',
      jsonSchema: { oneOf: [{ required: ['bucketRef'] }, { required: ['bucketName'] }] },
    },
    {
      rule: '!has(self.bucketRef) || !has(self.region)',
      message: 'region is read from the ProtectedBucket; set it only with bucketName',
      fieldPath: '.region',
      jsonSchema: { not: { required: ['bucketRef', 'region'] } },
    },
    ACTION_LIMIT_RULE,
  ],
);
export type MonitoredBucket = Static<typeof MonitoredBucket>;

export const DashboardSpec = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        description: 'Dashboard name (default: seawall-<namespace>-<name>).',
        pattern: DASHBOARD_NAME_PATTERN,
        maxLength: 255,
      }),
    ),
    qualityPipelines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({
              description: 'Name of a QualityPipeline in this namespace.',
              pattern: OBJECT_NAME_PATTERN,
              maxLength: 253,
            }),
            region: Type.Optional(
              Region(
                'Region the pipeline publishes its score metric in (its bucket region; default spec.region).',
              ),
            ),
          },
          { description: 'A QualityPipeline whose score is charted.' },
        ),
        {
          description:
            'QualityPipelines whose Seawall/DataQuality Score metric (dimension Pipeline=<namespace>/<name>) gets a widget.',
          maxItems: 20,
        },
      ),
    ),
  },
  {
    description:
      'A CloudWatch dashboard Seawall owns: estimated charges, each bucket size and object count, each listed QualityPipeline score. Edits made in the console are reverted.',
  },
);
export type DashboardSpec = Static<typeof DashboardSpec>;

export const LogBucket = withRules(
  Type.Object(
    {
      bucketName: Type.Optional(
        BucketName(
          'Name of the log bucket Seawall creates and protects (its own KMS key, versioning, Block Public Access, BucketOwnerEnforced, TLS-only + CloudTrail policy, retention lifecycle).',
        ),
      ),
      existingBucketName: Type.Optional(
        BucketName(
          'Name of an existing bucket to deliver logs to. Its policy is yours: it must allow CloudTrail to write (Seawall never writes it).',
        ),
      ),
      retentionDays: Type.Optional(
        Type.Integer({
          description:
            'Days log files are kept in a bucket Seawall creates (current and noncurrent versions). Default 365.',
          minimum: 1,
          maximum: 36500,
          default: 365,
        }),
      ),
    },
    { description: 'Where CloudTrail delivers log files.' },
  ),
  [
    {
      rule: 'has(self.bucketName) != has(self.existingBucketName)',
      message: 'set exactly one of bucketName and existingBucketName',
      jsonSchema: {
        oneOf: [{ required: ['bucketName'] }, { required: ['existingBucketName'] }],
      },
    },
    {
      rule: '!has(self.existingBucketName) || !has(self.retentionDays) || self.retentionDays == 365',
      message: 'retentionDays applies only to a log bucket Seawall creates',
      fieldPath: '.retentionDays',
      // retentionDays defaults to 365, which the rule lets through.
      jsonSchema: jsonIf(
        { required: ['existingBucketName'] },
        { properties: { retentionDays: { const: 365 } } },
      ),
    },
  ],
);
export type LogBucket = Static<typeof LogBucket>;

export const TrailName = withRules(
  Type.String({
    description:
      'Name of the trail: 3-128 letters, digits, periods, underscores and hyphens, starting and ending with a letter or digit.',
    pattern: TRAIL_NAME_PATTERN,
    minLength: 3,
    maxLength: 128,
  }),
  [
    {
      rule: "!self.matches('[._-][._-]')",
      message: 'a trail name must not contain adjacent periods, underscores or hyphens',
      jsonSchema: { not: { pattern: '[._-][._-]' } },
    },
    {
      rule: "!self.matches('^[0-9]+\\\\.[0-9]+\\\\.[0-9]+\\\\.[0-9]+$')",
      message: 'a trail name must not be formatted as an IP address',
      jsonSchema: { not: { pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$' } },
    },
  ],
);

export const AuditTrail = withRules(
  Type.Object(
    {
      name: TrailName,
      multiRegion: Type.Optional(
        Type.Boolean({
          description: 'Log API calls of every region (default true).',
          default: true,
        }),
      ),
      includeGlobalServiceEvents: Type.Optional(
        Type.Boolean({
          description: 'Log IAM, STS and other global services (default true).',
          default: true,
        }),
      ),
      logFileValidation: Type.Optional(
        Type.Boolean({
          description: 'Write signed digest files so tampering is detectable (default true).',
          default: true,
        }),
      ),
      managementEvents: Type.Optional(
        StringEnum(['All', 'ReadOnly', 'WriteOnly'] as const, {
          description: 'Which management events to log (default All).',
          default: 'All',
        }),
      ),
      s3KeyPrefix: Type.Optional(
        Type.String({
          description: 'Prefix of log files in the bucket (default none).',
          maxLength: 200,
          pattern: '^[^/].*[^/]$|^[^/]$',
        }),
      ),
      logBucket: LogBucket,
    },
    {
      description:
        'The CloudTrail trail in spec.region: KMS-encrypted with a key Seawall creates (its policy lets CloudTrail encrypt for this trail only), delivering to a protected log bucket.',
    },
  ),
  [
    {
      rule: '!(has(self.multiRegion) && self.multiRegion) || !has(self.includeGlobalServiceEvents) || self.includeGlobalServiceEvents',
      message: 'a multi-region trail must include global service events',
      fieldPath: '.includeGlobalServiceEvents',
      // multiRegion defaults to true: includeGlobalServiceEvents false needs multiRegion false.
      jsonSchema: jsonIf(
        {
          required: ['includeGlobalServiceEvents'],
          properties: { includeGlobalServiceEvents: { const: false } },
        },
        { required: ['multiRegion'], properties: { multiRegion: { const: false } } },
      ),
    },
  ],
);
export type AuditTrail = Static<typeof AuditTrail>;

export const CostMonitorSpec = withRules(
  Type.Object(
    {
      region: Region(
        'The platform region: the audit trail, its key and log bucket live here, and buckets named without a region default to it. Billing alarms are always in us-east-1.',
      ),
      notifications: Type.Optional(Notifications),
      billing: Type.Optional(Billing),
      buckets: Type.Optional(
        Type.Array(MonitoredBucket, {
          description: 'Buckets whose size and object count are watched.',
          maxItems: 20,
        }),
      ),
      dashboard: Type.Optional(DashboardSpec),
      auditTrail: Type.Optional(AuditTrail),
      ...policyFields,
      ...accountField,
    },
    { description: 'What the alerts, alarms, dashboard and audit trail must look like.' },
  ),
  [
    ACCOUNT_IMMUTABLE_RULE,
    {
      rule: 'oldSelf.region == self.region',
      message: 'region is immutable; create a new CostMonitor instead',
      fieldPath: '.region',
    },
    {
      rule: '!has(oldSelf.auditTrail) || !has(self.auditTrail) || oldSelf.auditTrail.name == self.auditTrail.name',
      message: 'the trail name is immutable; remove auditTrail first to replace the trail',
      fieldPath: '.auditTrail.name',
    },
  ],
);
export type CostMonitorSpec = Static<typeof CostMonitorSpec>;

export const AlarmKind = StringEnum(['Billing', 'BucketSize', 'BucketObjects'] as const, {
  description: 'What the alarm watches.',
});

export const AlarmStatus = Type.Object(
  {
    name: Type.String({ description: 'CloudWatch alarm name.' }),
    kind: AlarmKind,
    region: Type.String({ description: 'Region of the alarm.' }),
    threshold: Type.Number({
      description: 'Threshold in the metric unit (USD, bytes or objects).',
    }),
    state: Type.Optional(
      Type.String({
        description: 'Current state from DescribeAlarms: OK, ALARM or INSUFFICIENT_DATA.',
      }),
    ),
    stateReason: Type.Optional(Type.String({ description: 'Why the alarm is in that state.' })),
    stateUpdatedAt: Type.Optional(
      Type.String({ description: 'When the state last changed (RFC 3339).' }),
    ),
  },
  { description: 'One alarm Seawall manages and its current state.' },
);
export type AlarmStatus = Static<typeof AlarmStatus>;

export const CostMonitorStatus = Type.Object(
  {
    ...commonStatusFields,
    topics: Type.Optional(
      Type.Array(
        Type.Object(
          {
            region: Type.String({ description: 'Region of the topic.' }),
            arn: Type.String({ description: 'ARN of the topic.' }),
            keyArn: Type.Optional(
              Type.String({
                description: 'ARN of the KMS key encrypting it (topics Seawall owns).',
              }),
            ),
            subscriptionsConfirmed: Type.Optional(
              Type.Integer({ description: 'Confirmed subscriptions.' }),
            ),
            subscriptionsPending: Type.Optional(
              Type.Integer({ description: 'Subscriptions waiting for confirmation.' }),
            ),
          },
          { description: 'An alert topic in one region.' },
        ),
        { description: 'The alert topics, one per region with alarms.', maxItems: 20 },
      ),
    ),
    alarms: Type.Optional(
      Type.Array(AlarmStatus, { description: 'Every alarm and its state.', maxItems: 100 }),
    ),
    alarmsInAlarm: Type.Optional(
      Type.Integer({ description: 'How many alarms are in the ALARM state.', minimum: 0 }),
    ),
    billing: Type.Optional(
      Type.Object(
        {
          estimatedChargesUSD: Type.Optional(
            Type.Number({
              description: 'Latest AWS/Billing EstimatedCharges (month to date, USD).',
            }),
          ),
          datapointAt: Type.Optional(
            Type.String({ description: 'Timestamp of that datapoint (RFC 3339).' }),
          ),
          readAt: Type.Optional(Type.String({ description: 'When Seawall read it (RFC 3339).' })),
        },
        { description: 'Latest estimated charges.' },
      ),
    ),
    dashboard: Type.Optional(
      Type.Object(
        {
          name: Type.String({ description: 'Dashboard name.' }),
          arn: Type.Optional(Type.String({ description: 'Dashboard ARN.' })),
          widgets: Type.Optional(Type.Integer({ description: 'Number of widgets.' })),
        },
        { description: 'The dashboard Seawall owns.' },
      ),
    ),
    auditTrail: Type.Optional(
      Type.Object(
        {
          name: Type.String({ description: 'Trail name.' }),
          arn: Type.Optional(Type.String({ description: 'Trail ARN.' })),
          state: Type.Optional(
            StringEnum(['Logging', 'Stopped'] as const, {
              description: 'Logging when the trail delivers events, Stopped otherwise.',
            }),
          ),
          isLogging: Type.Optional(Type.Boolean({ description: 'IsLogging from GetTrailStatus.' })),
          latestDeliveryError: Type.Optional(
            Type.String({ description: 'LatestDeliveryError from GetTrailStatus, if any.' }),
          ),
          latestDeliveryTime: Type.Optional(
            Type.String({ description: 'When CloudTrail last delivered logs (RFC 3339).' }),
          ),
          keyArn: Type.Optional(
            Type.String({ description: 'ARN of the KMS key encrypting the logs.' }),
          ),
          logBucket: Type.Optional(Type.String({ description: 'Name of the log bucket.' })),
        },
        { description: 'The audit trail.' },
      ),
    ),
  },
  { description: 'What Seawall last observed and did.' },
);
export type CostMonitorStatus = Static<typeof CostMonitorStatus>;

export type CostMonitor = SeawallObject<CostMonitorSpec, CostMonitorStatus>;

export const costMonitorKind: KindDefinition = {
  kind: 'CostMonitor',
  plural: 'costmonitors',
  singular: 'costmonitor',
  shortNames: ['costmon'],
  description:
    'Alert topics, billing and S3 alarms, a CloudWatch dashboard and the CloudTrail audit trail of the platform. Seawall keeps them as specified and reports alarm states and estimated charges.',
  spec: CostMonitorSpec,
  status: CostMonitorStatus,
  printerColumns: [
    {
      name: 'Estimated',
      type: 'number',
      jsonPath: '.status.billing.estimatedChargesUSD',
      description: 'Latest month-to-date estimated charges (USD).',
    },
    {
      name: 'In Alarm',
      type: 'integer',
      jsonPath: '.status.alarmsInAlarm',
      description: 'Alarms in the ALARM state.',
    },
    readyColumn,
    statusColumn,
    ageColumn,
    wide({
      name: 'Budget',
      type: 'number',
      jsonPath: '.spec.billing.monthlyBudgetUSD',
      description: 'Monthly budget (USD).',
    }),
    wide({
      name: 'Trail',
      type: 'string',
      jsonPath: '.status.auditTrail.state',
      description: 'Whether the audit trail is logging.',
    }),
    wide(driftColumn),
    wide(lastCorrectedColumn),
  ],
};
