// bucket.encryption: default encryption SSE-KMS with a customer-managed key and (by
// default) an S3 Bucket Key. Seawall owns the whole default-encryption configuration.
import { GetBucketEncryptionCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet } from '../facet.ts';
import { type BucketTarget, bucketResource } from './bucket.ts';

export interface EncryptionContext extends BucketTarget {
  /** ARN of the KMS key (an ARN, not an alias: an alias can be repointed). */
  keyArn: string;
  bucketKeyEnabled: boolean;
}

export interface EncryptionState {
  SSEAlgorithm: string | undefined;
  KMSMasterKeyID: string | undefined;
  BucketKeyEnabled: boolean;
}

export const encryptionFacet: Facet<EncryptionContext, EncryptionState> = {
  calls: ['s3:GetBucketEncryption', 's3:PutBucketEncryption'],
  name: 'bucket.encryption',
  resource: (ctx) => bucketResource(ctx.bucket),
  async observe(ctx) {
    try {
      const out = await ctx.s3.send(new GetBucketEncryptionCommand({ Bucket: ctx.bucket }));
      const rule = out.ServerSideEncryptionConfiguration?.Rules?.[0];
      return {
        SSEAlgorithm: rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
        KMSMasterKeyID: rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
        BucketKeyEnabled: rule?.BucketKeyEnabled ?? false,
      };
    } catch (error) {
      if (isAwsError(error, 'ServerSideEncryptionConfigurationNotFoundError')) {
        return { SSEAlgorithm: undefined, KMSMasterKeyID: undefined, BucketKeyEnabled: false };
      }
      throw error;
    }
  },
  desired: (ctx) => ({
    SSEAlgorithm: 'aws:kms',
    KMSMasterKeyID: ctx.keyArn,
    BucketKeyEnabled: ctx.bucketKeyEnabled,
  }),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired) {
    await ctx.s3.send(new PutBucketEncryptionCommand(putEncryptionInput(ctx.bucket, desired)));
  },
};

export function putEncryptionInput(bucket: string, desired: EncryptionState) {
  return {
    Bucket: bucket,
    ServerSideEncryptionConfiguration: {
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms' as const,
            KMSMasterKeyID: desired.KMSMasterKeyID,
          },
          BucketKeyEnabled: desired.BucketKeyEnabled,
        },
      ],
    },
  };
}
