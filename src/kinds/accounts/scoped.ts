// A kind's reconciler, per AWS account: each reconcile first resolves the object's
// account (AccountDirectory: the account, its grant, the guardrails, the session), then
// runs the kind's reconciler built for that account's clients — so everything that is
// per account (owner tags, accountOf, key and bucket policies naming the account) is
// keyed by the account's AwsClients with no change to the kinds themselves.
import type { AwsClients } from '../../aws/clients.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { ReconcileRequest, Reconciler } from '../../runtime/reconciler.ts';
import type { AccountDirectory, AccountTarget } from './directory.ts';

export type AccountReconcilerFactory<Spec, Status> = (
  aws: AwsClients,
  target: AccountTarget,
) => Reconciler<Spec, Status>;

/** Refusals that mean Seawall never acted for this object under this account and grant. */
const NEVER_ACTED = new Set([
  'AccountNotFound',
  'AccountNotGranted',
  'AccountAmbiguous',
  'AccountChanged',
  'BucketOutsidePrefixes',
  'BackupBucketOutsidePrefixes',
  'TrailBucketOutsidePrefixes',
  'AdoptionNotAllowed',
  'KmsAliasOutsidePrefixes',
  'KeyOutsideAccount',
  'GlueRoleNotAllowed',
  'RegionNotAllowed',
]);

export function accountScoped<Spec, Status>(
  directory: AccountDirectory,
  create: AccountReconcilerFactory<Spec, Status>,
): Reconciler<Spec, Status> {
  const built = new WeakMap<AwsClients, Reconciler<Spec, Status>>();
  const forTarget = (target: AccountTarget) => {
    let reconciler = built.get(target.aws);
    if (!reconciler) {
      reconciler = create(target.aws, target);
      built.set(target.aws, reconciler);
    }
    return reconciler;
  };
  const template = create(directory.home, { aws: directory.home });
  const resolve = async (request: ReconcileRequest<Spec, Status>) => {
    const status = request.status as { accountId?: string };
    const target = await directory.resolve(
      template.kind.kind,
      request.object as never,
      status.accountId,
    );
    status.accountId = target.accountId;
    return target;
  };
  return {
    kind: template.kind,
    ...(template.dependsOn ? { dependsOn: template.dependsOn } : {}),
    // Pure, from the object's status: the same in every account. Without it the operator
    // indexes nothing, and no drift event ever reaches an object (ADR 70).
    ...(template.resourcesOf ? { resourcesOf: template.resourcesOf } : {}),
    async reconcile(request) {
      return forTarget(await resolve(request)).reconcile(request);
    },
    async finalize(request) {
      let target: AccountTarget;
      try {
        target = await resolve(request);
      } catch (error) {
        // Refused before any AWS call: nothing was made through this account and grant
        // (or the account is gone), so there is nothing Seawall may clean up. Letting
        // the finalizer go keeps the namespace deletable; the Event says why AWS was
        // not touched. An assumable-later role (AssumeRoleFailed) keeps the finalizer.
        if (error instanceof StalledError && NEVER_ACTED.has(error.reason)) {
          request.events.warning(error.reason, `deleted without touching AWS: ${error.message}`);
          return;
        }
        throw error;
      }
      return forTarget(target).finalize(request);
    },
  };
}
