// ProtectedBucket: an S3 bucket encrypted with a customer-managed KMS key, versioned,
// closed to the public, TLS-only, and (optionally) replicated to a backup bucket in
// another region with its own key. See docs/kinds/protectedbucket.md.
import { type Static, Type } from '@sinclair/typebox';
import { AwsTags, BucketName, Region } from './aws-names.ts';
import {
  ACCOUNT_IMMUTABLE_RULE,
  accountField,
  commonStatusFields,
  OBJECT_REF_PATTERN,
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
import { Duration, immutable, jsonIf, StringEnum, withRules } from './schema-helpers.ts';

export const KMS_KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$';
export const KMS_ALIAS_PATTERN = '^alias/[a-zA-Z0-9/_-]{1,250}$';

export const KeyRotation = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({
        description: 'Rotate the key material automatically (default true).',
        default: true,
      }),
    ),
    periodInDays: Type.Optional(
      Type.Integer({
        description: 'Days between automatic rotations, 90 to 2560 (default 365).',
        minimum: 90,
        maximum: 2560,
        default: 365,
      }),
    ),
  },
  { description: 'Automatic rotation of a key Seawall creates.' },
);

export const KeySpec = withRules(
  Type.Object(
    {
      alias: Type.Optional(
        withRules(
          Type.String({
            description:
              'Alias of the key Seawall creates, e.g. alias/seawall/raw-data. Default: alias/seawall/<bucketName>.',
            pattern: KMS_ALIAS_PATTERN,
            maxLength: 256,
          }),
          [
            {
              rule: "!self.startsWith('alias/aws/')",
              message: 'alias/aws/ is reserved for AWS managed keys',
              jsonSchema: { not: { pattern: '^alias/aws/' } },
            },
          ],
        ),
      ),
      keyArn: Type.Optional(
        Type.String({
          description:
            'ARN of an existing customer-managed key to use instead of creating one. Seawall uses it but never changes or deletes it.',
          pattern: KMS_KEY_ARN_PATTERN,
          maxLength: 2048,
        }),
      ),
      rotation: Type.Optional(KeyRotation),
    },
    {
      description:
        'The customer-managed KMS key: one Seawall creates (alias, rotation) or an existing one (keyArn).',
    },
  ),
  [
    {
      rule: '!(has(self.alias) && has(self.keyArn))',
      message: 'set alias (a key Seawall creates) or keyArn (an existing key), not both',
      jsonSchema: { not: { required: ['alias', 'keyArn'] } },
    },
    {
      rule: '!(has(self.keyArn) && has(self.rotation))',
      message: 'rotation applies only to a key Seawall creates; remove it or remove keyArn',
      jsonSchema: { not: { required: ['keyArn', 'rotation'] } },
    },
  ],
);

export const StorageClass = StringEnum(
  [
    'STANDARD',
    'STANDARD_IA',
    'ONEZONE_IA',
    'INTELLIGENT_TIERING',
    'GLACIER',
    'GLACIER_IR',
    'DEEP_ARCHIVE',
  ] as const,
  { description: 'S3 storage class.' },
);

export const PublicAccessBlock = Type.Object(
  {
    blockPublicAcls: Type.Optional(
      Type.Boolean({ description: 'Reject public ACLs.', default: true }),
    ),
    ignorePublicAcls: Type.Optional(
      Type.Boolean({ description: 'Ignore public ACLs.', default: true }),
    ),
    blockPublicPolicy: Type.Optional(
      Type.Boolean({ description: 'Reject public bucket policies.', default: true }),
    ),
    restrictPublicBuckets: Type.Optional(
      Type.Boolean({
        description: 'Restrict access to buckets with public policies.',
        default: true,
      }),
    ),
  },
  { description: 'S3 Block Public Access; all four flags on by default.', default: {} },
);

export const Lifecycle = Type.Object(
  {
    noncurrentVersionExpirationDays: Type.Optional(
      Type.Integer({
        description:
          'Delete noncurrent object versions this many days after they stop being current.',
        minimum: 1,
        maximum: 36500,
      }),
    ),
    noncurrentVersionTransition: Type.Optional(
      Type.Object(
        {
          days: Type.Integer({ description: 'Days after becoming noncurrent.', minimum: 1 }),
          storageClass: StorageClass,
        },
        { description: 'Move noncurrent versions to a cheaper storage class.' },
      ),
    ),
  },
  {
    description:
      'Optional lifecycle for noncurrent versions (Seawall owns the whole lifecycle configuration).',
  },
);

export const ObjectLock = withRules(
  Type.Object(
    {
      mode: StringEnum(['GOVERNANCE', 'COMPLIANCE'] as const, {
        description:
          'GOVERNANCE: only a principal allowed s3:BypassGovernanceRetention may delete or overwrite a version inside its retention; COMPLIANCE: nobody can, not even the account root.',
      }),
      days: Type.Optional(
        Type.Integer({
          description: 'Retention in days (or give years).',
          minimum: 1,
          maximum: 36500,
        }),
      ),
      years: Type.Optional(
        Type.Integer({
          description: 'Retention in years (or give days).',
          minimum: 1,
          maximum: 100,
        }),
      ),
    },
    {
      description:
        'S3 Object Lock on the backup bucket with this default retention: every replica is kept, neither deleted nor overwritten, for the retention period. Object Lock cannot be turned off once on.',
    },
  ),
  [
    {
      rule: 'has(self.days) != has(self.years)',
      message: 'give the retention in days or in years: exactly one of the two',
      jsonSchema: { oneOf: [{ required: ['days'] }, { required: ['years'] }] },
    },
  ],
);

