// Schema pieces shared by every Seawall kind: policies, conditions, drift.
import { type Static, Type } from '@sinclair/typebox';
import { BoundedDuration, type CelRule, StringEnum } from './schema-helpers.ts';

export const GROUP = 'seawall.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const CATEGORY = 'seawall';

/** Annotations a person sets on any Seawall resource. */
export const Annotations = {
  paused: 'seawall.dev/paused',
  reconcileRequestedAt: 'seawall.dev/reconcile-requested-at',
  runRequestedAt: 'seawall.dev/run-requested-at',
  /**
   * driftPolicy Report: put AWS back to the spec once, now (any new value). The way an
   * owner who watched the drift clears it without editing the spec.
   */
  correctDriftRequestedAt: 'seawall.dev/correct-drift-requested-at',
} as const;

/** The tag every AWS resource Seawall creates carries: `<namespace>/<kind>/<name>`. */
export const OWNER_TAG = 'seawall.dev/owner';

export const FINALIZER = 'seawall.dev/finalizer';

export const DriftPolicy = StringEnum(['Correct', 'Report'] as const, {
  description:
    'What Seawall does when AWS no longer matches the spec. Correct puts it back; Report only records the drift in status.drift and an Event.',
  default: 'Correct',
});

export const DeletionPolicy = StringEnum(['Retain', 'Delete'] as const, {
  description:
    'What happens in AWS when this resource is deleted. Retain (default) leaves every AWS resource in place. Delete removes what Seawall created, but never a bucket that still holds objects (versions and delete markers included) and never a KMS key outright: keys are scheduled for deletion with the maximum waiting period.',
  default: 'Retain',
});

/**
 * Bounds of spec.driftCheckInterval. Below 30s a drift check of one ProtectedBucket (about
 * 20 read calls) would spend AWS API quota faster than it finds anything; above 24h drift
 * could go unseen for days. The controller-wide --drift-interval is not bounded by the CRD.
 */
export const MIN_DRIFT_CHECK_INTERVAL = '30s';
export const MAX_DRIFT_CHECK_INTERVAL = '24h';

/** A Kubernetes object name (DNS subdomain). */
export const OBJECT_REF_PATTERN = '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$';

/**
 * spec.account, on every namespaced kind: the AwsAccount Seawall acts in for this object.
 * Unset: the AwsAccount marked default for the namespace, else the operator's own
 * identity (a single-account install). Immutable — set, changed or removed after
 * creation it would move the object's AWS resources to another account behind its back;
 * the CRD refuses that (ACCOUNT_IMMUTABLE_RULE) and the reconciler checks it again
 * against status.accountId.
 */
export const accountField = {
  account: Type.Optional(
    Type.String({
      description:
        "Name of the AwsAccount (cluster-scoped) to manage this resource in. Unset: the AwsAccount that is the default for this namespace, else the operator's own account. Immutable.",
      pattern: OBJECT_REF_PATTERN,
      maxLength: 253,
    }),
  ),
};

/** The spec-level rule that keeps spec.account as it was created (set or unset). */
export const ACCOUNT_IMMUTABLE_RULE: CelRule = {
  rule: 'has(self.account) == has(oldSelf.account) && (!has(self.account) || self.account == oldSelf.account)',
  message:
    'spec.account is immutable: create a new resource in the other account instead (AccountChanged)',
  fieldPath: '.account',
};

/** The three policy fields every kind's spec carries. */
export const policyFields = {
  driftPolicy: Type.Optional(DriftPolicy),
  deletionPolicy: Type.Optional(DeletionPolicy),
  driftCheckInterval: Type.Optional(
    BoundedDuration(
      `How often Seawall re-reads AWS to look for drift (Go duration, ${MIN_DRIFT_CHECK_INTERVAL} to ${MAX_DRIFT_CHECK_INTERVAL}, e.g. 10m). Unset: the controller-wide default (--drift-interval, 10m).`,
      MIN_DRIFT_CHECK_INTERVAL,
      MAX_DRIFT_CHECK_INTERVAL,
    ),
  ),
};

export const ConditionStatus = StringEnum(['True', 'False', 'Unknown'] as const, {
  description: 'Status of the condition: True, False or Unknown.',
});

export const Condition = Type.Object(
  {
    type: Type.String({
      description: 'Type of condition: Ready, Reconciling, Stalled, or a kind-specific one.',
      maxLength: 316,
    }),
    status: ConditionStatus,
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'The .metadata.generation the condition was set from.',
        minimum: 0,
      }),
    ),
    lastTransitionTime: Type.String({
      description: 'When the condition last changed status (RFC 3339).',
      format: 'date-time',
    }),
    reason: Type.String({
      description: 'A CamelCase word saying why the condition has this status.',
      maxLength: 1024,
    }),
    message: Type.String({
      description: 'A human-readable message with details.',
      maxLength: 32768,
    }),
  },
  { description: 'A condition in the Kubernetes (metav1.Condition) shape.' },
);
export type Condition = Static<typeof Condition>;

export const DriftAction = StringEnum(['Corrected', 'Reported'] as const, {
  description:
    'What Seawall did: Corrected (put AWS back to the spec) or Reported (driftPolicy Report: recorded only).',
});

export const DriftCause = Type.Object(
  {
    eventName: Type.String({ description: 'The AWS API call, e.g. PutBucketEncryption.' }),
    eventTime: Type.String({ description: 'When it was made (RFC 3339).', format: 'date-time' }),
    principal: Type.String({
      description: "Who made it: the caller's ARN as CloudTrail recorded it.",
    }),
    sourceAddress: Type.Optional(
      Type.String({ description: 'Where the call came from (an IP address or an AWS service).' }),
    ),
    eventId: Type.Optional(Type.String({ description: 'The CloudTrail event id.' })),
  },
  {
    description:
      'The AWS API call that made the change, as CloudTrail told it (event-driven drift detection).',
  },
);
export type DriftCause = Static<typeof DriftCause>;

