// glue.role: the role a Glue job runs as, when the spec gives none. Trusted by
// glue.amazonaws.com, with one inline policy holding everything the job needs and no
// more: read the source and the script, write the three destinations, its own logs and
// metrics, publish Data Quality results, and (with a crawler) update its database. No
// managed policy: AWSGlueServiceRole grants far more (and moto does not know it).
// Drift: the inline policy.
import { createHash } from 'node:crypto';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';
import {
  POLICY_VERSION,
  type PolicyDocument,
  parsePolicy,
  renderPolicy,
  statementSetsEqual,
} from '../iam/policy-document.ts';
import {
  assertOwnedOrAdoptable,
  ownershipOf,
  tagsFromKeyValue,
  tagsToKeyValue,
  withOwnerTag,
} from '../ownership.ts';

export const GLUE_ROLE_PATH = '/seawall/';
export const GLUE_POLICY_NAME = 'seawall-quality-pipeline';

export function glueRoleName(namespace: string, name: string): string {
  const full = `seawall-glue-${namespace}-${name}`;
  if (full.length <= 64) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 55)}-${hash}`;
}

export function glueTrustPolicy(): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
}

export interface PipelineAccess {
  /** s3://bucket/prefix locations. */
  read: { bucket: string; prefix: string }[];
  write: { bucket: string; prefix: string }[];
  /** Glue database the crawler writes (when there is one). */
  crawlerDatabase?: string | undefined;
  partition?: string;
}

/** KMS use only by S3, only for objects of these buckets (the SSE-KMS encryption context). */
function kmsThroughS3(bucketArns: string[]) {
  return {
    StringLike: {
      'kms:ViaService': 's3.*.amazonaws.com',
      'kms:EncryptionContext:aws:s3:arn': bucketArns.flatMap((arn) => [arn, `${arn}/*`]),
    },
  };
}

/** Pure: least privilege over the pipeline's prefixes. */
export function pipelinePolicy(access: PipelineAccess): PolicyDocument {
  const p = access.partition ?? 'aws';
  const objects = (list: { bucket: string; prefix: string }[]) =>
    [...new Set(list.map((l) => `arn:${p}:s3:::${l.bucket}/${l.prefix}*`))].sort();
  const buckets = [
    ...new Set([...access.read, ...access.write].map((l) => `arn:${p}:s3:::${l.bucket}`)),
  ].sort();
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: 'List',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Resource: buckets,
      },
      {
        Sid: 'Read',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: objects([...access.read, ...access.write]),
      },
      {
        Sid: 'Write',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: objects(access.write),
      },
      // SSE-KMS buckets: reading an object decrypts its data key; writing one generates a
      // data key (and a multipart upload or an S3 Bucket Key decrypts it again). Scoped by
      // the S3 encryption context to the pipeline's own buckets, through S3 only, so the
      // grant holds whatever key each bucket uses (the keys' policies delegate to IAM).
      {
        Sid: 'DecryptThroughS3',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: '*',
        Condition: kmsThroughS3(buckets),
      },
      {
        Sid: 'EncryptThroughS3',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey'],
        Resource: '*',
        Condition: kmsThroughS3(
          [...new Set(access.write.map((l) => `arn:${p}:s3:::${l.bucket}`))].sort(),
        ),
      },
      { Sid: 'DataQuality', Effect: 'Allow', Action: ['glue:PublishDataQuality'], Resource: '*' },
      {
        Sid: 'Logs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:${p}:logs:*:*:log-group:/aws-glue/*`,
      },
      {
        Sid: 'Metrics',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricData'],
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': ['Glue', 'Glue Data Quality'] } },
      },
      ...(access.crawlerDatabase
        ? [
            {
              Sid: 'Catalog',
              Effect: 'Allow' as const,
              Action: [
                'glue:GetDatabase',
                'glue:GetTable',
                'glue:CreateTable',
                'glue:UpdateTable',
                'glue:BatchCreatePartition',
                'glue:BatchGetPartition',
                'glue:CreatePartition',
                'glue:UpdatePartition',
              ],
              Resource: [
                `arn:${p}:glue:*:*:catalog`,
                `arn:${p}:glue:*:*:database/${access.crawlerDatabase}`,
                `arn:${p}:glue:*:*:table/${access.crawlerDatabase}/*`,
              ],
            },
          ]
        : []),
    ],
  };
}

