// What the S3 replication role is: trusted by s3.amazonaws.com (a service role, see
// role.ts), with one inline policy granting exactly what replication of SSE-KMS objects
// needs and nothing more, and the key-policy grants the two keys need for it.

import { createHash } from 'node:crypto';
import { POLICY_VERSION, type PolicyDocument, type PolicyStatement } from './policy-document.ts';

/** The service that assumes the role. */
export const REPLICATION_SERVICE = 's3.amazonaws.com';
export const REPLICATION_POLICY_NAME = 'seawall-s3-replication';

/** A role name (≤ 64 characters) for a bucket's replication role; long names keep a hash. */
export function replicationRoleName(bucket: string): string {
  const name = `seawall-replication-${bucket}`;
  if (name.length <= 64) return name;
  const hash = createHash('sha256').update(bucket).digest('hex').slice(0, 8);
  return `${name.slice(0, 55)}-${hash}`;
}

export interface ReplicationEndpoints {
  sourceBucket: string;
  sourceRegion: string;
  sourceKeyArn: string;
  destinationBucket: string;
  destinationRegion: string;
  destinationKeyArn: string;
  partition?: string;
  /** The backup is in another account and owns the replicas (AccessControlTranslation). */
  ownerOverride?: boolean;
}

/**
 * The KMS condition for a bucket's objects. With an S3 Bucket Key the encryption context
 * is the bucket ARN, without one the object ARN: both are listed so the grant holds
 * whichever way bucketKeyEnabled is set.
 */
export function kmsViaS3Condition(bucket: string, region: string, partition = 'aws') {
  const arn = `arn:${partition}:s3:::${bucket}`;
  return {
    StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` },
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, `${arn}/*`] },
  };
}

/** Exactly the permissions S3 replication of SSE-KMS objects needs. */
export function replicationPolicy(e: ReplicationEndpoints): PolicyDocument {
  const p = e.partition ?? 'aws';
  const source = `arn:${p}:s3:::${e.sourceBucket}`;
  const destination = `arn:${p}:s3:::${e.destinationBucket}`;
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: 'SourceBucket',
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: source,
      },
      {
        Sid: 'SourceObjects',
        Effect: 'Allow',
        Action: [
          's3:GetObjectVersionForReplication',
          's3:GetObjectVersionAcl',
          's3:GetObjectVersionTagging',
        ],
        Resource: `${source}/*`,
      },
      {
        Sid: 'DestinationObjects',
        Effect: 'Allow',
        Action: [
          's3:ReplicateObject',
          's3:ReplicateDelete',
          's3:ReplicateTags',
          ...(e.ownerOverride ? ['s3:ObjectOwnerOverrideToBucketOwner'] : []),
        ],
        Resource: `${destination}/*`,
      },
      {
        Sid: 'DecryptSource',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: e.sourceKeyArn,
        Condition: kmsViaS3Condition(e.sourceBucket, e.sourceRegion, p),
      },
      {
        // Encrypt for the replica; Decrypt too, because with an S3 Bucket Key on the
        // destination S3 decrypts the bucket-level key it caches (S3 User Guide,
        // "Replicating encrypted objects" and "Using S3 Bucket Keys with replication").
        Sid: 'EncryptDestination',
        Effect: 'Allow',
        Action: [...DESTINATION_KEY_ACTIONS],
        Resource: e.destinationKeyArn,
        Condition: kmsViaS3Condition(e.destinationBucket, e.destinationRegion, p),
      },
    ],
  };
}

/** What replication does with the source key: decrypt the objects it reads. */
export const SOURCE_KEY_ACTIONS = ['kms:Decrypt'] as const;
/** What it does with the replica key: encrypt, and decrypt the cached S3 Bucket Key. */
export const DESTINATION_KEY_ACTIONS = ['kms:Encrypt', 'kms:Decrypt'] as const;

/**
 * The key-policy statement a key needs so the role may use it: the key policy must allow
 * the role as well as its IAM policy (a key whose policy does not delegate to IAM, or a
 * key in another account, honours only the key policy).
 */
export function replicationKeyGrant(
  roleArn: string,
  side: 'source' | 'destination',
  bucket: string,
  region: string,
  partition = 'aws',
): PolicyStatement {
  return {
    Sid: side === 'source' ? 'SeawallReplicationDecrypt' : 'SeawallReplicationEncrypt',
    Effect: 'Allow',
    Principal: { AWS: roleArn },
    Action: side === 'source' ? [...SOURCE_KEY_ACTIONS] : [...DESTINATION_KEY_ACTIONS],
    Resource: '*',
    Condition: kmsViaS3Condition(bucket, region, partition),
  };
}

/** What the replication role does in a backup bucket of another account (its bucket policy allows exactly this). */
export const CROSS_ACCOUNT_DESTINATION_ACTIONS = [
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
  's3:ObjectOwnerOverrideToBucketOwner',
] as const;

/**
 * The backup bucket's policy statement when it is in another account: the source's
 * replication role, and only it, may replicate into it and hand the replicas over.
 */
export function crossAccountReplicationStatement(
  roleArn: string,
  destinationBucket: string,
  partition = 'aws',
): PolicyStatement {
  return {
    Sid: 'SeawallCrossAccountReplication',
    Effect: 'Allow',
    Principal: { AWS: roleArn },
    Action: [...CROSS_ACCOUNT_DESTINATION_ACTIONS],
    Resource: `arn:${partition}:s3:::${destinationBucket}/*`,
  };
}
