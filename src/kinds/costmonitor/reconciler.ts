// The CostMonitor reconciler: ordered steps, each owning AWS facets, stopping at the
// first error (Flux style):
//   watched buckets (wait for ProtectedBuckets) → alert topics (key, topic, subscriptions,
//   per region) → alarms (per region, one read each) → estimated charges → dashboard →
//   audit trail (key → log bucket → trail → event selectors → logging).
// A steady-state check makes read calls only: every facet observes, diffs, and writes
// nothing when nothing differs; reads are shared where one call answers several facets.
import type * as k8s from '@kubernetes/client-node';
import {
  type AlarmStatus,
  type CostMonitor,
  type CostMonitorSpec,
  type CostMonitorStatus,
  costMonitorKind,
} from '../../api/costmonitor.ts';
import { type Account, accountOf } from '../../aws/account.ts';
import type { AwsClients } from '../../aws/clients.ts';
import {
  cloudTrailBucketStatements,
  eventSelectorsFacet,
  loggingFacet,
  type TrailCtx,
  trailArn,
  trailFacet,
  trailKeyGrants,
} from '../../aws/cloudtrail/trail.ts';
import { alarmFacet, RegionAlarms, staleAlarmsFacet } from '../../aws/cloudwatch/alarms.ts';
import { readEstimatedCharges } from '../../aws/cloudwatch/billing.ts';
import {
  dashboardBody,
  dashboardFacet,
  deleteOwnedDashboard,
} from '../../aws/cloudwatch/dashboard.ts';
import type { PolicyStatement } from '../../aws/iam/policy-document.ts';
import { scheduleOwnedKeyDeletion } from '../../aws/kms/key.ts';
import type { BucketTarget } from '../../aws/s3/bucket.ts';
import { subscriptionsFacet } from '../../aws/sns/subscriptions.ts';
import { topicArn, topicFacet, topicKeyGrants } from '../../aws/sns/topic.ts';
import { removeCondition, setCondition } from '../../runtime/conditions.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { ReconcileRequest, ReconcileResult, Reconciler } from '../../runtime/reconciler.ts';
import { keyPolicy, managedKey } from '../blocks/managed-key.ts';
import { BLOCK_ALL_PUBLIC_ACCESS, secureBucket } from '../blocks/secure-bucket.ts';
import {
  bucketReadyCondition,
  kubeProtectedBuckets,
  type ProtectedBucketReader,
  type UsableBucket,
} from '../protectedbucket/reference.ts';
import { MissingResource, ReconcileSteps } from '../steps.ts';
import { resolveBuckets } from './dependencies.ts';
import { deleteOwnedTopic, finalizeCostMonitor } from './finalize.ts';
import {
  type CostMonitorSettings,
  type PlannedAlarm,
  planAlarms,
  type ResolvedBucket,
  resolveSettings,
  type TrailSpecSettings,
  topicKeyAlias,
  topicRegions,
  trailSettings,
} from './settings.ts';

export type CmRequest = ReconcileRequest<CostMonitorSpec, CostMonitorStatus>;

export interface CostMonitorDeps {
  aws: AwsClients;
  /** Reads the ProtectedBuckets that bucketRefs name. */
  buckets: ProtectedBucketReader;
}

export function createCostMonitorReconciler(
  deps: CostMonitorDeps,
): Reconciler<CostMonitorSpec, CostMonitorStatus> {
  return {
    kind: costMonitorKind,
    dependsOn: [
      {
        kind: 'ProtectedBucket',
        references: (object) =>
          (object.spec.buckets ?? []).flatMap((b) => (b.bucketRef ? [b.bucketRef.name] : [])),
      },
    ],
    reconcile: (request) => reconcileCostMonitor(request, deps),
    finalize: (request) => finalizeCostMonitor(request, deps.aws),
  };
}

/** The operator's factory: ProtectedBuckets are read from the API server. */
export function costMonitorReconcilerFor(deps: { aws: AwsClients; kc: k8s.KubeConfig }) {
  return createCostMonitorReconciler({ aws: deps.aws, buckets: kubeProtectedBuckets(deps.kc) });
}

