// The ProtectedBucket reconciler: ordered steps, each stopping the reconcile at its first
// error (Flux style):
//   bucket names (both checked before anything is created) → key → bucket (the secure-
//   bucket chain) → backup key → backup bucket (the same chain, with Object Lock when
//   asked) → replication role → key-policy grants → replication rule → proof that
//   replication works (a probe object).

import {
  type ProtectedBucket,
  type ProtectedBucketSpec,
  type ProtectedBucketStatus,
  protectedBucketKind,
} from '../../api/protectedbucket.ts';
import { accountOf } from '../../aws/account.ts';
import type { AwsClients } from '../../aws/clients.ts';
import type { AlarmDefinition } from '../../aws/cloudwatch/alarms.ts';
import type { PolicyStatement } from '../../aws/iam/policy-document.ts';
import {
  crossAccountReplicationStatement,
  REPLICATION_POLICY_NAME,
  REPLICATION_SERVICE,
  replicationKeyGrant,
  replicationPolicy,
  replicationRoleName,
} from '../../aws/iam/replication-role.ts';
import { requireUsableKey } from '../../aws/kms/key.ts';
import type { Inspected } from '../../aws/lifecycle.ts';
import {
  type BucketTarget,
  bucketArn,
  bucketResource,
  type FoundBucket,
} from '../../aws/s3/bucket.ts';
import { replicationFacet } from '../../aws/s3/replication.ts';
import {
  readReplica,
  sourceReplicationStatus,
  writeProbe,
} from '../../aws/s3/replication-probe.ts';
import { versioningFacet } from '../../aws/s3/versioning.ts';
import { WaitingError } from '../../runtime/errors.ts';
import type { ReconcileRequest, ReconcileResult, Reconciler } from '../../runtime/reconciler.ts';
import { keyPolicy, type ManagedKey, managedKey } from '../blocks/managed-key.ts';
import { inspectBucket, secureBucket } from '../blocks/secure-bucket.ts';
import { ensureServiceRole } from '../blocks/service-role.ts';
import { endsAtMissing, ReconcileSteps } from '../steps.ts';
import { finalizeProtectedBucket } from './finalize.ts';
import { protectedBucketResources } from './identifiers.ts';
import {
  ensureReplicationAlarms,
  replicationAlarmPrefix,
  replicationAlarms,
} from './replication-alarms.ts';
import {
  type BackupSettings,
  type KeySettings,
  type ProtectedBucketSettings,
  resolveSettings,
} from './settings.ts';
import {
  FAILED_RETRY_MS,
  FRESH_RETRY_MS,
  isFresh,
  nextVerificationStep,
  PROBE_POLL_MS,
  type ProbeObservation,
  SETTLE_MS,
  settle,
} from './verification.ts';

export type PbRequest = ReconcileRequest<ProtectedBucketSpec, ProtectedBucketStatus>;

export interface ProtectedBucketDeps {
  aws: AwsClients;
  /**
   * The AwsAccount of spec.backup.account, assumed and its guardrails checked (throws
   * StalledError); undefined: the backup is in the bucket's own account.
   */
  backupAccount?: (object: ProtectedBucket) => Promise<BackupAccount | undefined>;
}

/** A backup in another AWS account: its clients and id. */
export interface BackupAccount {
  aws: AwsClients;
  accountId: string;
}

/** A key as the later steps need it: encryption, key policy, role policy, status. */
interface KeyOutcome extends ManagedKey {
  /** Alias for a key Seawall manages, or the key id for one given by ARN. */
  label: string;
  managed: boolean;
}

export function createProtectedBucketReconciler(
  deps: ProtectedBucketDeps,
): Reconciler<ProtectedBucketSpec, ProtectedBucketStatus> {
  return {
    kind: protectedBucketKind,
    resourcesOf: protectedBucketResources,
    reconcile: (request) => reconcileProtectedBucket(request, deps),
    finalize: async (request) =>
      finalizeProtectedBucket(
        request,
        deps.aws,
        (await deps.backupAccount?.(request.object as ProtectedBucket))?.aws,
      ),
  };
}

