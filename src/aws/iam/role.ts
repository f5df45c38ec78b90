// An IAM role Seawall makes for an AWS service to assume (S3 replication, a Glue job):
// one building block for every such role. The role is a ManagedResource (read, ownership,
// create with its trust policy and owner tag under /seawall/, delete); its facets are the
// trust policy, the one inline policy and the tags — all but the inline policy answered
// by the one GetRole the lifecycle already made.
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
import { type FacetChain, link } from '../chain.ts';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';
import type { ManagedResource } from '../lifecycle.ts';
import {
  diffTags,
  type TagMap,
  tagChanges,
  tagsFromKeyValue,
  tagsToKeyValue,
  withOwnerTag,
} from '../ownership.ts';
import {
  POLICY_VERSION,
  type PolicyDocument,
  parsePolicy,
  renderPolicy,
  statementSetsEqual,
} from './policy-document.ts';

/**
 * Every role Seawall makes lives under this path: the operator's own IAM policy lets it
 * create, change and pass only roles here.
 */
export const ROLE_PATH = '/seawall/';

/** Which role, and what kind of role it is. */
export interface RoleRef {
  iam: IAMClient;
  roleName: string;
  /** The service that assumes it (`s3.amazonaws.com`): its trust policy. */
  service: string;
  /** The one inline policy's name. */
  policyName: string;
  description: string;
  /** The role's ARN as recorded in status: ours even if its owner tag was removed. */
  knownArn?: string | undefined;
}

export type FoundRole = Role & { Arn: string; RoleName: string };

/** Pure: trusted by one service, to assume it and nothing else. */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  };
}

function isNoSuchEntity(error: unknown): boolean {
  return isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException');
}

async function getRole(iam: IAMClient, roleName: string): Promise<FoundRole | undefined> {
  try {
    const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return role?.Arn && role.RoleName ? (role as FoundRole) : undefined;
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
}

export const serviceRole: ManagedResource<RoleRef, FoundRole> = {
  type: 'IAM role',
  facetName: 'role',
  calls: ['iam:GetRole', 'iam:CreateRole', 'iam:DeleteRolePolicy', 'iam:DeleteRole'],
  identify: (ref) => `IAM role ${ref.roleName}`,
  resourceName: (ref, found) => found?.Arn ?? `iam role ${ROLE_PATH}${ref.roleName}`,
  read: (ref) => getRole(ref.iam, ref.roleName),
  tagsOf: (found) => tagsFromKeyValue(found.Tags),
  recorded: (ref, found) => ref.knownArn !== undefined && found.Arn === ref.knownArn,
  async create(ref, tags) {
    try {
      const out = await ref.iam.send(
        new CreateRoleCommand({
          RoleName: ref.roleName,
          Path: ROLE_PATH,
          Description: ref.description,
          AssumeRolePolicyDocument: renderPolicy(serviceTrustPolicy(ref.service)),
          Tags: tagsToKeyValue(tags),
        }),
      );
      if (!out.Role?.Arn) throw new Error('CreateRole returned no role');
      return out.Role as FoundRole;
    } catch (error) {
      if (!isAwsError(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) throw error;
      // Made a moment ago by a retry of ours (its tags went with it): read it back.
      const found = await getRole(ref.iam, ref.roleName);
      if (!found) throw error;
      return found;
    }
  },
  planned: (ref, tags) => ({
    path: ROLE_PATH,
    trustedBy: ref.service,
    inlinePolicy: ref.policyName,
    tags,
  }),
  placeholder: (ref) => ({
    Arn: `(new IAM role ${ROLE_PATH}${ref.roleName})`,
    RoleName: ref.roleName,
    Path: ROLE_PATH,
    RoleId: undefined,
    CreateDate: undefined,
    AssumeRolePolicyDocument: encodeURIComponent(renderPolicy(serviceTrustPolicy(ref.service))),
    Tags: [],
  }),
  async delete(ref) {
    const ignoreMissing = (error: unknown) => {
      if (!isNoSuchEntity(error)) throw error;
    };
    // The inline policy first: IAM refuses to delete a role that still has one.
    await ref.iam
      .send(new DeleteRolePolicyCommand({ RoleName: ref.roleName, PolicyName: ref.policyName }))
      .catch(ignoreMissing);
    await ref.iam.send(new DeleteRoleCommand({ RoleName: ref.roleName })).catch(ignoreMissing);
  },
};

/** What the role's facets work on: the role as the lifecycle read it, and what it should be. */
export interface RoleContext {
  iam: IAMClient;
  role: FoundRole;
  service: string;
  policyName: string;
  /** The inline policy: everything the service may do as this role. */
  policy: PolicyDocument;
  owner: string;
  tags: TagMap | undefined;
}

export interface PolicyState {
  document: PolicyDocument | undefined;
}

/** Pure: two policies differ when their statements differ as sets of JSON values. */
export function diffPolicyDocuments(desired: PolicyState, observed: PolicyState): FieldDiff[] {
  if (!desired.document && !observed.document) return [];
  if (
    desired.document &&
    observed.document &&
    statementSetsEqual(desired.document.Statement, observed.document.Statement)
  ) {
    return [];
  }
  return [
    {
      field: 'Statement',
      expected: desired.document?.Statement,
      observed: observed.document?.Statement,
    },
  ];
}

/** role.trustPolicy: only the service may assume the role. Read from the GetRole answer. */
export const roleTrustPolicyFacet: Facet<RoleContext, PolicyState> = {
  name: 'role.trustPolicy',
  calls: ['iam:UpdateAssumeRolePolicy'],
  resource: (ctx) => ctx.role.Arn,
  observe: async (ctx) => ({ document: parsePolicy(ctx.role.AssumeRolePolicyDocument) }),
  desired: (ctx) => ({ document: serviceTrustPolicy(ctx.service) }),
  diff: diffPolicyDocuments,
  async apply(ctx) {
    await ctx.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: ctx.role.RoleName,
        PolicyDocument: renderPolicy(serviceTrustPolicy(ctx.service)),
      }),
    );
  },
};

