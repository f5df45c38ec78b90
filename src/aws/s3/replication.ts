// replication.rule: one V2 replication rule from the bucket to its backup — Filter,
// Priority, DeleteMarkerReplication, SSE-KMS encrypted objects included, replicas
// encrypted with the backup key, optional Replication Time Control with its metrics.
// S3 accepts many inconsistent rules silently (no KMS key for KMS objects, RTC without
// metrics ...), so Seawall validates the rule itself before writing it.
import {
  DeleteBucketReplicationCommand,
  GetBucketReplicationCommand,
  PutBucketReplicationCommand,
  type ReplicationConfiguration,
  type ReplicationRule,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, type FieldDiff } from '../facet.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

export const REPLICATION_RULE_ID = 'seawall-backup';

export interface ReplicationSettings {
  roleArn: string;
  destinationBucketArn: string;
  replicaKmsKeyArn: string;
  storageClass: string;
  deleteMarkerReplication: boolean;
  replicationTimeControl: boolean;
  /**
   * The backup is in another AWS account: Destination.Account names it and replicas are
   * owned by it (AccessControlTranslation Owner=Destination), not by the source account.
   */
  destinationAccount?: string | undefined;
}

export interface ReplicationContext extends BucketTarget {
  /** undefined: the bucket must have no replication configuration. */
  replication: ReplicationSettings | undefined;
}

/** The comparable projection of a replication configuration: one rule, flattened. */
export interface ReplicationState {
  Role: string | undefined;
  RuleCount: number;
  ID: string | undefined;
  Status: string | undefined;
  Priority: number | undefined;
  FilterPrefix: string | undefined;
  DeleteMarkerReplication: string | undefined;
  SseKmsEncryptedObjects: string | undefined;
  DestinationBucket: string | undefined;
  StorageClass: string | undefined;
  ReplicaKmsKeyID: string | undefined;
  ReplicationTime: string | undefined;
  Metrics: string | undefined;
  DestinationAccount: string | undefined;
  ReplicaOwner: string | undefined;
}

const ABSENT: ReplicationState = {
  Role: undefined,
  RuleCount: 0,
  ID: undefined,
  Status: undefined,
  Priority: undefined,
  FilterPrefix: undefined,
  DeleteMarkerReplication: undefined,
  SseKmsEncryptedObjects: undefined,
  DestinationBucket: undefined,
  StorageClass: undefined,
  ReplicaKmsKeyID: undefined,
  ReplicationTime: undefined,
  Metrics: undefined,
  DestinationAccount: undefined,
  ReplicaOwner: undefined,
};

/** Pure: the rule S3 must hold for these settings. */
export function replicationRule(settings: ReplicationSettings): ReplicationRule {
  const rtc = settings.replicationTimeControl;
  return {
    ID: REPLICATION_RULE_ID,
    Priority: 1,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    DeleteMarkerReplication: { Status: settings.deleteMarkerReplication ? 'Enabled' : 'Disabled' },
    SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    Destination: {
      Bucket: settings.destinationBucketArn,
      StorageClass: settings.storageClass as StorageClass,
      EncryptionConfiguration: { ReplicaKmsKeyID: settings.replicaKmsKeyArn },
      ...(settings.destinationAccount
        ? {
            Account: settings.destinationAccount,
            AccessControlTranslation: { Owner: 'Destination' as const },
          }
        : {}),
      ...(rtc
        ? {
            ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          }
        : {}),
    },
  };
}

export function replicationConfiguration(settings: ReplicationSettings): ReplicationConfiguration {
  return { Role: settings.roleArn, Rules: [replicationRule(settings)] };
}

/**
 * Pure: what S3 would accept but replication would not survive. Empty when the
 * configuration is sound.
 */
