// The bucket itself: existence, ownership (through its tags), creation in its region,
// emptiness and deletion. Facets of the bucket (versioning, encryption, ...) live beside
// this file, one a file, each parameterised by a BucketTarget rather than by a kind.
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StalledError } from '../../runtime/errors.ts';
import { isAwsError } from '../errors.ts';
import type { ManagedResource } from '../lifecycle.ts';
import { type TagMap, tagsFromKeyValue, tagsToKeyValue } from '../ownership.ts';
import { objectVersionPages } from './object-versions.ts';
import { SEAWALL_OBJECT_PREFIX } from './replication-probe.ts';

/** Which bucket a facet works on. Kind-agnostic: ProtectedBucket and CostMonitor share it. */
export interface BucketTarget {
  s3: S3Client;
  bucket: string;
  region: string;
}

export function bucketArn(bucket: string, partition = 'aws'): string {
  return `arn:${partition}:s3:::${bucket}`;
}

export function bucketResource(bucket: string): string {
  return `s3://${bucket}`;
}

/** What one GetBucketTagging says: whether the bucket exists and, if so, its tags. */
export type BucketPresence = { exists: false } | { exists: true; tags: TagMap };

/**
 * One read serves existence, ownership and the tags facet: GetBucketTagging answers
 * NoSuchBucket for a missing bucket and NoSuchTagSet for a bucket without tags. A name
 * held by another account answers 403 (in its region) or 301 (elsewhere): only this
 * account's own bucket list tells that apart from a permission we lack or a bucket of
 * ours in another region, so it is read then, and only then.
 */
export async function observeBucket(target: BucketTarget): Promise<BucketPresence> {
  try {
    const out = await target.s3.send(new GetBucketTaggingCommand({ Bucket: target.bucket }));
    return { exists: true, tags: tagsFromKeyValue(out.TagSet) };
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) return { exists: false };
    if (isAwsError(error, 'NoSuchTagSet')) return { exists: true, tags: {} };
    const answer = refusalOf(error);
    if (answer) await explainRefusal(target, answer, error);
    throw error;
  }
}

/** How S3 refused a request on a bucket: 403 Forbidden, or 301 to the bucket's region. */
type Refusal = { status: 403 } | { status: 301; region: string | undefined };

function refusalOf(error: unknown): Refusal | undefined {
  const e = error as {
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string> };
    BucketRegion?: string;
  };
  const status = e.$metadata?.httpStatusCode;
  if (status === 403 || isAwsError(error, 'AccessDenied')) return { status: 403 };
  if (status === 301 || isAwsError(error, 'PermanentRedirect')) {
    return {
      status: 301,
      region: e.BucketRegion ?? e.$response?.headers?.['x-amz-bucket-region'],
    };
  }
  return undefined;
}

/**
 * Throws the StalledError that says what a refusal means: a name another account holds
 * (NameTaken), our own bucket in another region (WrongRegion). Returns when the bucket
 * is ours and in its region: the refusal is then a permission we lack, as it says.
 */
async function explainRefusal(
  target: BucketTarget,
  refusal: Refusal,
  cause: unknown,
): Promise<void> {
  const out = await target.s3.send(
    new ListBucketsCommand({ Prefix: target.bucket, MaxBuckets: 1000 }),
  );
  const ours = (out.Buckets ?? []).find((b) => b.Name === target.bucket);
  if (!ours) {
    const where = refusal.status === 301 && refusal.region ? ` in ${refusal.region}` : '';
    throw new StalledError(
      'NameTaken',
      `bucket "${target.bucket}" is held by another AWS account${where} (S3 answered ${refusal.status === 301 ? '301 Moved Permanently' : '403 Forbidden'}; bucket names are global); choose another name`,
      { cause },
    );
  }
  const region = ours.BucketRegion ?? (refusal.status === 301 ? refusal.region : undefined);
  if (region && region !== target.region) {
    throw new StalledError(
      'WrongRegion',
      `bucket "${target.bucket}" exists in this account in ${region}, not in ${target.region}; S3 cannot move a bucket`,
      { cause },
    );
  }
}

/**
 * us-east-1 takes no LocationConstraint (S3 refuses one); every other region needs it.
 * Tags go into the CreateBucket request itself, so on AWS a bucket is never without its
 * owner tag, not even between two calls (a crash there would make it look foreign).
 */
export function createBucketInput(bucket: string, region: string, tags: TagMap = {}) {
  const tagSet = Object.keys(tags).length > 0 ? { Tags: tagsToKeyValue(tags) } : {};
  return {
    Bucket: bucket,
    CreateBucketConfiguration:
      region === 'us-east-1'
        ? tagSet
        : { LocationConstraint: region as BucketLocationConstraint, ...tagSet },
  };
}

/** A bucket as read: its tags (where the owner tag lives). */
export interface FoundBucket {
  tags: TagMap;
}