/** role.policy: the one inline policy. */
export const rolePolicyFacet: Facet<RoleContext, PolicyState> = {
  name: 'role.policy',
  calls: ['iam:GetRolePolicy', 'iam:PutRolePolicy'],
  resource: (ctx) => ctx.role.Arn,
  async observe(ctx) {
    try {
      const out = await ctx.iam.send(
        new GetRolePolicyCommand({ RoleName: ctx.role.RoleName, PolicyName: ctx.policyName }),
      );
      return { document: parsePolicy(out.PolicyDocument) };
    } catch (error) {
      if (isNoSuchEntity(error)) return { document: undefined };
      throw error;
    }
  },
  desired: (ctx) => ({ document: ctx.policy }),
  diff: diffPolicyDocuments,
  async apply(ctx) {
    await ctx.iam.send(
      new PutRolePolicyCommand({
        RoleName: ctx.role.RoleName,
        PolicyName: ctx.policyName,
        PolicyDocument: renderPolicy(ctx.policy),
      }),
    );
  },
};

/** role.tags: the spec's tags and the owner tag. Read from the GetRole answer. */
export const roleTagsFacet: Facet<RoleContext, TagMap> = {
  name: 'role.tags',
  calls: ['iam:TagRole', 'iam:UntagRole'],
  resource: (ctx) => ctx.role.Arn,
  observe: async (ctx) => tagsFromKeyValue(ctx.role.Tags),
  desired: (ctx) => withOwnerTag(ctx.tags, ctx.owner),
  diff: diffTags,
  async apply(ctx, desired, observed) {
    const { set, remove } = tagChanges(desired, observed);
    const RoleName = ctx.role.RoleName;
    if (remove.length > 0) await ctx.iam.send(new UntagRoleCommand({ RoleName, TagKeys: remove }));
    if (Object.keys(set).length > 0) {
      await ctx.iam.send(new TagRoleCommand({ RoleName, Tags: tagsToKeyValue(set) }));
    }
  },
};

/** The facets of a service role, in order. */
export const serviceRoleChain: FacetChain<RoleContext> = [
  link(roleTrustPolicyFacet, (ctx) => ctx),
  link(rolePolicyFacet, (ctx) => ctx),
  link(roleTagsFacet, (ctx) => ctx),
];