async function reconcileProtectedBucket(
  request: PbRequest,
  deps: ProtectedBucketDeps,
): Promise<ReconcileResult> {
  const object = request.object as ProtectedBucket;
  const settings = resolveSettings(object);
  const owner = settings.owner;
  const status = request.status;
  const step = new Steps(request, deps, owner, settings);
  try {
    // A backup in another account: resolved (and its grant checked) before any AWS call.
    const backupAccount = settings.backup ? await deps.backupAccount?.(object) : undefined;
    const backupAws = backupAccount?.aws ?? deps.aws;
    // Bucket names first: a name held by someone else stalls before anything is created.
    const primary = step.bucketTarget(settings.bucketName, settings.region);
    const primarySeen = await step.inspectBucket(primary, status.bucketArn);
    const backup = settings.backup;
    const backupTarget = backup
      ? step.bucketTarget(backup.bucketName, backup.region, backupAws)
      : undefined;
    const backupSeen = backupTarget
      ? await step.inspectBucket(backupTarget, status.backupBucketArn)
      : undefined;

    const key = await step.key(settings.key, settings.region, settings.bucketName, status.keyArn);
    status.keyArn = key.arn;
    status.keyAlias = key.label;

    status.versioning = await step.bucket(primary, primarySeen, key, {
      versioning: settings.versioning,
      lifecycle: settings.lifecycle ?? {},
      recordedArn: status.bucketArn,
    });
    status.bucketArn = bucketArn(settings.bucketName);

    if (!backup || !backupTarget || !backupSeen) {
      if (key.managed) await keyPolicy(step, key, []);
      await step.replication(primary, undefined, Boolean(status.replicationRoleArn));
      await step.alarms(settings.region, undefined);
      delete status.backupBucketArn;
      delete status.backupKeyArn;
      delete status.backupAccountId;
      delete status.replicationRoleArn;
      delete status.replication;
      return {};
    }

    const backupKey = await step.key(
      backup.key,
      backup.region,
      backup.bucketName,
      status.backupKeyArn,
      backupAws,
    );
    status.backupKeyArn = backupKey.arn;
    const backupBucket = (statements: PolicyStatement[] = []) =>
      step.bucket(backupTarget, backupSeen, backupKey, {
        versioning: 'Enabled',
        objectLock: backup.objectLock,
        recordedArn: status.backupBucketArn,
        aws: backupAws,
        statements,
      });

    let roleArn: string;
    if (backupAccount) {
      // Another account: the role first, so the backup bucket's policy can name exactly it
      // (S3 refuses a policy naming a principal that does not exist).
      roleArn = await step.role(settings, backup, key, backupKey, true);
      status.replicationRoleArn = roleArn;
      await backupBucket([crossAccountReplicationStatement(roleArn, backup.bucketName)]);
      status.backupAccountId = backupAccount.accountId;
    } else {
      await backupBucket();
      delete status.backupAccountId;
      roleArn = await step.role(settings, backup, key, backupKey, false);
      status.replicationRoleArn = roleArn;
    }
    status.backupBucketArn = bucketArn(backup.bucketName);
    if (key.managed) {
      await keyPolicy(step, key, [
        replicationKeyGrant(roleArn, 'source', settings.bucketName, settings.region),
      ]);
    }
    if (backupKey.managed) {
      await keyPolicy(step, backupKey, [
        replicationKeyGrant(roleArn, 'destination', backup.bucketName, backup.region),
      ]);
    }
    await step.replication(
      primary,
      {
        roleArn,
        destinationBucketArn: bucketArn(backup.bucketName),
        replicaKmsKeyArn: backupKey.arn,
        storageClass: backup.storageClass,
        deleteMarkerReplication: backup.deleteMarkerReplication,
        replicationTimeControl: backup.replicationTimeControl,
        destinationAccount: backupAccount?.accountId,
      },
      true,
    );
    await step.alarms(
      settings.region,
      backup.replicationTimeControl
        ? replicationAlarms(
            replicationAlarmPrefix(object.metadata.namespace ?? '', object.metadata.name ?? ''),
            settings.bucketName,
            backup.bucketName,
          )
        : undefined,
    );
    return await step.verifyReplication(primary, backupTarget, backupKey.arn, backup);
  } catch (error) {
    return endsAtMissing(error);
  }
}

/** The steps of one reconcile, sharing the request, the clients and the owner. */
class Steps extends ReconcileSteps<ProtectedBucketSpec, ProtectedBucketStatus> {
  readonly deps: ProtectedBucketDeps;
  readonly owner: string;
  readonly settings: ProtectedBucketSettings;
  constructor(
    request: PbRequest,
    deps: ProtectedBucketDeps,
    owner: string,
    settings: ProtectedBucketSettings,
  ) {
    super(request);
    this.deps = deps;
    this.owner = owner;
    this.settings = settings;
  }

