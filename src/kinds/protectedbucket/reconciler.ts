import {
  type ProtectedBucket,
  type ProtectedBucketSpec,
  type ProtectedBucketStatus,
  protectedBucketKind,
} from '../../api/protectedbucket.ts';
import { accountOf } from '../../aws/account.ts';
import type { AwsClients } from '../../aws/clients.ts';
import type { PolicyStatement } from '../../aws/iam/policy-document.ts';
import {
  ensureRole,
  replicationKeyGrant,
  replicationPolicy,
  replicationRoleName,
  rolePolicyFacet,
  roleTagsFacet,
  roleTrustPolicyFacet,
} from '../../aws/iam/replication-role.ts';
import { requireUsableKey } from '../../aws/kms/key.ts';
import { keyPolicyFacet } from '../../aws/kms/key-policy.ts';
import {
  assertOwnedOrAdoptable,
  ownerValue,
  ResourceMissingError,
  withOwnerTag,
} from '../../aws/ownership.ts';
import {
  type BucketPresence,
  type BucketTarget,
  bucketArn,
  bucketResource,
  ensureBucket,
  observeBucket,
} from '../../aws/s3/bucket.ts';
import { bucketPolicyFacet, tlsOnlyStatement } from '../../aws/s3/bucket-policy.ts';
import { encryptionFacet } from '../../aws/s3/encryption.ts';
import { lifecycleFacet } from '../../aws/s3/lifecycle.ts';
import { ownershipControlsFacet } from '../../aws/s3/ownership-controls.ts';
import { publicAccessBlockFacet } from '../../aws/s3/public-access-block.ts';
import { replicationFacet } from '../../aws/s3/replication.ts';
import {
  readReplica,
  sourceReplicationStatus,
  writeProbe,
} from '../../aws/s3/replication-probe.ts';
import { bucketTagsFacet } from '../../aws/s3/tags.ts';
import { versioningFacet } from '../../aws/s3/versioning.ts';
import { WaitingError } from '../../runtime/errors.ts';
import type { ReconcileRequest, ReconcileResult, Reconciler } from '../../runtime/reconciler.ts';
import { MissingResource, ReconcileSteps } from '../steps.ts';
import { finalizeProtectedBucket } from './finalize.ts';
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
}

/** A key as the later steps need it: encryption, key policy, role policy, status. */
interface KeyOutcome {
  arn: string;
  id: string;
  accountId: string;
  /** Alias for a key Seawall manages, or the key id for one given by ARN. */
  label: string;
  managed: boolean;
}

export function createProtectedBucketReconciler(
  deps: ProtectedBucketDeps,
): Reconciler<ProtectedBucketSpec, ProtectedBucketStatus> {
  return {
    kind: protectedBucketKind,
    reconcile: (request) => reconcileProtectedBucket(request, deps),
    finalize: (request) => finalizeProtectedBucket(request, deps.aws),
  };
}

