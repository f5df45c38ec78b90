// The AwsClients an object is managed with: the operator's own, or an AssumeRole session
// in the AwsAccount the object names (or its namespace's default). Refusals — no such
// account, namespace not granted, a guardrail broken, the account changed under the
// object, the role not assumable — are StalledErrors naming the reason, raised before
// any AWS call in the target account (the pure checks come first; the AssumeRole is an
// STS call in the operator's account).
import type { AwsAccountSpec, NamespaceGrant } from '../../api/awsaccount.ts';
import type { SeawallObject } from '../../api/common.ts';
import type { ProtectedBucketSpec } from '../../api/protectedbucket.ts';
import { accountOf } from '../../aws/account.ts';
import {
  type AssumedRoleProvider,
  assumedRoleCredentials,
  sessionNameFor,
} from '../../aws/accounts/credentials.ts';
import type { AwsClients } from '../../aws/clients.ts';
import { classifyAwsError } from '../../aws/errors.ts';
import { StalledError } from '../../runtime/errors.ts';
import { chooseAccount } from './choice.ts';
import { backupViolations, violationsOf } from './guardrails.ts';
import type { AccountSource } from './source.ts';

export interface AccountTarget {
  aws: AwsClients;
  /** The AwsAccount used; undefined: the operator's own identity (no guardrails). */
  account?: { name: string; spec: AwsAccountSpec; grant: NamespaceGrant };
}

export interface DirectoryOptions {
  home: AwsClients;
  source: AccountSource;
  requireAccount?: boolean;
}

interface Session {
  key: string;
  aws: AwsClients;
  provider?: AssumedRoleProvider;
}

type AnyObject = SeawallObject<unknown, unknown>;

export class AccountDirectory {
  readonly home: AwsClients;
  readonly source: AccountSource;
  readonly requireAccount: boolean;
  readonly #sessions = new Map<string, Session>();

  constructor(options: DirectoryOptions) {
    this.home = options.home;
    this.source = options.source;
    this.requireAccount = options.requireAccount ?? false;
  }

  /** The clients of an AwsAccount: one AssumeRole session (cached, refreshed) per role. */
  clientsOf(name: string, spec: AwsAccountSpec): Session {
    const key = `${spec.roleArn ?? ''}\u0000${spec.externalId ?? ''}`;
    const known = this.#sessions.get(name);
    if (known && known.key === key) return known;
    let session: Session;
    if (!spec.roleArn) {
      session = { key, aws: this.home };
    } else {
      const provider = assumedRoleCredentials(() => this.home.sts(), {
        roleArn: spec.roleArn,
        externalId: spec.externalId,
        sessionName: sessionNameFor(name),
      });
      session = { key, aws: this.home.withCredentials(provider), provider };
    }
    this.#sessions.set(name, session);
    return session;
  }

  /** A session, assumed now (or still fresh): AssumeRoleFailed when STS refuses. */
  async assumed(name: string, spec: AwsAccountSpec): Promise<AwsClients> {
    const session = this.clientsOf(name, spec);
    if (session.provider) {
      try {
        await session.provider();
      } catch (error) {
        const classified = classifyAwsError(error);
        // Throttling or silence is retried as any call is; a refusal needs a person.
        if (classified && classified.kind !== 'stalled') throw error;
        throw new StalledError(
          'AssumeRoleFailed',
          `cannot assume ${spec.roleArn} for AwsAccount ${name}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    return session.aws;
  }

  /**
   * The clients acting in an AWS account by id, through the first AwsAccount with a role
   * there that can be assumed (drift events listen in every account objects live in).
   * Undefined when none reaches it.
   */
  async clientsOfAccountId(accountId: string): Promise<AwsClients | undefined> {
    let last: unknown;
    for (const account of await this.source.accounts()) {
      if (account.spec.accountId !== accountId || !account.spec.roleArn) continue;
      try {
        return await this.assumed(account.name, account.spec);
      } catch (error) {
        last = error;
      }
    }
    if (last) throw last;
    return undefined;
  }

  /** The account an object is managed in, its guardrails checked. Throws StalledError. */
  async resolve(
    kind: string,
    object: AnyObject,
    recordedAccountId: string | undefined,
  ): Promise<AccountTarget & { accountId: string }> {
    const namespace = object.metadata.namespace ?? '';
    const accounts = await this.source.accounts();
    const needsLabels = accounts.some((a) => a.spec.namespaces.some((g) => g.selector));
    const labels = needsLabels ? await this.source.namespaceLabels(namespace) : {};
    const requested = (object.spec as { account?: string }).account;
    const choice = chooseAccount({
      accounts,
      namespace,
      labels,
      requested,
      requireAccount: this.requireAccount,
    });
    if (choice.kind === 'refused') throw new StalledError(choice.reason, choice.message);
    if (choice.kind === 'operator') {
      const accountId = (await accountOf(this.home)).accountId;
      assertSameAccount(recordedAccountId, accountId, 'the operator');
      return { aws: this.home, accountId };
    }
    const violations = violationsOf(kind, object.spec, {
      accountName: choice.name,
      account: choice.spec,
      grant: choice.grant,
    });
    const [first] = violations;
    if (first) {
      throw new StalledError(
        first.rule,
        violations.map((v) => `${v.rule}: ${v.message}`).join('; '),
      );
    }
    assertSameAccount(recordedAccountId, choice.spec.accountId, `AwsAccount ${choice.name}`);
    const aws = await this.assumed(choice.name, choice.spec);
    return {
      aws,
      accountId: choice.spec.accountId,
      account: { name: choice.name, spec: choice.spec, grant: choice.grant },
    };
  }
}

/** The account a ProtectedBucket's backup lives in, when spec.backup.account names one. */
export interface BackupAccount {
  name: string;
  aws: AwsClients;
  accountId: string;
}

export async function resolveBackupAccount(
  directory: AccountDirectory,
  object: AnyObject,
): Promise<BackupAccount | undefined> {
  const spec = object.spec as ProtectedBucketSpec;
  const requested = spec.backup?.account;
  if (!requested) return undefined;
  const namespace = object.metadata.namespace ?? '';
  const accounts = await directory.source.accounts();
  const needsLabels = accounts.some((a) => a.spec.namespaces.some((g) => g.selector));
  const labels = needsLabels ? await directory.source.namespaceLabels(namespace) : {};
  const choice = chooseAccount({ accounts, namespace, labels, requested });
  if (choice.kind === 'refused') {
    throw new StalledError(choice.reason, `spec.backup.account: ${choice.message}`);
  }
  if (choice.kind !== 'account') throw new Error('unreachable: an account was named');
  const violations = backupViolations(spec, {
    accountName: choice.name,
    account: choice.spec,
    grant: choice.grant,
  });
  const [first] = violations;
  if (first) {
    throw new StalledError(first.rule, violations.map((v) => `${v.rule}: ${v.message}`).join('; '));
  }
  const aws = await directory.assumed(choice.name, choice.spec);
  return { name: choice.name, aws, accountId: choice.spec.accountId };
}

function assertSameAccount(recorded: string | undefined, now: string, what: string): void {
  if (recorded === undefined || recorded === now) return;
  throw new StalledError(
    'AccountChanged',
    `this resource's AWS resources are in account ${recorded}, but it now resolves to ${what} (${now}): Seawall will not manage them from another account; restore the account or create a new resource`,
  );
}
