// The S3 replication role: trusted by s3.amazonaws.com, with one inline policy granting
// exactly what replication of SSE-KMS objects needs and nothing more. Facets: the trust
// policy, the inline policy and the tags (all read by GetRole + GetRolePolicy).

import { createHash } from 'node:crypto';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  PutRolePolicyCommand,
  type Role,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';
import {
  assertOwnedOrAdoptable,
  diffTags,
  ownershipOf,
  ResourceMissingError,
  type TagMap,
  tagChanges,
  tagsFromKeyValue,
  tagsToKeyValue,
  withOwnerTag,
} from '../ownership.ts';
import {
  POLICY_VERSION,
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
  renderPolicy,
  statementSetsEqual,
} from './policy-document.ts';

export const ROLE_PATH = '/seawall/';
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
}

export function s3TrustPolicy(): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ],
  };
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
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
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

export interface RoleTarget {
  iam: IAMClient;
  roleName: string;
  owner: string;
}

export interface EnsuredRole {
  role: Role & { Arn: string; RoleName: string };
  tags: TagMap;
  created: boolean;
  /** An existing role taken over (spec.adoptExisting): its tags are about to be replaced. */
  adopted?: boolean;
}

async function getRole(target: RoleTarget): Promise<Role | undefined> {
  try {
    return (await target.iam.send(new GetRoleCommand({ RoleName: target.roleName }))).Role;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw error;
  }
}

/** The role, created with its trust policy and tags when missing; stalls on a role that is not ours. */
export async function ensureRole(
  target: RoleTarget,
  options: {
    tags?: TagMap | undefined;
    adopt: boolean;
    description: string;
    /** The role's ARN as recorded in status: ours even if its owner tag was removed. */
    knownArn?: string | undefined;
    /** false: never create the role (drift check under Report, plan); default true. */
    mayCreate?: boolean;
  },
): Promise<EnsuredRole> {
  const found = await getRole(target);
  if (found?.Arn && found.RoleName) {
    const tags = tagsFromKeyValue(found.Tags);
    if (found.Arn === options.knownArn) {
      return { role: found as EnsuredRole['role'], tags, created: false };
    }
    const adopted = assertOwnedOrAdoptable({
      what: `IAM role ${target.roleName}`,
      tags,
      owner: target.owner,
      adopt: options.adopt,
    });
    return { role: found as EnsuredRole['role'], tags, created: false, adopted };
  }
  if (options.mayCreate === false) throw new ResourceMissingError(`IAM role ${target.roleName}`);
  const tags = withOwnerTag(options.tags, target.owner);
  try {
    const out = await target.iam.send(
      new CreateRoleCommand({
        RoleName: target.roleName,
        Path: ROLE_PATH,
        Description: options.description,
        AssumeRolePolicyDocument: renderPolicy(s3TrustPolicy()),
        Tags: tagsToKeyValue(tags),
      }),
    );
    if (!out.Role?.Arn) throw new Error('CreateRole returned no role');
    return { role: out.Role as EnsuredRole['role'], tags, created: true };
  } catch (error) {
    if (!isAwsError(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) throw error;
    // Created concurrently by a retry of ours: read it and check it like any other.
    return ensureRole(target, options);
  }
}

export interface RoleFacetContext extends RoleTarget {
  roleArn: string;
  /** The GetRole answer ensureRole got: the trust policy and tags come from it. */
  role: Role;
  tags: TagMap | undefined;
  policy: PolicyDocument;
}

export interface PolicyState {
  document: PolicyDocument | undefined;
}

function diffDocuments(desired: PolicyState, observed: PolicyState): FieldDiff[] {
  if (
    observed.document &&
    desired.document &&
    statementSetsEqual(desired.document.Statement, observed.document.Statement)
  ) {
    return [];
  }
  if (!desired.document && !observed.document) return [];
  return [
    {
      field: 'Statement',
      expected: desired.document?.Statement,
      observed: observed.document?.Statement,
    },
  ];
}

export const roleTrustPolicyFacet: Facet<RoleFacetContext, PolicyState> = {
  name: 'role.trustPolicy',
  resource: (ctx) => ctx.roleArn,
  observe: async (ctx) => ({ document: parsePolicy(ctx.role.AssumeRolePolicyDocument) }),
  desired: () => ({ document: s3TrustPolicy() }),
  diff: diffDocuments,
  async apply(ctx, desired) {
    await ctx.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: ctx.roleName,
        PolicyDocument: renderPolicy(desired.document ?? s3TrustPolicy()),
      }),
    );
  },
};

export const rolePolicyFacet: Facet<RoleFacetContext, PolicyState> = {
  name: 'role.policy',
  resource: (ctx) => ctx.roleArn,
  async observe(ctx) {
    try {
      const out = await ctx.iam.send(
        new GetRolePolicyCommand({ RoleName: ctx.roleName, PolicyName: REPLICATION_POLICY_NAME }),
      );
      return { document: parsePolicy(out.PolicyDocument) };
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException'))
        return { document: undefined };
      throw error;
    }
  },
  desired: (ctx) => ({ document: ctx.policy }),
  diff: diffDocuments,
  async apply(ctx, desired) {
    await ctx.iam.send(
      new PutRolePolicyCommand({
        RoleName: ctx.roleName,
        PolicyName: REPLICATION_POLICY_NAME,
        PolicyDocument: renderPolicy(desired.document ?? ctx.policy),
      }),
    );
  },
};

export const roleTagsFacet: Facet<RoleFacetContext, TagMap> = {
  name: 'role.tags',
  resource: (ctx) => ctx.roleArn,
  observe: async (ctx) => tagsFromKeyValue(ctx.role.Tags),
  desired: (ctx) => withOwnerTag(ctx.tags, ctx.owner),
  diff: diffTags,
  async apply(ctx, desired, observed) {
    const { set, remove } = tagChanges(desired, observed);
    if (remove.length > 0)
      await ctx.iam.send(new UntagRoleCommand({ RoleName: ctx.roleName, TagKeys: remove }));
    if (Object.keys(set).length > 0)
      await ctx.iam.send(new TagRoleCommand({ RoleName: ctx.roleName, Tags: tagsToKeyValue(set) }));
  },
};

/**
 * Removes the inline policy, then the role — only a role carrying our owner tag. Missing
 * pieces are fine (a retry).
 */
export async function deleteReplicationRole(target: RoleTarget): Promise<void> {
  const role = await getRole(target);
  if (!role) return;
  if (ownershipOf(tagsFromKeyValue(role.Tags), target.owner) !== 'owned') return;
  try {
    await target.iam.send(
      new DeleteRolePolicyCommand({
        RoleName: target.roleName,
        PolicyName: REPLICATION_POLICY_NAME,
      }),
    );
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
  }
  try {
    await target.iam.send(new DeleteRoleCommand({ RoleName: target.roleName }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
  }
}