export function validateReplication(config: ReplicationConfiguration): string[] {
  const problems: string[] = [];
  if (!config.Role?.startsWith('arn:')) problems.push('Role must be an IAM role ARN');
  for (const rule of config.Rules ?? []) {
    const id = rule.ID ?? '<no id>';
    if (rule.Filter === undefined) problems.push(`rule ${id}: a V2 rule needs a Filter`);
    if (rule.Priority === undefined) problems.push(`rule ${id}: a V2 rule needs a Priority`);
    if (rule.DeleteMarkerReplication === undefined)
      problems.push(`rule ${id}: a V2 rule needs DeleteMarkerReplication`);
    const kmsObjects = rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === 'Enabled';
    const replicaKey = rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID;
    if (kmsObjects && !replicaKey)
      problems.push(`rule ${id}: SSE-KMS objects are replicated but no ReplicaKmsKeyID is set`);
    if (replicaKey && !replicaKey.startsWith('arn:'))
      problems.push(`rule ${id}: ReplicaKmsKeyID must be a key ARN`);
    if (!rule.Destination?.Bucket?.startsWith('arn:aws'))
      problems.push(`rule ${id}: Destination.Bucket must be a bucket ARN`);
    const rtc = rule.Destination?.ReplicationTime?.Status === 'Enabled';
    const metrics = rule.Destination?.Metrics?.Status === 'Enabled';
    if (rtc && !metrics)
      problems.push(`rule ${id}: Replication Time Control requires replication metrics`);
    if (rule.Destination?.AccessControlTranslation && !rule.Destination.Account)
      problems.push(`rule ${id}: AccessControlTranslation needs Destination.Account`);
  }
  return problems;
}

export function projectReplication(config: ReplicationConfiguration | undefined): ReplicationState {
  if (!config) return { ...ABSENT };
  const rule = config.Rules?.[0];
  return {
    Role: config.Role,
    RuleCount: config.Rules?.length ?? 0,
    ID: rule?.ID,
    Status: rule?.Status,
    Priority: rule?.Priority,
    FilterPrefix: rule?.Filter?.Prefix ?? (rule?.Filter ? '' : undefined),
    DeleteMarkerReplication: rule?.DeleteMarkerReplication?.Status,
    SseKmsEncryptedObjects: rule?.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status,
    DestinationBucket: rule?.Destination?.Bucket,
    StorageClass: rule?.Destination?.StorageClass ?? 'STANDARD',
    ReplicaKmsKeyID: rule?.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID,
    ReplicationTime: rule?.Destination?.ReplicationTime?.Status,
    Metrics: rule?.Destination?.Metrics?.Status,
    DestinationAccount: rule?.Destination?.Account,
    ReplicaOwner: rule?.Destination?.AccessControlTranslation?.Owner,
  };
}

/** Pure: diff of the projections, field by field. */
export function diffReplication(
  desired: ReplicationState,
  observed: ReplicationState,
): FieldDiff[] {
  return diffFields(desired, observed);
}

export const replicationFacet: Facet<ReplicationContext, ReplicationState> = {
  calls: ['s3:DeleteBucketReplication', 's3:GetBucketReplication', 's3:PutBucketReplication'],
  name: 'replication.rule',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    try {
      const out = await ctx.s3.send(new GetBucketReplicationCommand({ Bucket: ctx.bucket }));
      return projectReplication(out.ReplicationConfiguration);
    } catch (error) {
      if (isAwsError(error, 'ReplicationConfigurationNotFoundError')) return { ...ABSENT };
      throw error;
    }
  },
  desired: (ctx) =>
    ctx.replication ? projectReplication(replicationConfiguration(ctx.replication)) : { ...ABSENT },
  diff: diffReplication,
  async apply(ctx) {
    if (!ctx.replication) {
      await ctx.s3.send(new DeleteBucketReplicationCommand({ Bucket: ctx.bucket }));
      return;
    }
    const config = replicationConfiguration(ctx.replication);
    const problems = validateReplication(config);
    if (problems.length > 0)
      throw new Error(`invalid replication configuration: ${problems.join('; ')}`);
    await ctx.s3.send(
      new PutBucketReplicationCommand({ Bucket: ctx.bucket, ReplicationConfiguration: config }),
    );
  },
};