async function reconcileProtectedBucket(
  request: PbRequest,
  deps: ProtectedBucketDeps,
): Promise<ReconcileResult> {
  const object = request.object as ProtectedBucket;
  const settings = resolveSettings(object);
  const owner = ownerValue({
    namespace: object.metadata.namespace,
    kind: object.kind,
    name: object.metadata.name,
  });
  const status = request.status;
  const step = new Steps(request, deps, owner, settings);
  try {
    // Bucket names first: a name held by someone else stalls before anything is created.
    const primary = step.bucketTarget(settings.bucketName, settings.region);
    const primaryPresence = await step.precheckBucket(primary, status.bucketArn);
    const backupTarget = settings.backup
      ? step.bucketTarget(settings.backup.bucketName, settings.backup.region)
      : undefined;
    const backupPresence = backupTarget
      ? await step.precheckBucket(backupTarget, status.backupBucketArn)
      : undefined;

    const key = await step.key(settings.key, settings.region, settings.bucketName, status.keyArn);
    status.keyArn = key.arn;
    status.keyAlias = key.label;

    const versioning = await step.bucket(primary, primaryPresence, key, {
      versioning: settings.versioning,
      lifecycle: true,
      recordedArn: status.bucketArn,
    });
    status.bucketArn = bucketArn(settings.bucketName);
    step.recorded(bucketJournal(primary));
    status.versioning = versioning;

    const backup = settings.backup;
    if (!backup || !backupTarget || !backupPresence) {
      if (key.managed) await step.keyPolicy(key, settings.region, []);
      await step.replication(primary, undefined, Boolean(status.replicationRoleArn));
      delete status.backupBucketArn;
      delete status.backupKeyArn;
      delete status.replicationRoleArn;
      delete status.replication;
      return {};
    }

    const backupKey = await step.key(
      backup.key,
      backup.region,
      backup.bucketName,
      status.backupKeyArn,
    );
    status.backupKeyArn = backupKey.arn;
    await step.bucket(backupTarget, backupPresence, backupKey, {
      versioning: 'Enabled',
      lifecycle: false,
      recordedArn: status.backupBucketArn,
    });
    status.backupBucketArn = bucketArn(backup.bucketName);
    step.recorded(bucketJournal(backupTarget));

    const roleArn = await step.role(settings, backup, key, backupKey);
    status.replicationRoleArn = roleArn;
    if (key.managed) {
      await step.keyPolicy(key, settings.region, [
        replicationKeyGrant(roleArn, 'source', settings.bucketName, settings.region),
      ]);
    }
    if (backupKey.managed) {
      await step.keyPolicy(backupKey, backup.region, [
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
      },
      true,
    );
    return await step.verifyReplication(primary, backupTarget, backupKey.arn, backup);
  } catch (error) {
    if (error instanceof ResourceMissingError) {
      // Gone since the last check, and the mode forbids recreating it: drift, recorded.
      step.recordMissing(error.resource, 'resource.exists');
    }
    if (error instanceof MissingResource || error instanceof ResourceMissingError) {
      return { message: error.message };
    }
    throw error;
  }
}

/** The create journal's name for a bucket. */
function bucketJournal(target: BucketTarget): string {
  return `S3 bucket ${target.bucket} in ${target.region}`;
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

  bucketTarget(bucket: string, region: string): BucketTarget {
    return { s3: this.deps.aws.s3(region), bucket, region };
  }

  async key(
    settings: KeySettings,
    region: string,
    bucket: string,
    knownKeyArn: string | undefined,
  ): Promise<KeyOutcome> {
    const kms = this.deps.aws.kms(region);
    if (!settings.managed) {
      const meta = await requireUsableKey(kms, settings.keyArn);
      return {
        arn: meta.Arn,
        id: meta.KeyId,
        accountId: meta.AWSAccountId ?? '',
        label: meta.KeyId,
        managed: false,
      };
    }
    const ensured = await this.managedKey(
      { kms, region, alias: settings.alias, owner: this.owner },
      {
        description: `Seawall: encrypts s3://${bucket} (${this.owner})`,
        tags: this.settings.tags,
        adopt: this.settings.adoptExisting,
        knownKeyArn,
        rotation: {
          enabled: settings.rotationEnabled,
          periodInDays: settings.rotationPeriodInDays,
        },
      },
    );
    const { KeyId: keyId, Arn: keyArn } = ensured.metadata;
    return {
      arn: keyArn,
      id: keyId,
      accountId: ensured.metadata.AWSAccountId ?? keyArn.split(':')[4] ?? '',
      label: settings.alias,
      managed: true,
    };
  }

  /**
   * Reads the bucket's presence and tags; stalls on a bucket that is not ours. No writes.
   * A bucket recorded in status is ours even if someone removed its owner tag: that is
   * tag drift, which the tags facet puts back.
   */
  async precheckBucket(
    target: BucketTarget,
    recordedArn: string | undefined,
  ): Promise<BucketPresence> {
    const presence = await observeBucket(target);
    const ours =
      recordedArn === bucketArn(target.bucket) ||
      this.pendingCreation(bucketJournal(target)) !== undefined;
    if (presence.exists && !ours) {
      assertOwnedOrAdoptable({
        what: `bucket "${target.bucket}"`,
        tags: presence.tags,
        owner: this.owner,
        adopt: this.settings.adoptExisting,
      });
    }
    return presence;
  }

  /** The bucket and its facets; returns the versioning status S3 holds afterwards. */
  async bucket(
    target: BucketTarget,
    presence: BucketPresence,
    key: KeyOutcome,
    options: {
      versioning: 'Enabled' | 'Suspended';
      lifecycle: boolean;
      recordedArn: string | undefined;
    },
  ): Promise<string> {
    if (!presence.exists) this.missing(bucketResource(target.bucket), 'bucket.exists');
    const ensured = await ensureBucket(target, {
      owner: this.owner,
      tags: this.settings.tags,
      adopt: this.settings.adoptExisting,
      presence,
      known:
        options.recordedArn === bucketArn(target.bucket) ||
        this.pendingCreation(bucketJournal(target)) !== undefined,
      beforeCreate: () => this.beforeCreate(bucketJournal(target)),
    });
    if (ensured.created) this.request.log.info({ bucket: target.bucket }, 'created bucket');
    if (ensured.adopted) {
      this.adopted(
        bucketResource(target.bucket),
        'bucket.tags',
        ensured.tags,
        withOwnerTag(this.settings.tags, this.owner),
      );
    }
    await this.facet(bucketTagsFacet, {
      ...target,
      owner: this.owner,
      tags: this.settings.tags,
      knownTags: ensured.tags,
    });
    await this.facet(encryptionFacet, {
      ...target,
      keyArn: key.arn,
      bucketKeyEnabled: this.settings.bucketKeyEnabled,
    });
    const versioning = await this.facet(versioningFacet, {
      ...target,
      versioning: options.versioning,
    });
    await this.facet(publicAccessBlockFacet, {
      ...target,
      publicAccessBlock: this.settings.publicAccessBlock,
    });
    await this.facet(ownershipControlsFacet, { ...target, objectOwnership: 'BucketOwnerEnforced' });
    await this.facet(bucketPolicyFacet, {
      ...target,
      accountId: (await accountOf(this.deps.aws)).accountId,
      statements: this.settings.enforceTLS ? [tlsOnlyStatement(target.bucket)] : [],
    });
    if (options.lifecycle) {
      await this.facet(lifecycleFacet, { ...target, lifecycle: this.settings.lifecycle });
    }
    // What S3 holds now: the spec's value, unless a drift was only reported.
    const left = versioning.applied ? undefined : versioning.diffs[0];
    return left ? String(left.observed) : options.versioning;
  }

  async role(
    settings: ProtectedBucketSettings,
    backup: BackupSettings,
    key: KeyOutcome,
    backupKey: KeyOutcome,
  ): Promise<string> {
    const iam = this.deps.aws.iam();
    const roleName = replicationRoleName(settings.bucketName);
    const target = { iam, roleName, owner: this.owner };
    if (!this.mayCreate && !this.request.status.replicationRoleArn) {
      throw new MissingResource(`IAM role ${roleName} is not recorded yet`);
    }
    const ensured = await ensureRole(target, {
      tags: settings.tags,
      adopt: settings.adoptExisting,
      description: `Seawall: replicates s3://${settings.bucketName} to s3://${backup.bucketName}`,
      knownArn: this.request.status.replicationRoleArn,
      mayCreate: this.mayCreate,
    });
    if (ensured.adopted) {
      this.adopted(
        ensured.role.Arn,
        'role.tags',
        ensured.tags,
        withOwnerTag(settings.tags, this.owner),
      );
    }
    const ctx = {
      ...target,
      roleArn: ensured.role.Arn,
      role: ensured.role,
      tags: settings.tags,
      policy: replicationPolicy({
        sourceBucket: settings.bucketName,
        sourceRegion: settings.region,
        sourceKeyArn: key.arn,
        destinationBucket: backup.bucketName,
        destinationRegion: backup.region,
        destinationKeyArn: backupKey.arn,
      }),
    };
    await this.facet(roleTrustPolicyFacet, ctx);
    await this.facet(rolePolicyFacet, ctx);
    await this.facet(roleTagsFacet, ctx);
    return ensured.role.Arn;
  }

  async keyPolicy(key: KeyOutcome, region: string, grants: PolicyStatement[]): Promise<void> {
    await this.facet(keyPolicyFacet, {
      kms: this.deps.aws.kms(region),
      keyId: key.id,
      keyArn: key.arn,
      accountId: key.accountId,
      grants,
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