async function reconcileCostMonitor(
  request: CmRequest,
  deps: CostMonitorDeps,
): Promise<ReconcileResult> {
  const object = request.object as CostMonitor;
  const settings = resolveSettings(object);
  const referenced: UsableBucket[] = [];
  const buckets = await resolveBuckets(
    settings.buckets,
    settings.namespace,
    settings.region,
    deps.buckets,
    referenced,
  );
  // A referenced bucket that is usable but not Ready (reported drift, a backup converging)
  // is shown here rather than stopping the alarms on it.
  request.status.conditions =
    referenced.length > 0
      ? setCondition(
          request.status.conditions,
          bucketReadyCondition(referenced),
          request.object.metadata.generation ?? 0,
          request.now,
        )
      : removeCondition(request.status.conditions, 'BucketReady');
  const account = await accountOf(deps.aws);
  const step = new Steps(request, deps, settings, account);
  try {
    const topics = await step.topics(buckets);
    await step.alarms(buckets, topics);
    await step.billing();
    await step.dashboard(buckets);
    await step.auditTrail();
    return {};
  } catch (error) {
    if (error instanceof MissingResource) return { message: error.message };
    throw error;
  }
}

/** The steps of one reconcile, sharing the request, the clients, the owner and the account. */
class Steps extends ReconcileSteps<CostMonitorSpec, CostMonitorStatus> {
  readonly aws: AwsClients;
  readonly settings: CostMonitorSettings;
  readonly account: Account;

