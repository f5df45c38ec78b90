// AwsAccount: an AWS account Seawall may act in, cluster-scoped because it is the
// platform team's statement, not a team's: the role Seawall assumes there (on top of its
// own identity), the regions, and which namespaces may use it with which guardrails —
// the bucket-name prefixes, KMS alias prefixes and Glue job roles each may manage, adopt
// or pass. Namespaced kinds name one in spec.account (or get their namespace's default).
// See docs/security.md ("Accounts and team guardrails") and ADR 80.
import { type Static, Type } from '@sinclair/typebox';
import { Region } from './aws-names.ts';
import { commonStatusFields, type SeawallObject } from './common.ts';
import { ageColumn, type KindDefinition, readyColumn, statusColumn } from './kind-definition.ts';
import { immutable, withRules } from './schema-helpers.ts';

export const ACCOUNT_ID_PATTERN = '^[0-9]{12}$';
/** The role Seawall assumes: under Seawall's role path (the operator may assume only those). */
export const ACCOUNT_ROLE_ARN_PATTERN =
  '^arn:aws[a-z-]*:iam::[0-9]{12}:role/seawall/[\\w+=,.@/-]{1,400}$';
const NAMESPACE_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const LABEL_PART = '^[A-Za-z0-9]([-A-Za-z0-9_./]{0,251}[A-Za-z0-9])?$';

export const NamespaceGrant = withRules(
  Type.Object(
    {
      names: Type.Optional(
        Type.Array(Type.String({ pattern: NAMESPACE_PATTERN, maxLength: 63 }), {
          description: 'Namespaces this grant applies to, by name.',
          maxItems: 256,
        }),
      ),
      selector: Type.Optional(
        Type.Object(
          {
            matchLabels: Type.Record(
              Type.String(),
              Type.String({ pattern: LABEL_PART, maxLength: 63 }),
              { description: 'Every label given must be on the namespace, with this value.' },
            ),
          },
          { description: 'Namespaces this grant applies to, by their labels.' },
        ),
      ),
      default: Type.Optional(
        Type.Boolean({
          description:
            'Resources in these namespaces without spec.account use this account. At most one AwsAccount may be the default for a namespace (two: AccountAmbiguous).',
          default: false,
        }),
      ),
      bucketPrefixes: Type.Array(Type.String({ minLength: 1, maxLength: 62 }), {
        description:
          'Bucket names these namespaces may create, adopt, read, write or back up to start with one of these (e.g. "parks-"). Empty: no bucket at all.',
        maxItems: 32,
      }),
      kmsAliasPrefixes: Type.Optional(
        Type.Array(Type.String({ pattern: '^alias/[a-zA-Z0-9/_-]{1,250}$', maxLength: 256 }), {
          description:
            'KMS aliases these namespaces may name (encryption.alias) start with one of these (e.g. "alias/parks/"). Unset or empty: none may be named; the alias Seawall derives from an allowed bucket name is always allowed.',
          maxItems: 32,
        }),
      ),
      glueRoles: Type.Optional(
        Type.Array(Type.String({ maxLength: 2048 }), {
          description:
            'IAM role ARNs these namespaces may give a QualityPipeline as glue.roleArn (Seawall passes them to Glue). A trailing * matches a prefix. Unset: none (Seawall creates the job role).',
          maxItems: 32,
        }),
      ),
      mayAdopt: Type.Optional(
        Type.Boolean({
          description:
            'Whether these namespaces may set adoptExisting (take over a bucket, alias or role Seawall did not create) — inside their prefixes only. Default false.',
          default: false,
        }),
      ),
    },
    { description: 'Which namespaces may use the account, and what they may manage in it.' },
  ),
  [
    {
      rule: 'has(self.names) || has(self.selector)',
      message: 'a grant names its namespaces (names) or selects them (selector)',
      jsonSchema: { anyOf: [{ required: ['names'] }, { required: ['selector'] }] },
    },
  ],
);
export type NamespaceGrant = Static<typeof NamespaceGrant>;

export const AwsAccountSpec = Type.Object(
  {
    accountId: immutable(
      Type.String({
        description: 'The 12-digit AWS account id. Immutable.',
        pattern: ACCOUNT_ID_PATTERN,
      }),
      'accountId is immutable; create another AwsAccount instead',
    ),
    roleArn: Type.Optional(
      Type.String({
        description:
          "The role Seawall assumes in the account (under the path /seawall/, trusting the operator's role; `seawall iam-policy --target` prints both policies). Unset: the operator's own identity — an AwsAccount for the operator's own account, to put guardrails on it.",
        pattern: ACCOUNT_ROLE_ARN_PATTERN,
        maxLength: 2048,
      }),
    ),
    externalId: Type.Optional(
      Type.String({
        description: "sts:ExternalId the role's trust policy asks for.",
        pattern: '^[\\w+=,.@:/-]+$',
        minLength: 2,
        maxLength: 1224,
      }),
    ),
    regions: Type.Array(Region('A region Seawall may act in for this account.'), {
      description: 'Regions resources of this account may live in (backups included).',
      minItems: 1,
      maxItems: 64,
    }),
    namespaces: Type.Array(NamespaceGrant, {
      description: 'The namespaces that may use this account and their guardrails.',
      maxItems: 256,
    }),
  },
  { description: 'An AWS account Seawall may act in, and who may use it for what.' },
);
export type AwsAccountSpec = Static<typeof AwsAccountSpec>;

export const AwsAccountStatus = Type.Object(
  {
    ...commonStatusFields,
    observedAccountId: Type.Optional(
      Type.String({ description: 'The account STS GetCallerIdentity names for the role.' }),
    ),
    lastAssumedAt: Type.Optional(
      Type.String({ description: 'When Seawall last assumed the role (RFC 3339).' }),
    ),
  },
  { description: 'Whether Seawall can act in the account.' },
);
export type AwsAccountStatus = Static<typeof AwsAccountStatus>;

export type AwsAccount = SeawallObject<AwsAccountSpec, AwsAccountStatus>;

export const awsAccountKind: KindDefinition = {
  kind: 'AwsAccount',
  plural: 'awsaccounts',
  singular: 'awsaccount',
  shortNames: ['awsacct'],
  scope: 'Cluster',
  description:
    'An AWS account Seawall may act in: the role it assumes there, the regions, and which namespaces may use it to manage which buckets, KMS aliases and Glue roles.',
  spec: AwsAccountSpec,
  status: AwsAccountStatus,
  printerColumns: [
    {
      name: 'Account',
      type: 'string',
      jsonPath: '.spec.accountId',
      description: 'AWS account id.',
    },
    readyColumn,
    statusColumn,
    ageColumn,
  ],
};