/**
 * The bucket as a managed resource. A missing bucket is created in its region carrying
 * its tags; a name someone else holds (another account: BucketAlreadyExists, 403, 301)
 * stalls the resource and is never touched. Deleted only when empty (deleteBucketIfEmpty).
 */
export const s3Bucket: ManagedResource<BucketTarget, FoundBucket> = {
  type: 'S3 bucket',
  facetName: 'bucket',
  calls: [
    's3:GetBucketTagging',
    's3:ListBuckets',
    's3:HeadBucket',
    's3:CreateBucket',
    's3:ListObjectVersions',
    's3:DeleteBucket',
  ],
  identify: (target) => `S3 bucket ${target.bucket} in ${target.region}`,
  resourceName: (target) => bucketResource(target.bucket),
  async read(target) {
    const presence = await observeBucket(target);
    return presence.exists ? { tags: presence.tags } : undefined;
  },
  tagsOf: (found) => found.tags,
  // S3 cannot move a bucket: an adopted one must already be in the spec's region.
  beforeAdopt: (target) => checkRegion(target),
  async create(target, tags, journal) {
    await journal?.beforeCreate();
    try {
      await target.s3.send(
        new CreateBucketCommand(createBucketInput(target.bucket, target.region, tags)),
      );
    } catch (error) {
      if (isAwsError(error, 'BucketAlreadyExists')) {
        throw new StalledError(
          'NameTaken',
          `bucket "${target.bucket}" is taken by another AWS account (bucket names are global); choose another name`,
        );
      }
      // Created by an earlier attempt of ours that died before reading it back (its
      // journal entry says so). Any other account's bucket would be BucketAlreadyExists.
      if (!isAwsError(error, 'BucketAlreadyOwnedByYou')) throw error;
      // Its tags as they are now: the tags facet puts back what a failed create left out.
      const now = await observeBucket(target);
      return { tags: now.exists ? now.tags : {} };
    }
    // The tags went with CreateBucket (S3 checks s3:TagResource): the bucket is never
    // without its owner tag.
    return { tags };
  },
  planned: (target, tags) => ({ region: target.region, tags }),
  placeholder: () => ({ tags: {} }),
  async delete(target) {
    await deleteBucketIfEmpty(target);
  },
};

/** An adopted bucket must already be in the spec's region: S3 cannot move a bucket. */
async function checkRegion(target: BucketTarget): Promise<void> {
  const out = await target.s3.send(new HeadBucketCommand({ Bucket: target.bucket }));
  if (out.BucketRegion && out.BucketRegion !== target.region) {
    throw new StalledError(
      'WrongRegion',
      `bucket "${target.bucket}" exists in ${out.BucketRegion}, not in ${target.region}; S3 cannot move a bucket`,
    );
  }
}

export interface BucketContents {
  versions: number;
  deleteMarkers: number;
}

/** Counts versions and delete markers (up to `limit` of each kind): a bucket is empty only with none. */
export async function countBucketContents(
  target: BucketTarget,
  limit = 10_000,
): Promise<BucketContents> {
  let versions = 0;
  let deleteMarkers = 0;
  // Seawall's own replication probes are not the owner's data (removed on deletion).
  const data = (k: string | undefined) => !k?.startsWith(SEAWALL_OBJECT_PREFIX);
  for await (const page of objectVersionPages(target)) {
    versions += (page.Versions ?? []).filter((v) => data(v.Key)).length;
    deleteMarkers += (page.DeleteMarkers ?? []).filter((d) => data(d.Key)).length;
    if (versions + deleteMarkers >= limit) break;
  }
  return { versions, deleteMarkers };
}

/**
 * Deletes the bucket only when it holds no version and no delete marker. Objects are
 * never deleted to make this possible: a non-empty bucket stalls the deletion.
 * Returns false when the bucket was already gone.
 */
export async function deleteBucketIfEmpty(target: BucketTarget): Promise<boolean> {
  let contents: BucketContents;
  try {
    contents = await countBucketContents(target);
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) return false;
    throw error;
  }
  if (contents.versions + contents.deleteMarkers > 0) {
    throw new StalledError(
      'BucketNotEmpty',
      `bucket "${target.bucket}" still holds ${describeContents(contents)}; Seawall never deletes objects. Empty it (versions and delete markers included) or set deletionPolicy: Retain`,
    );
  }
  try {
    await target.s3.send(new DeleteBucketCommand({ Bucket: target.bucket }));
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) return false;
    if (isAwsError(error, 'BucketNotEmpty')) {
      throw new StalledError(
        'BucketNotEmpty',
        `bucket "${target.bucket}" is not empty (objects arrived during deletion); Seawall never deletes objects`,
      );
    }
    throw error;
  }
  return true;
}

export function describeContents(contents: BucketContents): string {
  const parts = [`${contents.versions} object version(s)`];
  parts.push(`${contents.deleteMarkers} delete marker(s)`);
  return parts.join(' and ');
}