export const DriftItem = Type.Object(
  {
    resource: Type.String({
      description: 'The AWS resource that was out of line (an ARN or s3://bucket).',
    }),
    facet: Type.String({
      description: 'The Seawall facet that found it, e.g. bucket.versioning.',
    }),
    field: Type.String({ description: 'The field within that resource, e.g. Status.' }),
    expected: Type.String({ description: 'What the spec asks for (JSON or text).' }),
    observed: Type.String({ description: 'What AWS held (JSON or text).' }),
    action: DriftAction,
    detectedAt: Type.String({ description: 'When it was found (RFC 3339).', format: 'date-time' }),
    causedBy: Type.Optional(DriftCause),
  },
  { description: 'One field found out of line with the spec.' },
);
export type DriftItem = Static<typeof DriftItem>;

export const DriftStatus = Type.Object(
  {
    lastCheckTime: Type.Optional(
      Type.String({
        description: 'When Seawall last compared AWS with the spec.',
        format: 'date-time',
      }),
    ),
    count: Type.Optional(
      Type.Integer({ description: 'Number of items out of line at the last check.', minimum: 0 }),
    ),
    lastCorrectedTime: Type.Optional(
      Type.String({
        description:
          'When Seawall last put drift back (its items are in history once a later check finds none).',
        format: 'date-time',
      }),
    ),
    items: Type.Optional(
      Type.Array(DriftItem, {
        description: 'Items found out of line at the last check.',
        maxItems: 100,
      }),
    ),
    history: Type.Optional(
      Type.Array(DriftItem, {
        description: 'The most recent drift items of earlier checks, newest first (bounded).',
        maxItems: 50,
      }),
    ),
  },
  { description: 'What the last drift check found, and a bounded history.' },
);
export type DriftStatus = Static<typeof DriftStatus>;

export const DriftDetectionStatus = Type.Object(
  {
    mode: StringEnum(['Events', 'Polling'] as const, {
      description:
        'Events: CloudTrail events reach Seawall from every region of this resource, drift is checked when AWS reports a change and the periodic check is only a backstop. Polling: drift is found by the periodic check alone.',
    }),
    reason: Type.String({ description: 'Why (events off, no event from a region lately…).' }),
  },
  { description: 'How drift of this resource is found now (event-driven or polling).' },
);
export type DriftDetectionStatus = Static<typeof DriftDetectionStatus>;

export const Awaiting = Type.Object(
  {
    what: Type.String({
      description:
        'What AWS has not made visible yet, e.g. a new IAM role named in a KMS key policy (AWS is eventually consistent).',
    }),
    since: Type.String({
      description:
        "Since when Seawall has been waiting (the awaited resource's creation time when AWS reports it). After a bounded time (5 minutes by default) the resource is Stalled instead.",
      format: 'date-time',
    }),
    message: Type.String({ description: 'What AWS answered.' }),
  },
  {
    description:
      'Set while a call fails only because AWS has not yet propagated a recent change (IAM roles, new KMS keys, just-enabled versioning, policies); cleared when it succeeds.',
  },
);
export type Awaiting = Static<typeof Awaiting>;

export const PendingCreation = Type.Object(
  {
    resource: Type.String({
      description:
        'The resource being created, e.g. "KMS key for alias/seawall/raw-data in ca-central-1".',
    }),
    startedAt: Type.String({
      description: 'When the create call was about to be made.',
      format: 'date-time',
    }),
    id: Type.Optional(
      Type.String({
        description: 'The id or ARN AWS gave the resource, once the create call returned.',
      }),
    ),
  },
  { description: 'One create call Seawall made or was about to make.' },
);
export type PendingCreation = Static<typeof PendingCreation>;

/** Status fields every kind carries. */
export const commonStatusFields = {
  observedGeneration: Type.Optional(
    Type.Integer({
      description: 'The .metadata.generation Seawall last reconciled.',
      minimum: 0,
    }),
  ),
  conditions: Type.Optional(
    Type.Array(Condition, {
      description: 'Ready, Reconciling and Stalled (kstatus), plus kind-specific conditions.',
      maxItems: 16,
      // As metav1.Condition lists are: one entry per type, merged by type in patches.
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }),
  ),
  drift: Type.Optional(DriftStatus),
  driftDetection: Type.Optional(DriftDetectionStatus),
  awaiting: Type.Optional(Awaiting),
  convergedGeneration: Type.Optional(
    Type.Integer({
      description:
        'The last generation AWS was brought fully in line with. Later reconciles of it are drift checks (driftPolicy applies), even after one that had to wait.',
      minimum: 0,
    }),
  ),
  lastHandledCorrectDriftAt: Type.Optional(
    Type.String({
      description:
        'The value of the seawall.dev/correct-drift-requested-at annotation Seawall last acted on (driftPolicy Report: one correcting check per new value).',
    }),
  ),
  accountId: Type.Optional(
    Type.String({
      description:
        'The AWS account Seawall acts in for this object (from spec.account, the namespace default or the operator). Once recorded, a different account stalls the object (AccountChanged).',
    }),
  ),
  pendingCreations: Type.Optional(
    Type.Array(PendingCreation, {
      description:
        'AWS resources Seawall started to create and has not recorded yet (a crash-consistency journal, written before each create call): after a crash Seawall looks for exactly these, never through the whole account.',
      maxItems: 32,
    }),
  ),
};

/** ObjectMeta as far as Seawall reads it. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  finalizers?: string[];
}

/** The envelope of every Seawall object. */
export interface SeawallObject<Spec, Status> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}
