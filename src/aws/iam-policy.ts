// The least-privilege IAM policy the operator's role needs, derived from the AWS calls the
// code makes — not a hand-kept list. `scanSdkCalls` finds every `new <Operation>Command(`
// (and paginator, and lib-storage Upload) imported from `@aws-sdk/client-<service>` in
// src/ (tests excluded); `buildPolicy` maps each SDK operation to the IAM actions that
// authorize it (the AWS Service Authorization Reference; mostly `service:Operation`, with
// the exceptions below). `npm run gen` writes the result to iam-policy.generated.ts; a
// unit test fails when that file is stale. `seawall iam-policy` prints it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { OWNER_TAG } from '../api/common.ts';

/** One SDK operation the code calls, and where. */
export interface SdkCall {
  /** IAM service prefix (`s3`, `kms`, ...). */
  service: string;
  /** SDK operation name (`HeadBucket`). */
  operation: string;
  /** Source files (relative to the repository root) that call it. */
  files: string[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** `@aws-sdk/client-<package>` → IAM service prefix. A client not listed here is an error. */
const SERVICE_PREFIX: Record<string, string> = {
  s3: 's3',
  kms: 'kms',
  iam: 'iam',
  sts: 'sts',
  glue: 'glue',
  cloudwatch: 'cloudwatch',
  cloudtrail: 'cloudtrail',
  sns: 'sns',
  sqs: 'sqs',
  eventbridge: 'events',
};

interface ActionRule {
  /** IAM actions that authorize the operation. */
  actions: string[];
  /** The operation hands a role to an AWS service: iam:PassRole for that service. */
  passRoleTo?: string;
}

/**
 * Operations whose IAM actions are not just `service:Operation`, checked against the
 * Service Authorization Reference and each operation's "Permissions" section.
 * Create calls carry Seawall's owner tag, so tag-on-create permissions are included.
 */
const EXCEPTIONS: Record<string, ActionRule> = {
  // S3 authorizes bucket sub-resources under their own names.
  's3:HeadBucket': { actions: ['s3:ListBucket'] },
  's3:ListObjectsV2': { actions: ['s3:ListBucket'] },
  's3:ListObjects': { actions: ['s3:ListBucket'] },
  's3:ListObjectVersions': { actions: ['s3:ListBucketVersions'] },
  // With a VersionId (the replication probe), S3 checks s3:GetObjectVersion.
  's3:HeadObject': { actions: ['s3:GetObject', 's3:GetObjectVersion'] },
  // SSE-KMS buckets: reading an object decrypts its data key, writing one generates a key.
  's3:GetObject': { actions: ['s3:GetObject', 'kms:Decrypt'] },
  's3:PutObject': { actions: ['s3:PutObject', 'kms:GenerateDataKey'] },
  's3:CreateMultipartUpload': { actions: ['s3:PutObject', 'kms:GenerateDataKey'] },
  's3:UploadPart': { actions: ['s3:PutObject', 'kms:GenerateDataKey'] },
  's3:CompleteMultipartUpload': { actions: ['s3:PutObject', 'kms:Decrypt'] },
  's3:AbortMultipartUpload': { actions: ['s3:AbortMultipartUpload'] },
  's3:CreateBucket': { actions: ['s3:CreateBucket', 's3:TagResource'] },
  's3:GetBucketEncryption': { actions: ['s3:GetEncryptionConfiguration'] },
  's3:PutBucketEncryption': { actions: ['s3:PutEncryptionConfiguration'] },
  's3:DeleteBucketEncryption': { actions: ['s3:PutEncryptionConfiguration'] },
  's3:GetPublicAccessBlock': { actions: ['s3:GetBucketPublicAccessBlock'] },
  's3:PutPublicAccessBlock': { actions: ['s3:PutBucketPublicAccessBlock'] },
  's3:DeletePublicAccessBlock': { actions: ['s3:PutBucketPublicAccessBlock'] },
  's3:GetBucketReplication': { actions: ['s3:GetReplicationConfiguration'] },
  's3:PutBucketReplication': {
    actions: ['s3:PutReplicationConfiguration'],
    passRoleTo: 's3.amazonaws.com',
  },
  's3:DeleteBucketReplication': { actions: ['s3:PutReplicationConfiguration'] },
  's3:GetBucketLifecycleConfiguration': { actions: ['s3:GetLifecycleConfiguration'] },
  's3:PutBucketLifecycleConfiguration': { actions: ['s3:PutLifecycleConfiguration'] },
  's3:DeleteBucketLifecycle': { actions: ['s3:PutLifecycleConfiguration'] },
  's3:DeleteBucketTagging': { actions: ['s3:PutBucketTagging'] },
  's3:GetBucketLocation': { actions: ['s3:GetBucketLocation'] },
  's3:GetObjectLockConfiguration': { actions: ['s3:GetBucketObjectLockConfiguration'] },
  's3:PutObjectLockConfiguration': { actions: ['s3:PutBucketObjectLockConfiguration'] },
  's3:ListBuckets': { actions: ['s3:ListAllMyBuckets'] },
  // With a VersionId (removing Seawall's replication probes on deletion).
  's3:DeleteObject': { actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'] },
  's3:DeleteObjects': { actions: ['s3:DeleteObject'] },
  // Tag on create.
  'kms:CreateKey': { actions: ['kms:CreateKey', 'kms:TagResource'] },
  'iam:CreateRole': { actions: ['iam:CreateRole', 'iam:TagRole'] },
  'sns:CreateTopic': { actions: ['sns:CreateTopic', 'sns:TagResource'] },
  'cloudtrail:CreateTrail': { actions: ['cloudtrail:CreateTrail', 'cloudtrail:AddTags'] },
  'cloudwatch:PutMetricAlarm': { actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'] },
  'glue:CreateJob': {
    actions: ['glue:CreateJob', 'glue:TagResource'],
    passRoleTo: 'glue.amazonaws.com',
  },
  'glue:UpdateJob': { actions: ['glue:UpdateJob'], passRoleTo: 'glue.amazonaws.com' },
  'glue:CreateCrawler': {
    actions: ['glue:CreateCrawler', 'glue:TagResource'],
    passRoleTo: 'glue.amazonaws.com',
  },
  'glue:UpdateCrawler': { actions: ['glue:UpdateCrawler'], passRoleTo: 'glue.amazonaws.com' },
  'glue:CreateWorkflow': { actions: ['glue:CreateWorkflow', 'glue:TagResource'] },
  'glue:CreateTrigger': { actions: ['glue:CreateTrigger', 'glue:TagResource'] },
  'glue:CreateDataQualityRuleset': {
    actions: ['glue:CreateDataQualityRuleset', 'glue:TagResource'],
  },
  'glue:StartDataQualityRulesetEvaluationRun': {
    actions: ['glue:StartDataQualityRulesetEvaluationRun'],
    passRoleTo: 'glue.amazonaws.com',
  },
  // Drift events (ADR 70): the queue and the rule are created with the owner tag.
  'sqs:CreateQueue': { actions: ['sqs:CreateQueue', 'sqs:TagQueue'] },
  'events:PutRule': { actions: ['events:PutRule', 'events:TagResource'] },
  // Always allowed; no policy needed.
  'sts:GetCallerIdentity': { actions: [] },
};

/**
 * S3 operations whose IAM action has the operation's name. S3 names diverge so often
 * that an S3 operation in neither table fails the generator: look it up, then add it.
 */
const S3_SAME_NAME = new Set([
  'CreateBucket',
  'DeleteBucket',
  'DeleteBucketPolicy',
  'GetBucketPolicy',
  'PutBucketPolicy',
  'GetBucketPolicyStatus',
  'GetBucketTagging',
  'PutBucketTagging',
  'GetBucketVersioning',
  'PutBucketVersioning',
  'GetBucketOwnershipControls',
  'PutBucketOwnershipControls',
  'GetBucketNotification',
  'PutBucketNotification',
  'GetBucketAcl',
  'PutBucketAcl',
  'GetObjectTagging',
  'PutObjectTagging',
]);

/** lib-storage's Upload sends these S3 operations (one PutObject, or a multipart upload). */
const UPLOAD_OPERATIONS = [
  'PutObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
];

/** The IAM actions that authorize one SDK operation. */
export function iamActionsFor(service: string, operation: string): ActionRule {
  const key = `${service}:${operation}`;
  const exception = EXCEPTIONS[key];
  if (exception) return exception;
  if (service === 's3' && !S3_SAME_NAME.has(operation)) {
    throw new Error(
      `iam-policy: no IAM action known for s3:${operation}; look it up in the Service Authorization Reference and add it to src/aws/iam-policy.ts`,
    );
  }
  return { actions: [key] };
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'testdata' || name === 'node_modules') continue;
      out.push(...sourceFiles(path));
    } else if (
      name.endsWith('.ts') &&
      !name.endsWith('.test.ts') &&
      !name.endsWith('.d.ts') &&
      !name.endsWith('.generated.ts')
    ) {
      out.push(path);
    }
  }
  return out;
}

const NAMED_IMPORT =
  /import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/(client-[a-z0-9-]+|lib-storage)['"]/g;
const NAMESPACE_IMPORT = /import\s+\*\s+as\s+(\w+)\s+from\s*['"]@aws-sdk\/(client-[a-z0-9-]+)['"]/g;

function serviceOf(pkg: string, file: string): string {
  const service = SERVICE_PREFIX[pkg.replace(/^client-/, '')];
  if (!service) {
    throw new Error(
      `iam-policy: ${file} imports @aws-sdk/${pkg}, a client with no IAM prefix in src/aws/iam-policy.ts`,
    );
  }
  return service;
}

/** SDK operations called in one file's source text. */
export function scanSource(text: string, file: string): { service: string; operation: string }[] {
  const found: { service: string; operation: string }[] = [];
  // local name → [service, imported name]
  const names = new Map<string, [string, string]>();
  for (const m of text.matchAll(NAMED_IMPORT)) {
    if (m[1]) continue; // `import type { ... }`: no calls
    const pkg = m[3] ?? '';
    for (const spec of (m[2] ?? '').split(',')) {
      const s = spec.trim();
      if (!s || s.startsWith('type ')) continue;
      const [imported = '', local = imported] = s.split(/\s+as\s+/).map((x) => x.trim());
      names.set(local, [pkg === 'lib-storage' ? 'lib-storage' : serviceOf(pkg, file), imported]);
    }
  }
  for (const m of text.matchAll(/\bnew\s+(\w+)\s*\(/g)) {
    const entry = names.get(m[1] ?? '');
    if (!entry) continue;
    const [service, imported] = entry;
    if (service === 'lib-storage') {
      if (imported === 'Upload') {
        for (const operation of UPLOAD_OPERATIONS) found.push({ service: 's3', operation });
      }
      continue;
    }
    if (imported.endsWith('Command')) found.push({ service, operation: imported.slice(0, -7) });
  }
  for (const m of text.matchAll(/\b(paginate\w+)\s*\(/g)) {
    const entry = names.get(m[1] ?? '');
    if (entry && entry[0] !== 'lib-storage') {
      found.push({ service: entry[0], operation: entry[1].slice('paginate'.length) });
    }
  }
  for (const m of text.matchAll(NAMESPACE_IMPORT)) {
    const service = serviceOf(m[2] ?? '', file);
    const re = new RegExp(`\\bnew\\s+${m[1]}\\.(\\w+)Command\\s*\\(`, 'g');
    for (const c of text.matchAll(re)) found.push({ service, operation: c[1] ?? '' });
  }
  return found;
}

/** Every SDK operation called under `srcDir`, sorted, with the files calling it. */
export function scanSdkCalls(srcDir: string, root: string): SdkCall[] {
  const calls = new Map<string, SdkCall>();
  for (const path of sourceFiles(srcDir)) {
    const file = relative(root, path).split(sep).join('/');
    for (const { service, operation } of scanSource(readFileSync(path, 'utf8'), file)) {
      const key = `${service}:${operation}`;
      const call = calls.get(key) ?? { service, operation, files: [] };
      if (!call.files.includes(file)) call.files.push(file);
      calls.set(key, call);
    }
  }
  return [...calls.values()].sort((a, b) =>
    `${a.service}:${a.operation}`.localeCompare(`${b.service}:${b.operation}`),
  );
}

const SID: Record<string, string> = {
  s3: 'SeawallS3',
  kms: 'SeawallKms',
  iam: 'SeawallIam',
  sts: 'SeawallSts',
  glue: 'SeawallGlue',
  cloudwatch: 'SeawallCloudWatch',
  cloudtrail: 'SeawallCloudTrail',
  sns: 'SeawallSns',
};

/**
 * Where AWS lets a policy say WHICH resources, Seawall's says it (the rest stays on "*",
 * and docs/security.md says why): the roles Seawall makes live under the path /seawall/;
 * every KMS key it creates carries its owner tag from the CreateKey call on, so what
 * changes a key is allowed only on keys with that tag; Glue jobs, workflows, triggers and
 * crawlers are named `seawall-…`. S3 buckets, aliases, topics, alarms and trails are
 * named by people, so they cannot be scoped by name (S3's tag-based access needs ABAC
 * turned on per bucket, which a new account does not have).
 */
interface Scope {
  sid: string;
  actions: ReadonlySet<string>;
  resource: string | string[];
  condition?: Record<string, Record<string, string[]>>;
}

export const ROLE_RESOURCE = 'arn:aws:iam::*:role/seawall/*';
const OWNED_KEY = { Null: { [`aws:ResourceTag/${OWNER_TAG}`]: ['false'] } };

const SCOPES: Scope[] = [
  {
    // What changes a role: only Seawall's. Reads stay on "*": a role that does not exist
    // yet has no path IAM could match (its ARN is evaluated without one).
    sid: 'SeawallIamRoles',
    actions: new Set([
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:DeleteRolePolicy',
      'iam:PutRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:UpdateAssumeRolePolicy',
    ]),
    resource: ROLE_RESOURCE,
  },
  {
    // Another AwsAccount's role: only roles under Seawall's path (ACCOUNT_ROLE_ARN_PATTERN).
    sid: 'SeawallAssumeAccountRoles',
    actions: new Set(['sts:AssumeRole']),
    resource: ROLE_RESOURCE,
  },
  {
    // A key is created with its owner tag or not at all.
    sid: 'SeawallKmsCreateTaggedKeys',
    actions: new Set(['kms:CreateKey']),
    resource: '*',
    condition: { Null: { [`aws:RequestTag/${OWNER_TAG}`]: ['false'] } },
  },
  {
    sid: 'SeawallKmsChangeOwnedKeys',
    actions: new Set([
      'kms:CancelKeyDeletion',
      'kms:DisableKeyRotation',
      'kms:EnableKey',
      'kms:EnableKeyRotation',
      'kms:PutKeyPolicy',
      'kms:ScheduleKeyDeletion',
      'kms:UntagResource',
    ]),
    resource: 'arn:aws:kms:*:*:key/*',
    condition: OWNED_KEY,
  },
  {
    // An alias call is authorised on the alias and on every key it names — UpdateAlias on
    // the key it leaves too, which is someone else's when a person repointed Seawall's
    // alias (drift to undo). Moving a name changes no key, so no tag is required here.
    sid: 'SeawallKmsAliases',
    actions: new Set(['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias']),
    resource: ['arn:aws:kms:*:*:alias/*', 'arn:aws:kms:*:*:key/*'],
  },
  {
    sid: 'SeawallGlue',
    actions: new Set(), // every glue: action (see scopeOf)
    resource: ['job', 'workflow', 'trigger', 'crawler'].map(
      (type) => `arn:aws:glue:*:*:${type}/seawall-*`,
    ),
  },
  {
    // Drift events (ADR 70): the queue and its DLQ are Seawall's by name.
    sid: 'SeawallDriftEventQueues',
    actions: new Set(), // every sqs: action (see scopesOf)
    resource: 'arn:aws:sqs:*:*:seawall-drift-events*',
  },
  {
    sid: 'SeawallDriftEventRule',
    actions: new Set(), // every events: action (see scopesOf)
    resource: 'arn:aws:events:*:*:rule/seawall-drift-events',
  },
];

function scopesOf(action: string): Scope[] {
  const found = SCOPES.filter((scope) => scope.actions.has(action));
  if (found.length > 0) return found;
  if (action.startsWith('glue:')) return SCOPES.filter((scope) => scope.sid === 'SeawallGlue');
  if (action.startsWith('sqs:'))
    return SCOPES.filter((scope) => scope.sid === 'SeawallDriftEventQueues');
  if (action.startsWith('events:'))
    return SCOPES.filter((scope) => scope.sid === 'SeawallDriftEventRule');
  return [];
}

/** The policy: scoped statements where AWS allows, one "*" statement per service otherwise. */
export function buildPolicy(calls: SdkCall[]): PolicyDocument {
  const scoped = new Map<Scope, Set<string>>();
  const byService = new Map<string, Set<string>>();
  const passRoleTo = new Set<string>();
  const add = <K>(map: Map<K, Set<string>>, key: K, action: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(action);
    map.set(key, set);
  };
  for (const call of calls) {
    const rule = iamActionsFor(call.service, call.operation);
    for (const action of rule.actions) {
      const scopes = scopesOf(action);
      if (scopes.length > 0) for (const scope of scopes) add(scoped, scope, action);
      else add(byService, action.split(':')[0] ?? '', action);
    }
    if (rule.passRoleTo) passRoleTo.add(rule.passRoleTo);
  }
  const statements: PolicyStatement[] = [
    ...[...byService.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([service, actions]) => ({
        Sid: SID[service] ?? `Seawall${service}`,
        Effect: 'Allow' as const,
        Action: [...actions].sort(),
        Resource: '*',
      })),
    ...SCOPES.filter((scope) => scoped.has(scope)).map((scope) => ({
      Sid: scope.sid,
      Effect: 'Allow' as const,
      Action: [...(scoped.get(scope) ?? [])].sort(),
      Resource: scope.resource,
      ...(scope.condition ? { Condition: scope.condition } : {}),
    })),
  ];
  if (passRoleTo.size > 0) {
    // Only Seawall's own roles, only to the services that run them.
    statements.push({
      Sid: 'SeawallPassRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: ROLE_RESOURCE,
      Condition: { StringEquals: { 'iam:PassedToService': [...passRoleTo].sort() } },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** Every action in a policy, sorted (PassRole included). */
export function policyActions(policy: PolicyDocument): string[] {
  return [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
}

/** The same policy without one action (a statement left empty is dropped). For tests. */
export function withoutAction(policy: PolicyDocument, action: string): PolicyDocument {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => ({
      ...s,
      Action: s.Action.filter((a) => a !== action),
    })).filter((s) => s.Action.length > 0),
  };
}

/** The text of src/aws/iam-policy.generated.ts. */
export function renderGeneratedModule(calls: SdkCall[]): string {
  const policy = buildPolicy(calls);
  return `// Generated from the AWS SDK calls in src/ by \`npm run gen\` (scripts/generate-iam-policy.ts).
// Do not edit: change the code (or the operation → action table in iam-policy.ts) and regenerate.
import type { PolicyDocument, SdkCall } from './iam-policy.ts';

/** Every AWS SDK operation the operator's code calls, and the files calling it. */
export const sdkCalls: SdkCall[] = ${JSON.stringify(calls, null, 2)};

/** The least-privilege IAM policy for the operator's role (\`seawall iam-policy\`). */
export const iamPolicy: PolicyDocument = ${JSON.stringify(policy, null, 2)};
`;
}

/**
 * What to tell a person when an SDK operation was denied: the IAM actions it needs. AWS
 * does not always say (a HEAD request has no body; S3 may answer a bare "Access Denied"),
 * and the action's name is not always the operation's (HeadBucket → s3:ListBucket).
 */
export function deniedCallHint(service: string, operation: string): string {
  let rule: ActionRule;
  try {
    rule = iamActionsFor(service, operation);
  } catch {
    return `${service}:${operation} was denied; see \`seawall iam-policy\``;
  }
  const actions = [...rule.actions, ...(rule.passRoleTo ? ['iam:PassRole'] : [])];
  return `${service}:${operation} needs ${actions.join(' + ')} in the operator's IAM policy (\`seawall iam-policy\`)`;
}

/**
 * The policy of the role Seawall assumes in a target account (an AwsAccount's roleArn):
 * everything it does there — the operator's policy without sts:AssumeRole (a session
 * never assumes further).
 */
export function targetAccountPolicy(operatorPolicy: PolicyDocument): PolicyDocument {
  return withoutAction(operatorPolicy, 'sts:AssumeRole');
}

/**
 * The operator's own policy when it acts only through AwsAccounts with roles
 * (--require-account, every AwsAccount with a roleArn): assuming Seawall's roles, nothing
 * else in its own account.
 */
export function assumeOnlyPolicy(operatorPolicy: PolicyDocument): PolicyDocument {
  return {
    ...operatorPolicy,
    Statement: operatorPolicy.Statement.filter((s) => s.Action.includes('sts:AssumeRole')).map(
      (s) => ({ ...s, Action: ['sts:AssumeRole'] }),
    ),
  };
}

export interface TrustPolicyDocument {
  Version: '2012-10-17';
  Statement: {
    Sid: string;
    Effect: 'Allow';
    Principal: { AWS: string };
    Action: 'sts:AssumeRole';
    Condition?: Record<string, Record<string, string>>;
  }[];
}

/** The target role's trust policy: exactly the operator's role, with the external id if any. */
export function targetTrustPolicy(
  operatorRoleArn: string,
  externalId?: string,
): TrustPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SeawallOperator',
        Effect: 'Allow',
        Principal: { AWS: operatorRoleArn },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  };
}