  bucketTarget(bucket: string, region: string, aws = this.deps.aws): BucketTarget {
    return { s3: aws.s3(region), bucket, region };
  }

  /** A key Seawall manages (the managed-key block), or one given by ARN: used, never changed. */
  async key(
    settings: KeySettings,
    region: string,
    bucket: string,
    knownKeyArn: string | undefined,
    aws = this.deps.aws,
  ): Promise<KeyOutcome> {
    const kms = aws.kms(region);
    if (!settings.managed) {
      const meta = await requireUsableKey(kms, settings.keyArn);
      return {
        arn: meta.Arn,
        id: meta.KeyId,
        accountId: meta.AWSAccountId ?? '',
        kms,
        label: meta.KeyId,
        managed: false,
      };
    }
    const key = await managedKey(this, {
      kms,
      region,
      alias: settings.alias,
      owner: this.owner,
      description: `Seawall: encrypts s3://${bucket} (${this.owner})`,
      tags: this.settings.tags,
      adopt: this.settings.adoptExisting,
      knownKeyArn,
      rotation: {
        enabled: settings.rotationEnabled,
        periodInDays: settings.rotationPeriodInDays,
      },
    });
    return { ...key, label: settings.alias, managed: true };
  }

  /**
   * Reads the bucket and decides ownership; stalls on a bucket that is not ours. No
   * writes. A bucket recorded in status is ours even if someone removed its owner tag:
   * that is tag drift, which the tags facet puts back.
   */
  inspectBucket(target: BucketTarget, recordedArn: string | undefined) {
    return inspectBucket(this, {
      target,
      owner: this.owner,
      adopt: this.settings.adoptExisting,
      recorded: recordedArn === bucketArn(target.bucket),
    });
  }

  /** The bucket and its protections; returns the versioning status S3 holds afterwards. */
  async bucket(
    target: BucketTarget,
    inspected: Inspected<FoundBucket>,
    key: KeyOutcome,
    options: {
      versioning: 'Enabled' | 'Suspended';
      lifecycle?: ProtectedBucketSettings['lifecycle'];
      objectLock?: BackupSettings['objectLock'];
      recordedArn: string | undefined;
      /** The clients of the bucket's account (default: the object's). */
      aws?: AwsClients;
      /** Bucket-policy statements beyond TLS-only (a cross-account backup's replication grant). */
      statements?: PolicyStatement[];
    },
  ): Promise<string> {
    const outcome = await secureBucket(
      this,
      {
        target,
        owner: this.owner,
        tags: this.settings.tags,
        adopt: this.settings.adoptExisting,
        recorded: options.recordedArn === bucketArn(target.bucket),
        keyArn: key.arn,
        bucketKeyEnabled: this.settings.bucketKeyEnabled,
        versioning: options.versioning,
        publicAccessBlock: this.settings.publicAccessBlock,
        accountId: (await accountOf(options.aws ?? this.deps.aws)).accountId,
        enforceTLS: this.settings.enforceTLS,
        lifecycle: options.lifecycle,
        objectLock: options.objectLock,
        ...(options.statements?.length ? { statements: options.statements } : {}),
      },
      inspected,
    );
    // What S3 holds now: the spec's value, unless a drift was only reported.
    const versioning = outcome.of(versioningFacet);
    const left = versioning?.applied ? undefined : versioning?.diffs[0];
    return left?.observed !== undefined ? String(left.observed) : options.versioning;
  }

  /** The replication alarms (RTC on), or their removal; recorded in status. */
  async alarms(region: string, wanted: AlarmDefinition[] | undefined): Promise<void> {
    const object = this.request.object;
    const alarms = await ensureReplicationAlarms(this, {
      aws: this.deps.aws,
      region,
      prefix: replicationAlarmPrefix(object.metadata.namespace ?? '', object.metadata.name ?? ''),
      owner: this.owner,
      wanted,
      recorded: this.request.status.replicationAlarms,
    });
    if (alarms) this.request.status.replicationAlarms = alarms;
    else delete this.request.status.replicationAlarms;
  }

