// The audit trail: one CloudTrail trail, multi-region with log-file validation by
// default, encrypted with a key whose policy lets CloudTrail encrypt for this trail only,
// delivering to a log bucket. Three facets: the trail's settings, its event selectors,
// and its logging state (a trail stopped by hand is started again).
import {
  CreateTrailCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  type GetTrailStatusCommandOutput,
  ListTagsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  type Trail,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { OWNER_TAG } from '../../api/common.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { AwsClients } from '../clients.ts';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet, type FieldDiff, jsonEqual } from '../facet.ts';
import type { PolicyStatement } from '../iam/policy-document.ts';

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
    {
      // The log bucket uses an S3 Bucket Key: delivering a log file makes S3 decrypt the
      // bucket-level data key on CloudTrail's behalf (CloudTrail User Guide, "Granting
      // decrypt permissions" / S3 Bucket Keys). Without it CreateTrail answers
      // InsufficientEncryptionPolicyException.
      Sid: 'SeawallCloudTrailDecryptBucketKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': arnOfTrail } },
    },
    {
      Sid: 'SeawallCloudTrailDescribeKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': arnOfTrail } },
    },
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

export interface TrailCtx {
  clients: AwsClients;
  region: string;
  name: string;
  arn: string;
  owner: string;
  settings: TrailSettings;
  managementEvents: 'All' | 'ReadOnly' | 'WriteOnly';
  /** Filled by observe: what status shows. */
  seen: { trail?: Trail; status?: GetTrailStatusCommandOutput };
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

export interface ObservedTrail {
  exists: boolean;
  settings?: Partial<TrailSettings>;
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

export function diffTrail(desired: TrailSettings, observed: ObservedTrail): FieldDiff[] {
  if (!observed.exists) return [{ field: 'Trail', expected: 'created', observed: undefined }];
  return diffFields(desired, observed.settings);
}

export async function readTrail(
  clients: AwsClients,
  region: string,
  name: string,
): Promise<Trail | undefined> {
  try {
    return (await clients.cloudtrail(region).send(new GetTrailCommand({ Name: name }))).Trail;
  } catch (error) {
    if (isAwsError(error, 'TrailNotFoundException')) return undefined;
    throw error;
  }
}

export const trailFacet: Facet<TrailCtx, ObservedTrail, TrailSettings> = {
  calls: [
    'cloudtrail:CreateTrail',
    'cloudtrail:GetTrail',
    'cloudtrail:ListTags',
    'cloudtrail:UpdateTrail',
  ],
  name: 'trail.settings',
  resource: (ctx) => ctx.arn,
  async observe(ctx) {
    const trail = await readTrail(ctx.clients, ctx.region, ctx.name);
    if (!trail) return { exists: false };
    ctx.seen.trail = trail;
    return { exists: true, settings: settingsOf(trail) };
  },
  desired: (ctx) => ctx.settings,
  diff: diffTrail,
  async apply(ctx, desired, observed) {
    const cloudtrail = ctx.clients.cloudtrail(ctx.region);
    const { S3KeyPrefix, ...rest } = desired;
    const input = {
      Name: ctx.name,
      ...rest,
      EnableLogFileValidation: desired.LogFileValidationEnabled,
      ...(S3KeyPrefix ? { S3KeyPrefix } : {}),
    };
    const { LogFileValidationEnabled: _v, ...request } = input;
    if (!observed.exists) {
      await cloudtrail.send(
        new CreateTrailCommand({
          ...request,
          TagsList: [{ Key: OWNER_TAG, Value: ctx.owner }],
        }),
      );
      return;
    }
    await assertTrailOwned(ctx.clients, ctx.region, ctx.arn, ctx.owner);
    await cloudtrail.send(
      new UpdateTrailCommand({ ...request, ...(S3KeyPrefix ? {} : { S3KeyPrefix: '' }) }),
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

export const eventSelectorsFacet: Facet<
  TrailCtx,
  NormalizedSelector[] | undefined,
  NormalizedSelector[]
> = {
  calls: ['cloudtrail:GetEventSelectors', 'cloudtrail:PutEventSelectors'],
  name: 'trail.eventSelectors',
  resource: (ctx) => ctx.arn,
  async observe(ctx) {
    try {
      const out = await ctx.clients
        .cloudtrail(ctx.region)
        .send(new GetEventSelectorsCommand({ TrailName: ctx.name }));
      if (out.AdvancedEventSelectors && out.AdvancedEventSelectors.length > 0) {
        // Advanced selectors replace basic ones; Seawall sets basic ones again.
        return [];
      }
      return normalizeSelectors(out.EventSelectors);
    } catch (error) {
      if (isAwsError(error, 'TrailNotFoundException')) return undefined;
      throw error;
    }
  },
  desired: (ctx) => desiredSelectors(ctx.managementEvents),
  diff: (desired, observed) =>
    jsonEqual(desired, observed) ? [] : [{ field: 'EventSelectors', expected: desired, observed }],
  async apply(ctx, desired) {
    await ctx.clients.cloudtrail(ctx.region).send(
      new PutEventSelectorsCommand({
        TrailName: ctx.name,
        EventSelectors: desired.map((s) => ({ ...s, ExcludeManagementEventSources: [] })),
      }),
    );
  },
};

export const loggingFacet: Facet<TrailCtx, { IsLogging?: boolean }, { IsLogging: boolean }> = {
  calls: ['cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'],
  name: 'trail.logging',
  resource: (ctx) => ctx.arn,
  async observe(ctx) {
    try {
      const status = await ctx.clients
        .cloudtrail(ctx.region)
        .send(new GetTrailStatusCommand({ Name: ctx.name }));
      ctx.seen.status = status;
      return { IsLogging: status.IsLogging ?? false };
    } catch (error) {
      if (isAwsError(error, 'TrailNotFoundException')) return {};
      throw error;
    }
  },
  desired: () => ({ IsLogging: true }),
  diff: (desired, observed) => diffFields(desired, observed),
  async apply(ctx) {
    await ctx.clients.cloudtrail(ctx.region).send(new StartLoggingCommand({ Name: ctx.name }));
  },
};

export async function trailOwner(
  clients: AwsClients,
  region: string,
  arn: string,
): Promise<string | undefined> {
  const out = await clients.cloudtrail(region).send(new ListTagsCommand({ ResourceIdList: [arn] }));
  return out.ResourceTagList?.[0]?.TagsList?.find((t) => t.Key === OWNER_TAG)?.Value;
}

async function assertTrailOwned(clients: AwsClients, region: string, arn: string, owner: string) {
  const found = await trailOwner(clients, region, arn);
  if (found !== owner) {
    throw new StalledError(
      'NotOwned',
      `trail ${arn} exists but is ${found ? `owned by ${found}` : 'not tagged as created by Seawall'}; Seawall will not change it. Pick another auditTrail.name.`,
    );
  }
}
