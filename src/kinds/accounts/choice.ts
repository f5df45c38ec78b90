// Which AWS account an object is managed in, and under which grant. Pure: the AwsAccounts,
// the object's namespace (and its labels) and spec.account in; the choice out.
//   spec.account set      → that AwsAccount, if it grants the namespace
//   unset                 → the AwsAccount that is the default for the namespace
//   no default            → the operator's own identity without guardrails — unless some
//                           AwsAccount grants the namespace (then it must choose one:
//                           leaving spec.account out must not escape the guardrails) or
//                           the operator requires an account for every namespace
//                           (--require-account).
import type { AwsAccountSpec, NamespaceGrant } from '../../api/awsaccount.ts';

export interface KnownAccount {
  name: string;
  spec: AwsAccountSpec;
}

export type AccountRefusal = 'AccountNotFound' | 'AccountNotGranted' | 'AccountAmbiguous';

export type AccountChoice =
  | { kind: 'operator' }
  | { kind: 'account'; name: string; spec: AwsAccountSpec; grant: NamespaceGrant }
  | { kind: 'refused'; reason: AccountRefusal; message: string };

export function grantMatches(
  grant: NamespaceGrant,
  namespace: string,
  labels: Record<string, string>,
): boolean {
  if (grant.names?.includes(namespace)) return true;
  const wanted = grant.selector?.matchLabels;
  if (!wanted) return false;
  const entries = Object.entries(wanted);
  // An empty selector would grant every namespace: too easy to write by accident.
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** The first grant of the account that covers the namespace (grants are read in order). */
export function grantFor(
  spec: AwsAccountSpec,
  namespace: string,
  labels: Record<string, string>,
): NamespaceGrant | undefined {
  return spec.namespaces.find((grant) => grantMatches(grant, namespace, labels));
}

export interface ChoiceInput {
  accounts: KnownAccount[];
  namespace: string;
  labels: Record<string, string>;
  /** spec.account. */
  requested?: string | undefined;
  /** Every namespace must use an AwsAccount (the operator's --require-account). */
  requireAccount?: boolean;
}

export function chooseAccount(input: ChoiceInput): AccountChoice {
  const { accounts, namespace, labels, requested } = input;
  if (requested !== undefined) {
    const account = accounts.find((a) => a.name === requested);
    if (!account) {
      return {
        kind: 'refused',
        reason: 'AccountNotFound',
        message: `AwsAccount ${requested} does not exist`,
      };
    }
    const grant = grantFor(account.spec, namespace, labels);
    if (!grant) {
      return {
        kind: 'refused',
        reason: 'AccountNotGranted',
        message: `AwsAccount ${requested} does not grant namespace ${namespace}`,
      };
    }
    return { kind: 'account', name: account.name, spec: account.spec, grant };
  }
  const granting = accounts
    .map((account) => ({ account, grant: grantFor(account.spec, namespace, labels) }))
    .filter((g): g is { account: KnownAccount; grant: NamespaceGrant } => g.grant !== undefined);
  const defaults = granting.filter((g) => g.grant.default);
  if (defaults.length > 1) {
    return {
      kind: 'refused',
      reason: 'AccountAmbiguous',
      message: `AwsAccounts ${defaults.map((d) => d.account.name).join(', ')} are all the default for namespace ${namespace}: set spec.account`,
    };
  }
  const [chosen] = defaults;
  if (chosen) {
    return {
      kind: 'account',
      name: chosen.account.name,
      spec: chosen.account.spec,
      grant: chosen.grant,
    };
  }
  if (granting.length > 0) {
    return {
      kind: 'refused',
      reason: 'AccountNotGranted',
      message: `namespace ${namespace} is granted AwsAccount ${granting.map((g) => g.account.name).join(', ')} but none is its default: set spec.account (the operator's own identity is not for namespaces with accounts)`,
    };
  }
  if (input.requireAccount) {
    return {
      kind: 'refused',
      reason: 'AccountNotGranted',
      message: `no AwsAccount grants namespace ${namespace} (the operator requires one for every namespace)`,
    };
  }
  return { kind: 'operator' };
}