  /** The replication role (a service role of S3): its ARN. */
  role(
    settings: ProtectedBucketSettings,
    backup: BackupSettings,
    key: KeyOutcome,
    backupKey: KeyOutcome,
    ownerOverride: boolean,
  ): Promise<string> {
    return ensureServiceRole(this, {
      iam: this.deps.aws.iam(),
      roleName: replicationRoleName(settings.bucketName),
      service: REPLICATION_SERVICE,
      policyName: REPLICATION_POLICY_NAME,
      policy: replicationPolicy({
        sourceBucket: settings.bucketName,
        sourceRegion: settings.region,
        sourceKeyArn: key.arn,
        destinationBucket: backup.bucketName,
        destinationRegion: backup.region,
        destinationKeyArn: backupKey.arn,
        ownerOverride,
      }),
      description: `Seawall: replicates s3://${settings.bucketName} to s3://${backup.bucketName}`,
      owner: this.owner,
      tags: settings.tags,
      adopt: settings.adoptExisting,
      knownArn: this.request.status.replicationRoleArn,
    });
  }

  /**
   * Proves replication end to end with a probe object (see verification.ts): before the
   * first Ready, after any change to the path, every backup.verifyInterval.
   */
  async verifyReplication(
    primary: BucketTarget,
    backupTarget: BucketTarget,
    backupKeyArn: string,
    backup: BackupSettings,
  ): Promise<ReconcileResult> {
    const status = this.request.status;
    const now = this.request.now;
    const previous = status.replication;
    const next = nextVerificationStep({
      previous,
      pathChanged: this.applied.length > 0,
      mayWrite: this.mayCreate,
      now,
      intervalMs: backup.verifyIntervalMs,
    });
    const kept = previous?.lastVerifiedAt
      ? { lastVerifiedAt: previous.lastVerifiedAt, lagSeconds: previous.lagSeconds }
      : {};
    let verification = previous;
    if (next.do === 'note-change') {
      verification = {
        ...kept,
        state: 'Pending',
        pathChangedAt: now.toISOString(),
        message: 'the replication path changed; a probe follows once AWS has applied the change',
      };
    } else if (next.do === 'write-probe') {
      verification = {
        ...kept,
        ...(previous?.pathChangedAt ? { pathChangedAt: previous.pathChangedAt } : {}),
        state: 'Pending',
        probe: await writeProbe(primary, now),
        message: 'probe written; waiting for its replica in the backup',
      };
    } else if (next.do === 'read-source' && previous?.probe) {
      const source = await sourceReplicationStatus(primary, previous.probe);
      const observed: ProbeObservation =
        source === undefined
          ? { kind: 'source-gone' }
          : source === 'COMPLETED'
            ? { kind: 'replica', ...(await readReplica(backupTarget, previous.probe)) }
            : { kind: 'source', status: source };
      verification = settle(previous, observed, { backupKeyArn }, now);
    }
    if (!verification) return {};
    status.replication = verification as ProtectedBucketStatus['replication'];
    const proven = Boolean(verification.lastVerifiedAt);
    // Not proven yet, or proven before: a wait is Ready only when replication was proven.
    const wait = (ms: number, message: string): ReconcileResult => {
      if (proven) return { requeueAfterMs: ms };
      throw new WaitingError('VerifyingReplication', message, ms);
    };
    switch (verification.state) {
      case 'Verified':
        return {};
      case 'Pending':
        return wait(
          verification.probe ? PROBE_POLL_MS : SETTLE_MS,
          `Proving the backup works before Ready: ${verification.message ?? ''}`,
        );
      case 'Failed':
        if (isFresh(verification, now)) {
          // AWS may still be applying the change just made (IAM, key policies): try again.
          return wait(
            FRESH_RETRY_MS,
            `Proving the backup works before Ready: a probe failed moments after the replication path changed; trying again (${verification.message ?? ''})`,
          );
        }
        if (this.mode !== 'converge') {
          this.request.recordDrift([
            {
              resource: bucketResource(backupTarget.bucket),
              facet: 'replication.verified',
              field: 'ReplicationStatus',
              expected: 'COMPLETED',
              observed: `FAILED: ${verification.message ?? ''}`,
              action: 'Reported',
              detectedAt: now.toISOString(),
            },
          ]);
        }
        throw new WaitingError(
          'ReplicationFailed',
          `Replication to the backup does not work: ${verification.message ?? ''}`,
          FAILED_RETRY_MS,
        );
    }
  }

  /**
   * The replication rule, or its absence. Without a backup the configuration is read only
   * when one was made before (status remembers the role), so a bucket that never had a
   * backup spends no read on it.
   */
  async replication(
    primary: BucketTarget,
    settings: Parameters<typeof replicationFacet.desired>[0]['replication'],
    needed: boolean,
  ): Promise<void> {
    if (!needed) return;
    await this.facet(replicationFacet, {
      ...primary,
      replication: settings,
    });
  }
}
