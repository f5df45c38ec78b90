// Two AWS accounts for the account tests: `home`, where the operator runs (its role holds
// the generated policy, sts:AssumeRole on role/seawall/* included), and `target`, with the
// role Seawall assumes there (path /seawall/, trusting exactly the operator's role and
// asking for an external id) holding the target-account policy. AwsAccounts are real
// objects in the test stack's API server, read through kubeAccounts (no cache).
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import * as k8s from '@kubernetes/client-node';
import type { AwsAccount, AwsAccountSpec } from '../../src/api/awsaccount.ts';
import { API_VERSION, GROUP, VERSION } from '../../src/api/common.ts';
import { iamPolicy } from '../../src/aws/iam-policy.generated.ts';
import {
  type PolicyDocument,
  targetAccountPolicy,
  targetTrustPolicy,
} from '../../src/aws/iam-policy.ts';
import { kubeAccounts } from '../../src/kinds/accounts/source.ts';
import { createReconcilers } from '../../src/kinds/index.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { OPERATOR_ROLE, type TestAccount } from '../harness/aws.ts';

export const TARGET_ROLE = 'seawall-target';
export const EXTERNAL_ID = 'seawall-test-external-id';

export function targetRoleArn(account: TestAccount): string {
  return `arn:aws:iam::${account.accountId}:role/seawall/${TARGET_ROLE}`;
}

/**
 * The role Seawall assumes in `target`, trusting the operator's role of `home`: exactly
 * the policies `seawall iam-policy --target [--trust ...]` prints.
 */
export async function createTargetRole(
  home: TestAccount,
  target: TestAccount,
  policy: PolicyDocument = targetAccountPolicy(iamPolicy),
): Promise<string> {
  const iam = target.admin.clients.iam();
  await iam.send(
    new CreateRoleCommand({
      RoleName: TARGET_ROLE,
      Path: '/seawall/',
      AssumeRolePolicyDocument: JSON.stringify(
        targetTrustPolicy(`arn:aws:iam::${home.accountId}:role/${OPERATOR_ROLE}`, EXTERNAL_ID),
      ),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: TARGET_ROLE,
      PolicyName: TARGET_ROLE,
      PolicyDocument: JSON.stringify(policy),
    }),
  );
  await target.strict.settle(target.accountId);
  return targetRoleArn(target);
}

export function awsAccounts(kc: k8s.KubeConfig) {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const at = { group: GROUP, version: VERSION, plural: 'awsaccounts' };
  return {
    async create(name: string, spec: AwsAccountSpec): Promise<AwsAccount> {
      return (await custom.createClusterCustomObject({
        ...at,
        body: { apiVersion: API_VERSION, kind: 'AwsAccount', metadata: { name }, spec },
      })) as AwsAccount;
    },
    async get(name: string): Promise<AwsAccount> {
      return (await custom.getClusterCustomObject({ ...at, name })) as AwsAccount;
    },
    async delete(name: string): Promise<void> {
      await custom.deleteClusterCustomObject({ ...at, name });
    },
  };
}

/** The reconcilers as the operator builds them, over the home operator's clients. */
export function reconcilersFor(home: TestAccount, kc: k8s.KubeConfig) {
  const all = createReconcilers({
    aws: home.operator.clients,
    kc,
    accounts: kubeAccounts(kc, 0),
  });
  const byKind = (kind: string) => {
    const found = all.find((r) => r.kind.kind === kind);
    if (!found) throw new Error(`no reconciler for ${kind}`);
    return found as Reconciler<never, never>;
  };
  return {
    protectedBucket: byKind('ProtectedBucket'),
    qualityPipeline: byKind('QualityPipeline'),
    costMonitor: byKind('CostMonitor'),
    awsAccount: byKind('AwsAccount'),
  };
}
