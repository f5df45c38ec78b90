// Team guardrails: what a namespace may do in an AWS account, checked before any call in
// that account. Pure: the spec of a ProtectedBucket, QualityPipeline or CostMonitor and
// the namespace's grant in the AwsAccount in, the broken rules out — each naming the
// rule (the Stalled reason) and the field. The same rules are refused at admission where
// the API server can see enough (helm/seawall/templates/guardrails-policy.yaml); this is
// the check that always runs (docs/security.md, ADR 80).
import type { AwsAccountSpec, NamespaceGrant } from '../../api/awsaccount.ts';
import type { CostMonitorSpec } from '../../api/costmonitor.ts';
import type { ProtectedBucketSpec } from '../../api/protectedbucket.ts';
import type { QualityPipelineSpec } from '../../api/qualitypipeline.ts';
import { defaultAlias } from '../protectedbucket/settings.ts';

export type GuardrailRule =
  | 'BucketOutsidePrefixes'
  | 'BackupBucketOutsidePrefixes'
  | 'TrailBucketOutsidePrefixes'
  | 'AdoptionNotAllowed'
  | 'KmsAliasOutsidePrefixes'
  | 'KeyOutsideAccount'
  | 'GlueRoleNotAllowed'
  | 'RegionNotAllowed';

export interface Violation {
  rule: GuardrailRule;
  /** The spec field, e.g. spec.backup.bucketName. */
  field: string;
  message: string;
}

export interface GuardrailContext {
  accountName: string;
  account: AwsAccountSpec;
  grant: NamespaceGrant;
}

export function bucketAllowed(bucket: string, grant: NamespaceGrant): boolean {
  return grant.bucketPrefixes.some((prefix) => bucket.startsWith(prefix));
}

export function aliasAllowed(alias: string, grant: NamespaceGrant): boolean {
  return (grant.kmsAliasPrefixes ?? []).some((prefix) => alias.startsWith(prefix));
}

/** A glueRoles entry matches exactly, or as a prefix when it ends in `*`. */
export function glueRoleAllowed(roleArn: string, grant: NamespaceGrant): boolean {
  return (grant.glueRoles ?? []).some((allowed) =>
    allowed.endsWith('*') ? roleArn.startsWith(allowed.slice(0, -1)) : roleArn === allowed,
  );
}

/** The account of a KMS key ARN (arn:aws:kms:region:account:key/id). */
function keyAccount(keyArn: string): string | undefined {
  return keyArn.split(':')[4];
}

class Checker {
  readonly violations: Violation[] = [];
  readonly context: GuardrailContext;
  constructor(context: GuardrailContext) {
    this.context = context;
  }
  get grant(): NamespaceGrant {
    return this.context.grant;
  }
  #prefixes(): string {
    const list = this.grant.bucketPrefixes;
    return list.length > 0 ? list.map((p) => `"${p}"`).join(', ') : 'none';
  }
  bucket(rule: GuardrailRule, field: string, bucket: string | undefined): void {
    if (bucket === undefined || bucketAllowed(bucket, this.grant)) return;
    this.violations.push({
      rule,
      field,
      message: `${field} "${bucket}" is outside the bucket prefixes this namespace is granted in AwsAccount ${this.context.accountName} (${this.#prefixes()})`,
    });
  }
  region(field: string, region: string | undefined): void {
    if (region === undefined || this.context.account.regions.includes(region)) return;
    this.violations.push({
      rule: 'RegionNotAllowed',
      field,
      message: `${field} ${region} is not one of the regions of AwsAccount ${this.context.accountName} (${this.context.account.regions.join(', ')})`,
    });
  }
  adopt(adoptExisting: boolean | undefined): void {
    if (!adoptExisting || this.grant.mayAdopt) return;
    this.violations.push({
      rule: 'AdoptionNotAllowed',
      field: 'spec.adoptExisting',
      message: `this namespace may not adopt existing AWS resources in AwsAccount ${this.context.accountName} (its grant has no mayAdopt)`,
    });
  }
  key(
    field: string,
    encryption: { alias?: string; keyArn?: string } | undefined,
    bucket: string,
  ): void {
    if (encryption?.keyArn) {
      const account = keyAccount(encryption.keyArn);
      if (account !== this.context.account.accountId) {
        this.violations.push({
          rule: 'KeyOutsideAccount',
          field: `${field}.keyArn`,
          message: `${field}.keyArn is a key of account ${account}, not of AwsAccount ${this.context.accountName} (${this.context.account.accountId})`,
        });
      }
      return;
    }
    const alias = encryption?.alias;
    // The alias Seawall derives from an allowed bucket name is the bucket's own.
    if (alias === undefined || alias === defaultAlias(bucket) || aliasAllowed(alias, this.grant))
      return;
    const prefixes = this.grant.kmsAliasPrefixes ?? [];
    this.violations.push({
      rule: 'KmsAliasOutsidePrefixes',
      field: `${field}.alias`,
      message: `${field}.alias "${alias}" is outside the KMS alias prefixes this namespace is granted in AwsAccount ${this.context.accountName} (${prefixes.length > 0 ? prefixes.map((p) => `"${p}"`).join(', ') : 'none'})`,
    });
  }
}

