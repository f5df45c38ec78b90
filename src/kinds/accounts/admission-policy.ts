// The guardrails at admission: a ValidatingAdmissionPolicy whose params are the
// AwsAccounts (paramRef selects them all; the policy is evaluated once per AwsAccount and
// every evaluation must pass). For each AwsAccount the object uses — named in
// spec.account, or the default of the object's namespace — the same rules as
// guardrails.ts, written in CEL, refuse the object before it is stored. What CEL cannot
// see stays at reconcile only (docs/security.md): "granted but no default" (it needs all
// AwsAccounts at once), a key ARN's account, AccountChanged against status, and grants
// changed after an object was admitted. Rendered into the chart and manifests/ by
// `npm run gen` (scripts/deploy-files.ts).
import { GROUP, VERSION } from '../../api/common.ts';

export const POLICY_NAME = 'seawall-guardrails';

/** `prefixes.exists(p, <field>.startsWith(p))` over the grant's bucket prefixes. */
const inBucketPrefixes = (field: string) =>
  `variables.grant.bucketPrefixes.exists(p, ${field}.startsWith(p))`;

interface Validation {
  expression: string;
  messageExpression: string;
  reason: 'Forbidden';
}

function rule(rule: string, expression: string, message: string): Validation {
  // A refusal names the rule first, as the Stalled reason at reconcile does.
  return {
    expression: `!variables.governed || (${expression})`,
    messageExpression: `'${rule}: ' + ${message} + ' (AwsAccount ' + params.metadata.name + ')'`,
    reason: 'Forbidden',
  };
}

const isKind = (kind: string) => `object.kind != '${kind}'`;

export function guardrailValidations(): Validation[] {
  return [
    {
      expression: '!variables.named || size(variables.grants) > 0',
      messageExpression:
        "'AccountNotGranted: AwsAccount ' + params.metadata.name + ' does not grant namespace ' + request.namespace",
      reason: 'Forbidden',
    },
    rule(
      'BucketOutsidePrefixes',
      `${isKind('ProtectedBucket')} || ${inBucketPrefixes('object.spec.bucketName')}`,
      "'spec.bucketName ' + object.spec.bucketName + ' is outside the bucket prefixes of this namespace'",
    ),
    rule(
      'BackupBucketOutsidePrefixes',
      `${isKind('ProtectedBucket')} || !has(object.spec.backup) || ${inBucketPrefixes('object.spec.backup.bucketName')}`,
      "'spec.backup.bucketName ' + object.spec.backup.bucketName + ' is outside the bucket prefixes of this namespace'",
    ),
    rule(
      'AdoptionNotAllowed',
      `${isKind('ProtectedBucket')} || !has(object.spec.adoptExisting) || !object.spec.adoptExisting || (has(variables.grant.mayAdopt) && variables.grant.mayAdopt)`,
      "'this namespace may not adopt existing AWS resources'",
    ),
    rule(
      'KmsAliasOutsidePrefixes',
      `${isKind('ProtectedBucket')} || !has(object.spec.encryption) || !has(object.spec.encryption.alias) || object.spec.encryption.alias == 'alias/seawall/' + object.spec.bucketName.replace('.', '-') || (has(variables.grant.kmsAliasPrefixes) && variables.grant.kmsAliasPrefixes.exists(p, object.spec.encryption.alias.startsWith(p)))`,
      "'spec.encryption.alias ' + object.spec.encryption.alias + ' is outside the KMS alias prefixes of this namespace'",
    ),
    rule(
      'RegionNotAllowed',
      `object.kind == 'QualityPipeline' || object.spec.region in params.spec.regions`,
      "'spec.region ' + object.spec.region + ' is not a region of the account'",
    ),
    rule(
      'RegionNotAllowed',
      `${isKind('ProtectedBucket')} || !has(object.spec.backup) || object.spec.backup.region in params.spec.regions`,
      "'spec.backup.region ' + object.spec.backup.region + ' is not a region of the account'",
    ),
    rule(
      'GlueRoleNotAllowed',
      `${isKind('QualityPipeline')} || !has(object.spec.glue) || !has(object.spec.glue.roleArn) || (has(variables.grant.glueRoles) && variables.grant.glueRoles.exists(r, r == object.spec.glue.roleArn || (r.endsWith('*') && object.spec.glue.roleArn.startsWith(r.substring(0, size(r) - 1)))))`,
      "'spec.glue.roleArn ' + object.spec.glue.roleArn + ' is not a Glue role this namespace may pass'",
    ),
    rule(
      'BucketOutsidePrefixes',
      `${isKind('QualityPipeline')} || !has(object.spec.source.bucketName) || ${inBucketPrefixes('object.spec.source.bucketName')}`,
      "'spec.source.bucketName ' + object.spec.source.bucketName + ' is outside the bucket prefixes of this namespace'",
    ),
    rule(
      'TrailBucketOutsidePrefixes',
      `${isKind('CostMonitor')} || !has(object.spec.auditTrail) || ((!has(object.spec.auditTrail.logBucket.bucketName) || ${inBucketPrefixes('object.spec.auditTrail.logBucket.bucketName')}) && (!has(object.spec.auditTrail.logBucket.existingBucketName) || ${inBucketPrefixes('object.spec.auditTrail.logBucket.existingBucketName')}))`,
      "'the audit trail log bucket is outside the bucket prefixes of this namespace'",
    ),
    rule(
      'BucketOutsidePrefixes',
      `${isKind('CostMonitor')} || !has(object.spec.buckets) || object.spec.buckets.all(b, !has(b.bucketName) || ${inBucketPrefixes('b.bucketName')})`,
      "'a spec.buckets bucketName is outside the bucket prefixes of this namespace'",
    ),
  ];
}

