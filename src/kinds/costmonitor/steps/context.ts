// What the steps of one CostMonitor reconcile share: the request, the clients, the
// resolved settings, the owner and the account — and the one way they make a KMS key.
import type { CostMonitorSpec, CostMonitorStatus } from '../../../api/costmonitor.ts';
import type { Account } from '../../../aws/account.ts';
import type { AwsClients } from '../../../aws/clients.ts';
import type { PolicyStatement } from '../../../aws/iam/policy-document.ts';
import type { ReconcileRequest } from '../../../runtime/reconciler.ts';
import { keyPolicy, managedKey } from '../../blocks/managed-key.ts';
import { ReconcileSteps } from '../../steps.ts';
import type { CostMonitorSettings } from '../settings.ts';

export type CmRequest = ReconcileRequest<CostMonitorSpec, CostMonitorStatus>;

/**
 * A CostMonitor has no adoptExisting: what its NotOwned message tells a person to do with
 * a resource of the same name that Seawall did not create.
 */
export const CHOOSE_ANOTHER_NAME =
  'Choose another name in the CostMonitor (or remove the existing one yourself)';

export class CostMonitorSteps extends ReconcileSteps<CostMonitorSpec, CostMonitorStatus> {
  readonly aws: AwsClients;
  readonly settings: CostMonitorSettings;
  readonly account: Account;

  constructor(
    request: CmRequest,
    aws: AwsClients,
    settings: CostMonitorSettings,
    account: Account,
  ) {
    super(request);
    this.aws = aws;
    this.settings = settings;
    this.account = account;
  }

  get status(): CostMonitorStatus {
    return this.request.status;
  }

  get owner(): string {
    return this.settings.owner;
  }

  /**
   * A KMS key Seawall creates for a service (the managed-key block): found by alias or by
   * the ARN status recorded, its policy = account root + `grants`. Returns its ARN.
   */
  async key(
    region: string,
    alias: string,
    description: string,
    grants: PolicyStatement[],
    knownKeyArn: string | undefined,
  ): Promise<string> {
    const key = await managedKey(this, {
      kms: this.aws.kms(region),
      region,
      alias,
      owner: this.owner,
      description,
      knownKeyArn,
      rotation: { enabled: true, periodInDays: 365 },
    });
    await keyPolicy(this, key, grants, this.account);
    return key.arn;
  }
}
