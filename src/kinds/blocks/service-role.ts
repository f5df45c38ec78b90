// An IAM role Seawall makes for an AWS service (S3 replication, a Glue job): the role,
// there and ours, then its chain — trust policy, inline policy, tags.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PolicyDocument } from '../../aws/iam/policy-document.ts';
import { serviceRole, serviceRoleChain } from '../../aws/iam/role.ts';
import { type TagMap, withOwnerTag } from '../../aws/ownership.ts';
import type { ReconcileSteps } from '../steps.ts';

export interface ServiceRoleSpec {
  iam: IAMClient;
  roleName: string;
  /** The service that assumes it (`s3.amazonaws.com`). */
  service: string;
  policyName: string;
  policy: PolicyDocument;
  description: string;
  owner: string;
  tags?: TagMap | undefined;
  adopt?: boolean;
  /** The role's ARN as status recorded it. */
  knownArn?: string | undefined;
}

/** The role's ARN once it and its facets are as the spec says. */
export async function ensureServiceRole(
  steps: ReconcileSteps<unknown, unknown>,
  spec: ServiceRoleSpec,
): Promise<string> {
  const ref = {
    iam: spec.iam,
    roleName: spec.roleName,
    service: spec.service,
    policyName: spec.policyName,
    description: spec.description,
    knownArn: spec.knownArn,
  };
  const ensured = await steps.ensure(serviceRole, ref, {
    owner: spec.owner,
    tags: withOwnerTag(spec.tags, spec.owner),
    // Ours by record when found with the ARN status holds (serviceRole.recorded).
    adopt: spec.adopt === true,
  });
  await steps.chain(serviceRoleChain, {
    iam: spec.iam,
    role: ensured.found,
    service: spec.service,
    policyName: spec.policyName,
    policy: spec.policy,
    owner: spec.owner,
    tags: spec.tags,
  });
  return ensured.found.Arn;
}