export interface GlueRoleContext {
  iam: IAMClient;
  roleName: string;
  owner: string;
  policy: PolicyDocument;
}

export type GlueRoleState =
  | { exists: false }
  | { exists: true; arn: string; policy: PolicyDocument | undefined };

function diffRole(desired: { policy: PolicyDocument }, observed: GlueRoleState): FieldDiff[] {
  if (!observed.exists) return [{ field: 'Role', expected: 'present', observed: undefined }];
  if (observed.policy && statementSetsEqual(desired.policy.Statement, observed.policy.Statement))
    return [];
  return [
    { field: 'Policy', expected: desired.policy.Statement, observed: observed.policy?.Statement },
  ];
}

export const glueRoleFacet: Facet<GlueRoleContext, GlueRoleState, { policy: PolicyDocument }> = {
  calls: ['iam:CreateRole', 'iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy'],
  name: 'glue.role',
  resource: (ctx) => `iam role ${ctx.roleName}`,
  async observe(ctx) {
    let arn: string;
    try {
      const { Role } = await ctx.iam.send(new GetRoleCommand({ RoleName: ctx.roleName }));
      if (!Role?.Arn) return { exists: false };
      assertOwnedOrAdoptable({
        what: `IAM role ${ctx.roleName}`,
        tags: tagsFromKeyValue(Role.Tags),
        owner: ctx.owner,
        adopt: false,
      });
      arn = Role.Arn;
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return { exists: false };
      throw error;
    }
    try {
      const out = await ctx.iam.send(
        new GetRolePolicyCommand({ RoleName: ctx.roleName, PolicyName: GLUE_POLICY_NAME }),
      );
      return { exists: true, arn, policy: parsePolicy(out.PolicyDocument) };
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException'))
        return { exists: true, arn, policy: undefined };
      throw error;
    }
  },
  desired: (ctx) => ({ policy: ctx.policy }),
  diff: diffRole,
  async apply(ctx, desired, observed) {
    if (!observed.exists) {
      await ctx.iam.send(
        new CreateRoleCommand({
          RoleName: ctx.roleName,
          Path: GLUE_ROLE_PATH,
          Description: `Glue job role of QualityPipeline ${ctx.owner}`,
          AssumeRolePolicyDocument: renderPolicy(glueTrustPolicy()),
          Tags: tagsToKeyValue(withOwnerTag({}, ctx.owner)),
        }),
      );
    }
    await ctx.iam.send(
      new PutRolePolicyCommand({
        RoleName: ctx.roleName,
        PolicyName: GLUE_POLICY_NAME,
        PolicyDocument: renderPolicy(desired.policy),
      }),
    );
  },
};

/** The ARN of the role after it exists (GetRole: a read). */
export async function glueRoleArn(iam: IAMClient, roleName: string): Promise<string | undefined> {
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return Role?.Arn;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw error;
  }
}

/** Deletes the role only if we own it; missing pieces are fine (a retry). */
export async function deleteGlueRole(
  iam: IAMClient,
  roleName: string,
  owner: string,
): Promise<void> {
  let tags: Record<string, string>;
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    tags = tagsFromKeyValue(Role?.Tags);
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return;
    throw error;
  }
  if (ownershipOf(tags, owner) !== 'owned') return;
  const ignoreMissing = (error: unknown) => {
    if (!isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
  };
  await iam
    .send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: GLUE_POLICY_NAME }))
    .catch(ignoreMissing);
  await iam.send(new DeleteRoleCommand({ RoleName: roleName })).catch(ignoreMissing);
}
