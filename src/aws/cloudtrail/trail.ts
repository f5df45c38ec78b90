// The audit trail: one CloudTrail trail, multi-region with log-file validation by
// default, encrypted with a key whose policy lets CloudTrail encrypt for this trail only,
// delivering to a log bucket. The trail is a ManagedResource whose read is the snapshot
// its facets share (GetTrail, GetTrailStatus, and its tags when status does not record
// it); its chain: the trail's settings, its event selectors, and its logging state (a
// trail stopped by hand is started again).
import {
  type CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  type Trail,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { type FacetChain, link } from '../chain.ts';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, jsonEqual } from '../facet.ts';
import type { PolicyStatement } from '../iam/policy-document.ts';
import type { ManagedResource } from '../lifecycle.ts';
import { type TagMap, tagsFromKeyValue, tagsToKeyValue } from '../ownership.ts';

export function trailArn(partition: string, region: string, accountId: string, name: string) {
  return `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/**
 * The trail key's grants beyond the account-root statement, after "Configure AWS KMS key
 * policies for CloudTrail": CloudTrail may generate data keys only for this trail
 * (aws:SourceArn) and only under a CloudTrail encryption context of this account;
 * principals of the account may decrypt the log files.
 */
export function trailKeyGrants(
  partition: string,
  accountId: string,
  arnOfTrail: string,
): PolicyStatement[] {
  const contextOfAccountTrails = `arn:${partition}:cloudtrail:*:${accountId}:trail/*`;
  const forThisTrail = (Sid: string, Action: string): PolicyStatement => ({
    Sid,
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action,
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceArn': arnOfTrail } },
  });
  return [
    {
      Sid: 'SeawallCloudTrailEncryptLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': arnOfTrail },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': contextOfAccountTrails },
      },
    },
    // The log bucket uses an S3 Bucket Key: delivering a log file makes S3 decrypt the
    // bucket-level data key on CloudTrail's behalf (CloudTrail User Guide, "Granting
    // decrypt permissions" / S3 Bucket Keys). Without it CreateTrail answers
    // InsufficientEncryptionPolicyException.
    forThisTrail('SeawallCloudTrailDecryptBucketKey', 'kms:Decrypt'),
    forThisTrail('SeawallCloudTrailDescribeKey', 'kms:DescribeKey'),
    {
      Sid: 'SeawallAccountDecryptLogs',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': accountId },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': contextOfAccountTrails },
      },
    },
  ];
}

/**
 * The bucket-policy statements CloudTrail needs on its log bucket (the documented pair),
 * scoped to this trail by aws:SourceArn. They go into the ONE policy the CostMonitor owns
 * for a bucket it created, next to the TLS-only statement.
 */
export function cloudTrailBucketStatements(
  partition: string,
  accountId: string,
  bucket: string,
  keyPrefix: string | undefined,
  arnOfTrail: string,
): PolicyStatement[] {
  const prefix = keyPrefix ? `${keyPrefix}/` : '';
  return [
    {
      Sid: 'SeawallCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: `arn:${partition}:s3:::${bucket}`,
      Condition: { StringEquals: { 'aws:SourceArn': arnOfTrail } },
    },
    {
      Sid: 'SeawallCloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:${partition}:s3:::${bucket}/${prefix}AWSLogs/${accountId}/*`,
      Condition: {
        StringEquals: {
          's3:x-amz-acl': 'bucket-owner-full-control',
          'aws:SourceArn': arnOfTrail,
        },
      },
    },
  ];
}

/** The trail fields Seawall owns. */
export interface TrailSettings {
  S3BucketName: string;
  S3KeyPrefix: string;
  IsMultiRegionTrail: boolean;
  IncludeGlobalServiceEvents: boolean;
  LogFileValidationEnabled: boolean;
  KmsKeyId: string;
}

/** Pure: a trail as GetTrail returns it, in the shape Seawall compares. */
export function settingsOf(trail: Trail): Partial<TrailSettings> {
  return {
    S3BucketName: trail.S3BucketName,
    S3KeyPrefix: trail.S3KeyPrefix ?? '',
    IsMultiRegionTrail: trail.IsMultiRegionTrail ?? false,
    IncludeGlobalServiceEvents: trail.IncludeGlobalServiceEvents ?? false,
    LogFileValidationEnabled: trail.LogFileValidationEnabled ?? false,
    ...(trail.KmsKeyId ? { KmsKeyId: trail.KmsKeyId } : {}),
  };
}

/** Pure: the CreateTrail / UpdateTrail request for these settings. */
export function trailRequest(name: string, settings: TrailSettings) {
  const { S3KeyPrefix, LogFileValidationEnabled, ...rest } = settings;
  return {
    Name: name,
    ...rest,
    EnableLogFileValidation: LogFileValidationEnabled,
    ...(S3KeyPrefix ? { S3KeyPrefix } : {}),
  };
}

/** Which trail, and the settings it is created with. */
export interface TrailRef {
  /** The client of the trail's home region. */
  cloudtrail: CloudTrailClient;
  region: string;
  name: string;
  arn: string;
  /** What it is created with; none for a trail being deleted. */
  settings?: TrailSettings | undefined;
  /**
   * Status records this trail: ours by record, its tags are not read. Never set for a
   * trail being deleted: `retire` must see the owner tag.
   */
  recorded?: boolean;
}

/**
 * What one read of a trail says, shared by its facets (nothing reads it again): the trail
 * (GetTrail, or CreateTrail's answer), its status (GetTrailStatus) and its tags.
 */
export interface TrailSnapshot {
  trail: Trail;
  status: { IsLogging?: boolean; LatestDeliveryError?: string; LatestDeliveryTime?: Date };
  /** Its tags (empty when status records it: they were not read). */
  tags: TagMap;
}

function isTrailNotFound(error: unknown): boolean {
  return isAwsError(error, 'TrailNotFoundException');
}

async function getTrail(ref: TrailRef): Promise<Trail | undefined> {
  try {
    return (await ref.cloudtrail.send(new GetTrailCommand({ Name: ref.name }))).Trail;
  } catch (error) {
    if (isTrailNotFound(error)) return undefined;
    throw error;
  }
}

export const cloudTrail: ManagedResource<TrailRef, TrailSnapshot> = {
  type: 'CloudTrail trail',
  facetName: 'trail',
  calls: [
    'cloudtrail:GetTrail',
    'cloudtrail:GetTrailStatus',
    'cloudtrail:ListTags',
    'cloudtrail:CreateTrail',
    'cloudtrail:DeleteTrail',
  ],
  identify: (ref) => `CloudTrail trail ${ref.name} in ${ref.region}`,
  resourceName: (ref) => ref.arn,
  async read(ref) {
    const trail = await getTrail(ref);
    if (!trail) return undefined;
    const status = await ref.cloudtrail.send(new GetTrailStatusCommand({ Name: ref.name }));
    if (ref.recorded) return { trail, status, tags: {} };
    const tags = await ref.cloudtrail.send(
      new ListTagsCommand({ ResourceIdList: [trail.TrailARN ?? ref.arn] }),
    );
    return { trail, status, tags: tagsFromKeyValue(tags.ResourceTagList?.[0]?.TagsList) };
  },
  tagsOf: (found) => found.tags,
  recorded: (ref) => ref.recorded === true,
  async create(ref, tags) {
    if (!ref.settings) throw new Error(`${ref.name}: a trail is created from its settings`);
    const trail = await ref.cloudtrail.send(
      new CreateTrailCommand({
        ...trailRequest(ref.name, ref.settings),
        TagsList: tagsToKeyValue(tags),
      }),
    );
    // A new trail does not log until StartLogging (the logging facet's): nothing to read.
    return { trail, status: { IsLogging: false }, tags };
  },
  planned: (ref, tags) => ({ region: ref.region, tags }),
  placeholder: (ref) => ({
    trail: { Name: ref.name, TrailARN: ref.arn },
    status: {},
    tags: {},
  }),
  async delete(ref) {
    try {
      // By name: the trail is in this account and region, where its name identifies it.
      await ref.cloudtrail.send(new DeleteTrailCommand({ Name: ref.name }));
    } catch (error) {
      if (!isTrailNotFound(error)) throw error;
    }
  },
};

/** What the trail's facets work on: the snapshot, and what the spec asks. */
export interface TrailContext {
  cloudtrail: CloudTrailClient;
  name: string;
  arn: string;
  settings: TrailSettings;
  managementEvents: 'All' | 'ReadOnly' | 'WriteOnly';
  snapshot: TrailSnapshot;
}

/** trail.settings: bucket, prefix, regions, global events, validation, key. */
export const trailSettingsFacet: Facet<TrailContext, Partial<TrailSettings>, TrailSettings> = {
  name: 'trail.settings',
  calls: ['cloudtrail:UpdateTrail'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => settingsOf(ctx.snapshot.trail),
  desired: (ctx) => ctx.settings,
  diff: (desired, observed) => diffFields(desired, observed),
  async apply(ctx, desired) {
    const request = trailRequest(ctx.name, desired);
    // An empty prefix is how UpdateTrail removes one.
    await ctx.cloudtrail.send(
      new UpdateTrailCommand({ ...request, S3KeyPrefix: request.S3KeyPrefix ?? '' }),
    );
  },
};

/** The event selector Seawall sets: management events, no data events. */
export function desiredSelectors(
  readWrite: 'All' | 'ReadOnly' | 'WriteOnly',
): NormalizedSelector[] {
  return [{ ReadWriteType: readWrite, IncludeManagementEvents: true, DataResources: [] }];
}

export interface NormalizedSelector {
  ReadWriteType: 'All' | 'ReadOnly' | 'WriteOnly';
  IncludeManagementEvents: boolean;
  DataResources: { Type: string; Values: string[] }[];
}

/**
 * Pure. A trail created without selectors logs all management events; AWS reports that
 * as one selector, an emulator may report none: both mean "All management events".
 */
export function normalizeSelectors(selectors: EventSelector[] | undefined): NormalizedSelector[] {
  if (!selectors || selectors.length === 0) return desiredSelectors('All');
  return selectors.map((s) => ({
    ReadWriteType: s.ReadWriteType ?? 'All',
    IncludeManagementEvents: s.IncludeManagementEvents ?? true,
    DataResources: (s.DataResources ?? []).map((d) => ({
      Type: d.Type ?? '',
      Values: [...(d.Values ?? [])].sort(),
    })),
  }));
}

/** trail.eventSelectors: read on its own (the snapshot does not hold them). */
export const eventSelectorsFacet: Facet<
  TrailContext,
  NormalizedSelector[] | undefined,
  NormalizedSelector[]
> = {
  name: 'trail.eventSelectors',
  calls: ['cloudtrail:GetEventSelectors', 'cloudtrail:PutEventSelectors'],
  resource: (ctx) => ctx.arn,
  async observe(ctx) {
    try {
      const out = await ctx.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: ctx.name }));
      if (out.AdvancedEventSelectors && out.AdvancedEventSelectors.length > 0) {
        // Advanced selectors replace basic ones; Seawall sets basic ones again.
        return [];
      }
      return normalizeSelectors(out.EventSelectors);
    } catch (error) {
      if (isTrailNotFound(error)) return undefined;
      throw error;
    }
  },
  desired: (ctx) => desiredSelectors(ctx.managementEvents),
  diff: (desired, observed) =>
    jsonEqual(desired, observed) ? [] : [{ field: 'EventSelectors', expected: desired, observed }],
  async apply(ctx, desired) {
    await ctx.cloudtrail.send(
      new PutEventSelectorsCommand({
        TrailName: ctx.name,
        EventSelectors: desired.map((s) => ({ ...s, ExcludeManagementEventSources: [] })),
      }),
    );
  },
};

/** trail.logging: a trail that is not logging (stopped by hand, or new) is started. */
export const loggingFacet: Facet<TrailContext, { IsLogging: boolean }, { IsLogging: boolean }> = {
  name: 'trail.logging',
  calls: ['cloudtrail:StartLogging'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => ({ IsLogging: ctx.snapshot.status.IsLogging ?? false }),
  desired: () => ({ IsLogging: true }),
  diff: (desired, observed) => diffFields(desired, observed),
  async apply(ctx) {
    await ctx.cloudtrail.send(new StartLoggingCommand({ Name: ctx.name }));
  },
};

/** The facets of a trail, in order. */
export const trailChain: FacetChain<TrailContext> = [
  link(trailSettingsFacet, (ctx) => ctx),
  link(eventSelectorsFacet, (ctx) => ctx),
  link(loggingFacet, (ctx) => ctx),
];