export function protectedBucketViolations(
  spec: ProtectedBucketSpec,
  context: GuardrailContext,
): Violation[] {
  const check = new Checker(context);
  check.bucket('BucketOutsidePrefixes', 'spec.bucketName', spec.bucketName);
  check.region('spec.region', spec.region);
  check.key('spec.encryption', spec.encryption, spec.bucketName);
  check.adopt(spec.adoptExisting);
  const backup = spec.backup;
  // A backup in another AwsAccount is checked against that account's grant (backupViolations).
  if (backup && !backup.account) checkBackup(check, backup);
  return check.violations;
}

/** The backup's bucket name, region and key, against the grant of the account it lives in. */
function checkBackup(check: Checker, backup: NonNullable<ProtectedBucketSpec['backup']>): void {
  check.bucket('BackupBucketOutsidePrefixes', 'spec.backup.bucketName', backup.bucketName);
  check.region('spec.backup.region', backup.region);
  check.key('spec.backup.encryption', backup.encryption, backup.bucketName);
}

/** A backup in another AwsAccount (spec.backup.account), against that account's grant. */
export function backupViolations(
  spec: ProtectedBucketSpec,
  context: GuardrailContext,
): Violation[] {
  const backup = spec.backup;
  if (!backup) return [];
  const check = new Checker(context);
  checkBackup(check, backup);
  return check.violations;
}

export function qualityPipelineViolations(
  spec: QualityPipelineSpec,
  context: GuardrailContext,
): Violation[] {
  const check = new Checker(context);
  check.bucket('BucketOutsidePrefixes', 'spec.source.bucketName', spec.source.bucketName);
  spec.referenceData?.forEach((reference, i) => {
    check.bucket(
      'BucketOutsidePrefixes',
      `spec.referenceData[${i}].bucketName`,
      reference.bucketName,
    );
  });
  for (const output of ['trusted', 'quarantine', 'results'] as const) {
    check.bucket('BucketOutsidePrefixes', `spec.${output}.bucketName`, spec[output]?.bucketName);
  }
  const role = spec.glue?.roleArn;
  if (role !== undefined && !glueRoleAllowed(role, context.grant)) {
    check.violations.push({
      rule: 'GlueRoleNotAllowed',
      field: 'spec.glue.roleArn',
      message: `spec.glue.roleArn ${role} is not one of the Glue roles this namespace may pass in AwsAccount ${context.accountName}`,
    });
  }
  return check.violations;
}

export function costMonitorViolations(
  spec: CostMonitorSpec,
  context: GuardrailContext,
): Violation[] {
  const check = new Checker(context);
  check.region('spec.region', spec.region);
  spec.buckets?.forEach((bucket, i) => {
    check.bucket('BucketOutsidePrefixes', `spec.buckets[${i}].bucketName`, bucket.bucketName);
    check.region(`spec.buckets[${i}].region`, bucket.region);
  });
  const logBucket = spec.auditTrail?.logBucket;
  check.bucket(
    'TrailBucketOutsidePrefixes',
    'spec.auditTrail.logBucket.bucketName',
    logBucket?.bucketName,
  );
  check.bucket(
    'TrailBucketOutsidePrefixes',
    'spec.auditTrail.logBucket.existingBucketName',
    logBucket?.existingBucketName,
  );
  return check.violations;
}

/** The guardrails of a kind, by kind name; a kind without any has none. */
export function violationsOf(kind: string, spec: unknown, context: GuardrailContext): Violation[] {
  switch (kind) {
    case 'ProtectedBucket':
      return protectedBucketViolations(spec as ProtectedBucketSpec, context);
    case 'QualityPipeline':
      return qualityPipelineViolations(spec as QualityPipelineSpec, context);
    case 'CostMonitor':
      return costMonitorViolations(spec as CostMonitorSpec, context);
    default:
      return [];
  }
}
