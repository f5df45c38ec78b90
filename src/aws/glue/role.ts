// What is Glue's about the role a Glue job runs as, when the spec gives none: its name,
// and its one inline policy, holding everything the job needs and no more — read the
// source and the script, write the three destinations, its own logs and metrics, publish
// Data Quality results, and (with a crawler) update its database. No managed policy:
// AWSGlueServiceRole grants far more than one job needs. The role itself — under
// /seawall/, trusted by glue.amazonaws.com, its trust policy, inline policy and tags kept
// as drift — is the one IAM role block (src/aws/iam/role.ts, src/kinds/blocks/service-role.ts).
import { createHash } from 'node:crypto';
import { POLICY_VERSION, type PolicyDocument } from '../iam/policy-document.ts';

/** The service that assumes the role. */
export const GLUE_SERVICE = 'glue.amazonaws.com';
export const GLUE_POLICY_NAME = 'seawall-quality-pipeline';

export function glueRoleName(namespace: string, name: string): string {
  const full = `seawall-glue-${namespace}-${name}`;
  if (full.length <= 64) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 55)}-${hash}`;
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