  constructor(
    request: CmRequest,
    deps: CostMonitorDeps,
    settings: CostMonitorSettings,
    account: Account,
  ) {
    super(request);
    this.aws = deps.aws;
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
   * A KMS key Seawall creates for a service (shared KMS facets of src/aws/kms): found by
   * alias or by the ARN status recorded, its policy = account root + `grants`.
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

  /** Alert topics, one per region with alarms that notify; returns region → topic ARN. */
  async topics(buckets: ResolvedBucket[]): Promise<Map<string, string>> {
    const regions = topicRegions(this.settings, buckets);
    const topics = new Map<string, string>();
    const statusTopics: NonNullable<CostMonitorStatus['topics']> = [];
    const { topic } = this.settings;
    for (const region of regions) {
      if (!topic.owned) {
        const arn = topic.arns.find((a) => a.split(':')[3] === region);
        if (!arn) {
          throw new StalledError(
            'TopicMissing',
            `alarms in ${region} need an SNS topic in ${region} (alarm actions must be in the alarm's region); add one to spec.notifications.existingTopicArns`,
          );
        }
        topics.set(region, arn);
        await this.facet(subscriptionsFacet, {
          clients: this.aws,
          region,
          topicArn: arn,
          subscriptions: this.settings.subscriptions,
          ownsTopic: false,
        });
        statusTopics.push({ region, arn });
        continue;
      }
      const arn = topicArn(this.account.partition, region, this.account.accountId, topic.name);
      topics.set(region, arn);
      const known = this.status.topics?.find((t) => t.region === region)?.keyArn;
      const keyArn = await this.key(
        region,
        topicKeyAlias(topic.name),
        `Seawall: encrypts SNS topic ${topic.name} (${this.owner})`,
        topicKeyGrants(),
        known,
      );
      const { observed } = await this.facet(topicFacet, {
        clients: this.aws,
        region,
        arn,
        name: topic.name,
        owner: this.owner,
        keyArn,
        displayName: 'Seawall alerts',
        accountId: this.account.accountId,
      });
      const subscriptions = await this.facet(subscriptionsFacet, {
        clients: this.aws,
        region,
        topicArn: arn,
        subscriptions: this.settings.subscriptions,
        ownsTopic: true,
      });
      const listed = subscriptions.observed ?? [];
      const pending = listed.filter((s) => s.arn === 'PendingConfirmation').length;
      statusTopics.push({
        region,
        arn,
        keyArn,
        subscriptionsConfirmed: observed?.exists
          ? (observed.SubscriptionsConfirmed ?? listed.length - pending)
          : 0,
        subscriptionsPending: observed?.exists ? (observed.SubscriptionsPending ?? pending) : 0,
      });
    }
    await this.removeUnneededTopics(regions);
    if (statusTopics.length > 0) this.status.topics = statusTopics;
    else delete this.status.topics;
    return topics;
  }

  /**
   * A region that no longer has alarms no longer needs its topic: a topic (and key)
   * Seawall created there is removed when the spec changes. Status remembers them.
   */
  async removeUnneededTopics(regions: string[]): Promise<void> {
    const { topic } = this.settings;
    if (!topic.owned || !this.mayCreate) return;
    for (const old of this.status.topics ?? []) {
      if (regions.includes(old.region)) continue;
      await deleteOwnedTopic(this.aws, old.region, old.arn, this.owner);
      await scheduleOwnedKeyDeletion(
        this.aws.kms(old.region),
        topicKeyAlias(topic.name),
        old.keyArn,
        this.owner,
      );
      this.request.log.info({ topic: old.arn }, 'removed a topic no alarm needs');
    }
  }

  /** Every alarm, one DescribeAlarms per region; states go to status. */
  async alarms(buckets: ResolvedBucket[], topics: Map<string, string>): Promise<void> {
    const planned = planAlarms(this.settings, buckets, (region) => topics.get(region) ?? '');
    // Regions to look in: those with alarms now, and those that had alarms before (to
    // remove alarms the spec dropped).
    const regions = new Set([
      ...planned.map((a) => a.region),
      ...(this.status.alarms ?? []).map((a) => a.region),
    ]);
    const alarmStatus: AlarmStatus[] = [];
    for (const region of [...regions].sort()) {
      const snapshot = new RegionAlarms(this.aws, region, this.settings.alarmPrefix);
      const here = planned.filter((a) => a.region === region);
      for (const alarm of here) {
        await this.facet(alarmFacet, {
          clients: this.aws,
          alarms: snapshot,
          definition: alarm.definition,
          owner: this.owner,
          accountId: this.account.accountId,
          partition: this.account.partition,
        });
      }
      await this.facet(staleAlarmsFacet, {
        clients: this.aws,
        alarms: snapshot,
        wanted: new Set(here.map((a) => a.definition.AlarmName)),
        owner: this.owner,
      });
      const seen = await snapshot.all();
      for (const alarm of here) alarmStatus.push(alarmStatusOf(alarm, seen));
    }
    if (alarmStatus.length > 0) this.status.alarms = alarmStatus;
    else delete this.status.alarms;
    this.status.alarmsInAlarm = alarmStatus.filter((a) => a.state === 'ALARM').length;
  }

  /** The latest month-to-date estimated charges, when the spec has a billing section. */
  async billing(): Promise<void> {
    const { budgetUSD, billingThresholds } = this.settings;
    if (budgetUSD === undefined && billingThresholds.length === 0) {
      delete this.status.billing;
      return;
    }
    const charges = await readEstimatedCharges(this.aws, this.request.now);
    this.status.billing = {
      ...(charges
        ? { estimatedChargesUSD: charges.amountUSD, datapointAt: charges.at.toISOString() }
        : {}),
      readAt: this.request.now.toISOString(),
    };
  }

  async dashboard(buckets: ResolvedBucket[]): Promise<void> {
    const spec = this.settings.dashboard;
    const previous = this.status.dashboard?.name;
    if (previous && previous !== spec?.name && this.mayCreate) {
      // Renamed or removed from the spec: the dashboard Seawall made goes.
      await deleteOwnedDashboard(this.aws, previous, this.owner, true);
    }
    if (!spec) {
      delete this.status.dashboard;
      return;
    }
    const input = {
      name: spec.name,
      owner: this.owner,
      ...(this.settings.budgetUSD !== undefined ? { budgetUSD: this.settings.budgetUSD } : {}),
      billing: this.settings.billingThresholds.length > 0 || this.settings.budgetUSD !== undefined,
      buckets: buckets.map((b) => ({ bucketName: b.bucketName, region: b.region })),
      pipelines: spec.pipelines,
    };
    await this.facet(dashboardFacet, {
      clients: this.aws,
      input,
      createdBefore: this.status.dashboard?.name === spec.name,
      seen: {},
    });
    this.status.dashboard = {
      name: spec.name,
      arn: `arn:${this.account.partition}:cloudwatch::${this.account.accountId}:dashboard/${spec.name}`,
      widgets: dashboardBody(input).widgets.length,
    };
  }

  async auditTrail(): Promise<void> {
    const trail = this.settings.trail;
    if (!trail) {
      delete this.status.auditTrail;
      return;
    }
    const { accountId, partition } = this.account;
    const arn = trailArn(partition, trail.region, accountId, trail.name);
    const keyArn = await this.key(
      trail.region,
      trail.keyAlias,
      `Seawall: encrypts CloudTrail trail ${trail.name} and its log bucket (${this.owner})`,
      trailKeyGrants(partition, accountId, arn),
      this.status.auditTrail?.keyArn,
    );
    this.status.auditTrail = { ...this.status.auditTrail, name: trail.name, arn, keyArn };
    if (trail.logBucket.owned) await this.logBucket(trail, keyArn, arn);
    this.status.auditTrail.logBucket = trail.logBucket.name;

    const ctx: TrailCtx = {
      clients: this.aws,
      region: trail.region,
      name: trail.name,
      arn,
      owner: this.owner,
      settings: trailSettings(trail, keyArn),
      managementEvents: trail.managementEvents,
      seen: {},
    };
    const settings = await this.facet(trailFacet, ctx);
    if (!settings.observed?.exists && !settings.applied) {
      throw new MissingResource(`trail ${trail.name} does not exist`);
    }
    await this.facet(eventSelectorsFacet, ctx);
    const logging = await this.facet(loggingFacet, ctx);
    const isLogging = logging.applied || logging.observed?.IsLogging === true;
    const trailStatus = ctx.seen.status;
    const { latestDeliveryError: _e, latestDeliveryTime: _t, ...rest } = this.status.auditTrail;
    this.status.auditTrail = {
      ...rest,
      isLogging,
      state: isLogging ? 'Logging' : 'Stopped',
      ...(trailStatus?.LatestDeliveryError
        ? { latestDeliveryError: trailStatus.LatestDeliveryError }
        : {}),
      ...(trailStatus?.LatestDeliveryTime
        ? { latestDeliveryTime: new Date(trailStatus.LatestDeliveryTime).toISOString() }
        : {}),
    };
  }

  /**
   * The log bucket the CostMonitor creates: the protections of a ProtectedBucket (the
   * shared S3 facets) with the trail key, and ONE policy holding the TLS-only statement
   * and CloudTrail's two statements, plus the retention lifecycle.
   */
  async logBucket(trail: TrailSpecSettings, keyArn: string, arnOfTrail: string): Promise<void> {
    const target: BucketTarget = {
      s3: this.aws.s3(trail.region),
      bucket: trail.logBucket.name,
      region: trail.region,
    };
    await secureBucket(this, {
      target,
      owner: this.owner,
      keyArn,
      bucketKeyEnabled: true,
      versioning: 'Enabled',
      publicAccessBlock: BLOCK_ALL_PUBLIC_ACCESS,
      accountId: this.account.accountId,
      enforceTLS: true,
      statements: cloudTrailBucketStatements(
        this.account.partition,
        this.account.accountId,
        target.bucket,
        trail.s3KeyPrefix || undefined,
        arnOfTrail,
      ),
      logRetentionDays: trail.logBucket.retentionDays,
    });
  }
}

function alarmStatusOf(
  alarm: PlannedAlarm,
  seen: Awaited<ReturnType<RegionAlarms['all']>>,
): AlarmStatus {
  const found = seen.find((a) => a.AlarmName === alarm.definition.AlarmName);
  return {
    name: alarm.definition.AlarmName,
    kind: alarm.kind,
    region: alarm.region,
    threshold: alarm.definition.Threshold,
    ...(found?.StateValue ? { state: found.StateValue } : {}),
    ...(found?.StateReason ? { stateReason: found.StateReason.slice(0, 1024) } : {}),
    ...(found?.StateUpdatedTimestamp
      ? { stateUpdatedAt: found.StateUpdatedTimestamp.toISOString() }
      : {}),
  };
}
