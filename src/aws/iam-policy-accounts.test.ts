import { describe, expect, it } from 'vitest';
import { iamPolicy } from './iam-policy.generated.ts';
import {
  assumeOnlyPolicy,
  policyActions,
  ROLE_RESOURCE,
  targetAccountPolicy,
  targetTrustPolicy,
} from './iam-policy.ts';

describe('the IAM policies of a two-account setup', () => {
  it("the operator may assume only Seawall's roles (role/seawall/*)", () => {
    const statement = iamPolicy.Statement.find((s) => s.Action.includes('sts:AssumeRole'));
    expect(statement).toMatchObject({ Sid: 'SeawallAssumeAccountRoles', Resource: ROLE_RESOURCE });
  });

  it('the target role does everything the operator does in AWS, except assuming roles', () => {
    const target = policyActions(targetAccountPolicy(iamPolicy));
    expect(target).not.toContain('sts:AssumeRole');
    expect(target).toEqual(policyActions(iamPolicy).filter((a) => a !== 'sts:AssumeRole'));
  });

  it('acting only through AwsAccounts, the operator needs sts:AssumeRole and nothing else', () => {
    const policy = assumeOnlyPolicy(iamPolicy);
    expect(policyActions(policy)).toEqual(['sts:AssumeRole']);
    expect(policy.Statement.map((s) => s.Resource)).toEqual([ROLE_RESOURCE]);
  });

  it("the trust policy names exactly the operator's role, with the external id", () => {
    const arn = 'arn:aws:iam::111111111111:role/seawall-operator';
    expect(targetTrustPolicy(arn, 'x-1').Statement).toEqual([
      {
        Sid: 'SeawallOperator',
        Effect: 'Allow',
        Principal: { AWS: arn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } },
      },
    ]);
    expect(targetTrustPolicy(arn).Statement[0]?.Condition).toBeUndefined();
  });
});