/** The policy's spec (the chart and manifests/ wrap it with their metadata). */
export function guardrailsPolicySpec() {
  return {
    failurePolicy: 'Fail',
    paramKind: { apiVersion: `${GROUP}/${VERSION}`, kind: 'AwsAccount' },
    matchConstraints: {
      resourceRules: [
        {
          apiGroups: [GROUP],
          apiVersions: [VERSION],
          operations: ['CREATE', 'UPDATE'],
          resources: ['protectedbuckets', 'qualitypipelines', 'costmonitors'],
        },
      ],
    },
    variables: [
      {
        name: 'labels',
        expression:
          'has(namespaceObject.metadata.labels) ? namespaceObject.metadata.labels : {"": ""}',
      },
      {
        // The grants of this AwsAccount covering the object's namespace, in order.
        name: 'grants',
        expression:
          'params.spec.namespaces.filter(g, (has(g.names) && request.namespace in g.names) || (has(g.selector) && size(g.selector.matchLabels) > 0 && g.selector.matchLabels.all(k, k in variables.labels && variables.labels[k] == g.selector.matchLabels[k])))',
      },
      {
        name: 'named',
        expression: 'has(object.spec.account) && object.spec.account == params.metadata.name',
      },
      {
        // This AwsAccount is the one the object uses, and grants its namespace.
        name: 'governed',
        expression:
          'size(variables.grants) > 0 && (variables.named || (!has(object.spec.account) && has(variables.grants[0].default) && variables.grants[0].default))',
      },
      { name: 'grant', expression: 'variables.grants[0]' },
    ],
    validations: guardrailValidations(),
  };
}

/** The binding: every AwsAccount is a param; none at all (a single-account install) admits all. */
export function guardrailsBindingSpec(namespaceSelector: Record<string, unknown> = {}) {
  return {
    policyName: POLICY_NAME,
    validationActions: ['Deny'],
    paramRef: { selector: {}, parameterNotFoundAction: 'Allow' },
    matchResources: { namespaceSelector },
  };
}
