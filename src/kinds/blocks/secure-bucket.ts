// A bucket Seawall creates and protects: encrypted with a customer-managed key, versioned,
// closed to the public, bucket-owner-enforced, TLS-only; optionally a lifecycle of its
// own and S3 Object Lock. One chain, used by a ProtectedBucket (its bucket and its backup)
// and by a CostMonitor's audit-log bucket, so the protections cannot drift apart.
import { type FacetChain, link } from '../../aws/chain.ts';
import { logRetentionFacet } from '../../aws/cloudtrail/log-retention.ts';
import type { PolicyStatement } from '../../aws/iam/policy-document.ts';
import type { Inspected } from '../../aws/lifecycle.ts';
import { type TagMap, withOwnerTag } from '../../aws/ownership.ts';
import { type BucketTarget, type FoundBucket, s3Bucket } from '../../aws/s3/bucket.ts';
import { bucketPolicyFacet, tlsOnlyStatement } from '../../aws/s3/bucket-policy.ts';
import { encryptionFacet } from '../../aws/s3/encryption.ts';
import { lifecycleFacet, type NoncurrentVersionLifecycle } from '../../aws/s3/lifecycle.ts';
import { type DefaultRetention, objectLockFacet } from '../../aws/s3/object-lock.ts';
import { ownershipControlsFacet } from '../../aws/s3/ownership-controls.ts';
import {
  type PublicAccessBlockState,
  publicAccessBlockFacet,
} from '../../aws/s3/public-access-block.ts';
import { bucketTagsFacet } from '../../aws/s3/tags.ts';
import { type VersioningStatus, versioningFacet } from '../../aws/s3/versioning.ts';
import type { ChainOutcome, ReconcileSteps } from '../steps.ts';

/** Every public-access flag on: what a protected bucket has unless the spec says otherwise. */
export const BLOCK_ALL_PUBLIC_ACCESS: PublicAccessBlockState = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** What a secure bucket should be. */
export interface SecureBucketSpec {
  target: BucketTarget;
  owner: string;
  /** The spec's tags (the owner tag is added). */
  tags?: TagMap | undefined;
  adopt?: boolean;
  /** What the NotOwned message tells a person to do, for a kind without adoptExisting. */
  remedy?: string;
  /** Status records this bucket as ours. */
  recorded?: boolean;
  keyArn: string;
  bucketKeyEnabled: boolean;
  versioning: VersioningStatus;
  publicAccessBlock: PublicAccessBlockState;
  /** The bucket's account: policy grants to any other account are exposure. */
  accountId: string;
  /** Deny requests not made over TLS (the policy's first Seawall statement). */
  enforceTLS: boolean;
  /** More Seawall statements for the bucket policy (CloudTrail's, say). */
  statements?: PolicyStatement[];
  /** A ProtectedBucket's noncurrent-version lifecycle (undefined: lifecycle not managed). */
  lifecycle?: NoncurrentVersionLifecycle | undefined;
  /** An audit-log bucket's retention in days (its lifecycle). */
  logRetentionDays?: number | undefined;
  /** S3 Object Lock with this default retention. */
  objectLock?: DefaultRetention | undefined;
}

interface SecureBucketInput {
  spec: SecureBucketSpec;
  found: FoundBucket;
}

const target = ({ spec }: SecureBucketInput) => spec.target;

/** The protections, in order. Versioning before Object Lock: S3 needs it first. */
export const secureBucketChain: FacetChain<SecureBucketInput> = [
  link(bucketTagsFacet, ({ spec, found }) => ({
    ...spec.target,
    owner: spec.owner,
    tags: spec.tags,
    knownTags: found.tags,
  })),
  link(encryptionFacet, (input) => ({
    ...target(input),
    keyArn: input.spec.keyArn,
    bucketKeyEnabled: input.spec.bucketKeyEnabled,
  })),
  link(versioningFacet, (input) => ({ ...target(input), versioning: input.spec.versioning })),
  link(publicAccessBlockFacet, (input) => ({
    ...target(input),
    publicAccessBlock: input.spec.publicAccessBlock,
  })),
  link(ownershipControlsFacet, (input) => ({
    ...target(input),
    objectOwnership: 'BucketOwnerEnforced' as const,
  })),
  link(bucketPolicyFacet, ({ spec }) => ({
    ...spec.target,
    accountId: spec.accountId,
    statements: [
      ...(spec.enforceTLS ? [tlsOnlyStatement(spec.target.bucket)] : []),
      ...(spec.statements ?? []),
    ],
  })),
  link(
    lifecycleFacet,
    ({ spec }) => ({ ...spec.target, lifecycle: spec.lifecycle }),
    ({ spec }) => spec.lifecycle !== undefined,
  ),
  link(
    logRetentionFacet,
    ({ spec }) => ({ ...spec.target, retentionDays: spec.logRetentionDays ?? 0 }),
    ({ spec }) => spec.logRetentionDays !== undefined,
  ),
  link(
    objectLockFacet,
    ({ spec }) => ({ ...spec.target, retention: spec.objectLock as DefaultRetention }),
    ({ spec }) => spec.objectLock !== undefined,
  ),
];

/** Reads the bucket and decides ownership before anything is created (names first). */
export function inspectBucket(
  steps: ReconcileSteps<unknown, unknown>,
  spec: Pick<SecureBucketSpec, 'target' | 'owner' | 'adopt' | 'recorded'>,
): Promise<Inspected<FoundBucket>> {
  return steps.inspect(s3Bucket, spec.target, {
    owner: spec.owner,
    adopt: spec.adopt === true,
    recorded: spec.recorded === true,
    journal: true,
  });
}

/** The bucket, there and ours (created through the journal), and its protections. */
export async function secureBucket(
  steps: ReconcileSteps<unknown, unknown>,
  spec: SecureBucketSpec,
  inspected?: Inspected<FoundBucket>,
): Promise<ChainOutcome> {
  const ensured = await steps.ensure(s3Bucket, spec.target, {
    owner: spec.owner,
    tags: withOwnerTag(spec.tags, spec.owner),
    adopt: spec.adopt === true,
    recorded: spec.recorded === true,
    journal: true,
    ...(spec.remedy ? { remedy: spec.remedy } : {}),
    ...(inspected ? { inspected } : {}),
  });
  const outcome = await steps.chain(secureBucketChain, { spec, found: ensured.found });
  // The caller records the bucket in status right after this; the journal entry goes.
  steps.recorded(s3Bucket.identify(spec.target));
  return outcome;
}
