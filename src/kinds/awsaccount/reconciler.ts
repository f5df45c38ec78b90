// The AwsAccount reconciler: Ready when Seawall can act in the account — the role is
// assumed through STS on top of the operator's identity (or, without a role, the
// operator's own identity is used) and STS says the session is in the declared account.
// It creates nothing in AWS; deleting an AwsAccount removes nothing (the resources of
// the objects that used it stay: AccountNotFound stalls them).
import {
  type AwsAccount,
  type AwsAccountSpec,
  type AwsAccountStatus,
  awsAccountKind,
} from '../../api/awsaccount.ts';
import { accountOf } from '../../aws/account.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { Reconciler } from '../../runtime/reconciler.ts';
import type { AccountDirectory } from '../accounts/directory.ts';

export function createAwsAccountReconciler(
  directory: AccountDirectory,
): Reconciler<AwsAccountSpec, AwsAccountStatus> {
  return {
    kind: awsAccountKind,
    async reconcile(request) {
      const object = request.object as AwsAccount;
      const name = object.metadata.name ?? '';
      const aws = await directory.assumed(name, object.spec);
      const observed = await accountOf(aws);
      request.status.observedAccountId = observed.accountId;
      if (object.spec.roleArn) request.status.lastAssumedAt = request.now.toISOString();
      if (observed.accountId !== object.spec.accountId) {
        throw new StalledError(
          'AccountMismatch',
          `${object.spec.roleArn ? `a session of ${object.spec.roleArn}` : "the operator's identity"} is in account ${observed.accountId}, not ${object.spec.accountId}`,
        );
      }
      return {
        message: object.spec.roleArn
          ? `assumed ${object.spec.roleArn} in ${observed.accountId}`
          : `the operator's own identity, in ${observed.accountId}`,
      };
    },
    async finalize() {
      // Nothing in AWS belongs to an AwsAccount.
    },
  };
}