export const Backup = withRules(
  Type.Object(
    {
      bucketName: BucketName('Name of the backup bucket Seawall creates in the backup region.'),
      region: Region('Region of the backup bucket; must differ from the source region.'),
      storageClass: Type.Optional({
        ...StorageClass,
        description: 'Storage class of replicas (default STANDARD).',
        default: 'STANDARD',
      }),
      encryption: Type.Optional(KeySpec),
      deleteMarkerReplication: Type.Optional(
        Type.Boolean({
          description: 'Replicate delete markers to the backup (default true).',
          default: true,
        }),
      ),
      replicationTimeControl: Type.Optional(
        Type.Boolean({
          description:
            'S3 Replication Time Control (15-minute SLA) with its metrics (default false).',
          default: false,
        }),
      ),
      verifyInterval: Type.Optional(
        Duration(
          'How often Seawall proves replication works end to end by writing a probe object under .seawall/ and finding its replica in the backup, encrypted with the backup key (default 24h). It is also proven before the first Ready and after any change to the replication path.',
          '24h',
        ),
      ),
      objectLock: Type.Optional(ObjectLock),
      account: Type.Optional(
        Type.String({
          description:
            "An AwsAccount (granting this namespace) to keep the backup in: its bucket and key are made there, through that account's role; replicas are owned by that account (AccessControlTranslation), and its bucket and key policies allow exactly this bucket's replication role. With objectLock, nobody in the source account — Seawall included — can delete or overwrite a replica inside its retention. Unset: the bucket's own account. Immutable.",
          pattern: OBJECT_REF_PATTERN,
          maxLength: 253,
        }),
      ),
    },
    { description: 'A backup bucket in another region, filled by S3 replication.' },
  ),
  [
    {
      rule: 'has(self.account) == has(oldSelf.account) && (!has(self.account) || self.account == oldSelf.account)',
      message:
        'backup.account is immutable: a backup moved to another account would leave its replicas behind (AccountChanged)',
      fieldPath: '.account',
    },
    {
      rule: '!has(oldSelf.objectLock) || has(self.objectLock)',
      message:
        'objectLock cannot be removed: S3 Object Lock stays on once enabled on the backup bucket (its retention can change)',
      fieldPath: '.objectLock',
    },
  ],
);

export const ProtectedBucketSpec = withRules(
  Type.Object(
    {
      // Immutable, each on its own node so the refusal names the field (fieldPath).
      bucketName: immutable(
        BucketName('Name of the S3 bucket (globally unique, 3-63 characters). Immutable.'),
        'bucketName is immutable; create a new ProtectedBucket instead',
      ),
      region: immutable(
        Region('AWS region of the bucket, e.g. ca-central-1. Immutable.'),
        'region is immutable; create a new ProtectedBucket instead',
      ),
      encryption: Type.Optional(KeySpec),
      bucketKeyEnabled: Type.Optional(
        Type.Boolean({
          description: 'Use an S3 Bucket Key to cut KMS request costs (default true).',
          default: true,
        }),
      ),
      versioning: Type.Optional(
        StringEnum(['Enabled', 'Suspended'] as const, {
          description:
            'Bucket versioning (default Enabled; must be Enabled while a backup is set).',
          default: 'Enabled',
        }),
      ),
      publicAccessBlock: Type.Optional(PublicAccessBlock),
      enforceTLS: Type.Optional(
        Type.Boolean({
          description:
            'Add a bucket-policy statement denying any request not made over TLS (default true).',
          default: true,
        }),
      ),
      tags: Type.Optional(
        AwsTags(
          'Tags for every AWS resource of this bucket (the owner tag is added): up to 49, keys up to 128 characters, not starting with aws:.',
        ),
      ),
      lifecycle: Type.Optional(Lifecycle),
      backup: Type.Optional(Backup),
      adoptExisting: Type.Optional(
        Type.Boolean({
          description:
            'Take over a bucket, key alias or role of the same name that exists but was not created by Seawall. Without it such a resource is left untouched and this resource is Stalled.',
          default: false,
        }),
      ),
      ...policyFields,
      ...accountField,
    },
    { description: 'What the bucket, its key and its backup must look like.' },
  ),
  [
    ACCOUNT_IMMUTABLE_RULE,
    {
      rule: "!has(self.backup) || self.versioning == 'Enabled'",
      message: 'versioning must be Enabled while a backup is configured',
      fieldPath: '.versioning',
      // versioning defaults to Enabled: only a versioning written out can break the rule.
      jsonSchema: jsonIf(
        { required: ['backup'] },
        { properties: { versioning: { const: 'Enabled' } } },
      ),
    },
    {
      rule: '!has(self.backup) || self.backup.region != self.region',
      message: 'the backup must be in another region than the bucket',
      fieldPath: '.backup.region',
    },
    {
      rule: '!has(self.backup) || self.backup.bucketName != self.bucketName',
      message: 'the backup bucket must have its own name',
      fieldPath: '.backup.bucketName',
    },
  ],
);
export type ProtectedBucketSpec = Static<typeof ProtectedBucketSpec>;

export const ReplicationVerificationStatus = Type.Object(
  {
    state: StringEnum(['Pending', 'Verified', 'Failed'] as const, {
      description:
        'Pending: a probe is on its way to the backup; Verified: its replica arrived, encrypted with the backup key; Failed: it did not (see message).',
    }),
    lastVerifiedAt: Type.Optional(
      Type.String({
        description: 'When replication was last proven end to end.',
        format: 'date-time',
      }),
    ),
    lagSeconds: Type.Optional(
      Type.Integer({
        description:
          'Seconds from writing the last verified probe to seeing its replica (an upper bound: probes are looked at every few seconds).',
        minimum: 0,
      }),
    ),
    message: Type.Optional(Type.String({ description: 'What the last look found.' })),
    settledAt: Type.Optional(
      Type.String({ description: 'When the last probe was settled.', format: 'date-time' }),
    ),
    pathChangedAt: Type.Optional(
      Type.String({
        description:
          'When Seawall last changed the replication path (rule, role, key policies): the next probe waits for AWS to apply the change.',
        format: 'date-time',
      }),
    ),
    probe: Type.Optional(
      Type.Object(
        {
          key: Type.String({ description: 'Object key of the probe (under .seawall/).' }),
          versionId: Type.String({ description: 'Version id of the probe in the bucket.' }),
          writtenAt: Type.String({ description: 'When it was written.', format: 'date-time' }),
        },
        { description: 'The last probe object written.' },
      ),
    ),
  },
  { description: 'Proof that replication to the backup works (a ProtectedBucket with a backup).' },
);

export const ProtectedBucketStatus = Type.Object(
  {
    ...commonStatusFields,
    bucketArn: Type.Optional(Type.String({ description: 'ARN of the bucket.' })),
    keyArn: Type.Optional(Type.String({ description: 'ARN of the bucket KMS key.' })),
    keyAlias: Type.Optional(Type.String({ description: 'Alias of the bucket key (or its id).' })),
    versioning: Type.Optional(Type.String({ description: 'Versioning status last read from S3.' })),
    backupBucketArn: Type.Optional(Type.String({ description: 'ARN of the backup bucket.' })),
    backupKeyArn: Type.Optional(Type.String({ description: 'ARN of the backup KMS key.' })),
    replicationAlarms: Type.Optional(
      Type.Array(
        Type.Object({
          name: Type.String({ description: 'CloudWatch alarm name.' }),
          state: Type.Optional(Type.String({ description: 'OK, ALARM or INSUFFICIENT_DATA.' })),
        }),
        {
          description:
            'With backup.replicationTimeControl: the alarms on failed replication operations and on replication latency over the 15-minute SLA (source region).',
          maxItems: 2,
        },
      ),
    ),
    backupAccountId: Type.Optional(
      Type.String({ description: 'The AWS account of the backup bucket and key.' }),
    ),
    replicationRoleArn: Type.Optional(
      Type.String({ description: 'ARN of the replication IAM role.' }),
    ),
    replication: Type.Optional(ReplicationVerificationStatus),
  },
  { description: 'What Seawall last observed and did.' },
);
export type ProtectedBucketStatus = Static<typeof ProtectedBucketStatus>;

export type ProtectedBucket = SeawallObject<ProtectedBucketSpec, ProtectedBucketStatus>;

export const protectedBucketKind: KindDefinition = {
  kind: 'ProtectedBucket',
  plural: 'protectedbuckets',
  singular: 'protectedbucket',
  shortNames: ['pb'],
  description:
    'An S3 bucket encrypted with a customer-managed KMS key, versioned, closed to the public, TLS-only and optionally replicated to a backup bucket in another region. Seawall keeps it that way.',
  spec: ProtectedBucketSpec,
  status: ProtectedBucketStatus,
  printerColumns: [
    { name: 'Bucket', type: 'string', jsonPath: '.spec.bucketName', description: 'Bucket name.' },
    { name: 'Region', type: 'string', jsonPath: '.spec.region', description: 'Bucket region.' },
    driftColumn,
    lastCorrectedColumn,
    readyColumn,
    statusColumn,
    ageColumn,
    wide({
      name: 'Backup',
      type: 'string',
      jsonPath: '.spec.backup.bucketName',
      description: 'Backup bucket.',
    }),
    wide({
      name: 'Key',
      type: 'string',
      jsonPath: '.status.keyAlias',
      description: 'KMS key alias or id.',
    }),
    wide({
      name: 'Versioning',
      type: 'string',
      jsonPath: '.status.versioning',
      description: 'Versioning status last read from S3.',
    }),
  ],
};
