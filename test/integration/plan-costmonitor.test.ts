// `seawall plan` of a CostMonitor against the strict local AWS: a new one lists every AWS
// resource it would create as a creation (keys, topics, alarms, dashboard, log bucket,
// trail), with what each would be set to, and makes no write call; once the operator has
// made them, the plan has nothing to do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../../src/api/common.ts';
import type { CostMonitorSpec } from '../../src/api/costmonitor.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { type PlannedChange, planResources } from '../../src/cli/plan.ts';
import { loadResources } from '../../src/cli/validate.ts';
import { createCostMonitorReconciler } from '../../src/kinds/costmonitor/reconciler.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { converge, costMonitor, FakeBuckets } from './costmonitor-fixtures.ts';

const NS = 'plan-costs';
const REGION = 'ca-central-1';
const BILLING = 'us-east-1';

describe('seawall plan of a CostMonitor', () => {
  let account: TestAccount;
  let dir: string;
  const buckets = new FakeBuckets();

  beforeAll(async () => {
    account = await isolatedAccount();
    dir = mkdtempSync(join(tmpdir(), 'seawall-plan-cm-'));
  });

  function readOnlyClients(log: CallLog): AwsClients {
    return new AwsClients({
      endpoint: account.endpoint,
      credentials: account.operator.credentials,
      defaultRegion: REGION,
      readOnly: true,
      observers: [log.observer],
    });
  }

  function write(name: string, spec: CostMonitorSpec) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: API_VERSION,
        kind: 'CostMonitor',
        metadata: { name, namespace: NS },
        spec,
      }),
    );
    return loadResources([file]).resources;
  }

  async function plan(name: string, spec: CostMonitorSpec, status?: Record<string, unknown>) {
    const log = new CallLog();
    const aws = readOnlyClients(log);
    const [result] = await planResources(write(name, spec), {
      aws,
      reconcilers: [createCostMonitorReconciler({ aws, buckets }) as Reconciler<never, never>],
      ...(status ? { liveStatus: async () => status } : {}),
    });
    return { result, log, aws };
  }

  it('lists the keys, topics, alarms, dashboard, log bucket and trail as creations, writing nothing', async () => {
    const name = uniqueName('cm');
    const topicName = uniqueName('alerts');
    const logBucket = uniqueName('sw-plan-audit');
    const trailName = uniqueName('audit');
    const watched = uniqueName('sw-plan-raw');
    const spec: CostMonitorSpec = {
      region: REGION,
      notifications: {
        topicName,
        subscriptions: [{ protocol: 'email', endpoint: 'data-team@example.org' }],
      },
      billing: { thresholds: [{ name: 'hard', amountUSD: 180 }] },
      buckets: [{ bucketName: watched, maxObjects: 1000 }],
      dashboard: {},
      auditTrail: { name: trailName, logBucket: { bucketName: logBucket } },
    };
    const { result, log, aws } = await plan(name, spec);
    expect(result?.state).toBe('changes');
    expect(result?.isNew).toBe(true);
    expect(log.writes()).toEqual([]);
    expect(aws.blockedWrites).toEqual([]);

    const creations = (result?.changes ?? []).filter(
      (c) => c.action === 'create' && c.field === 'exists',
    );
    const created = (facet: string) => creations.filter((c) => c.facet === facet);
    const accountId = account.accountId;
    const prefix = `seawall/${NS}/${name}/`;
    // Topic keys in both alarm regions, and the trail's key.
    expect(created('key.exists').map((c) => c.resource)).toEqual([
      expect.stringContaining(`alias/seawall/sns/${topicName}`),
      expect.stringContaining(`alias/seawall/sns/${topicName}`),
      expect.stringContaining(`alias/seawall/cloudtrail/${trailName}`),
    ]);
    expect(created('topic.exists').map((c) => c.resource)).toEqual([
      `arn:aws:sns:${REGION}:${accountId}:${topicName}`,
      `arn:aws:sns:${BILLING}:${accountId}:${topicName}`,
    ]);
    expect(created('alarm.exists').map((c) => c.resource)).toEqual([
      `arn:aws:cloudwatch:${REGION}:${accountId}:alarm:${prefix}bucket/${watched}/objects`,
      `arn:aws:cloudwatch:${BILLING}:${accountId}:alarm:${prefix}billing/hard`,
    ]);
    expect(created('dashboard.exists').map((c) => c.resource)).toEqual([
      `arn:aws:cloudwatch::${accountId}:dashboard/seawall-${NS}-${name}`,
    ]);
    expect(created('bucket.exists').map((c) => c.resource)).toEqual([`s3://${logBucket}`]);
    expect(created('trail.exists').map((c) => c.resource)).toEqual([
      `arn:aws:cloudtrail:${REGION}:${accountId}:trail/${trailName}`,
    ]);
    expect(creations).toHaveLength(10);

    // Each creation says what it would be: its type, and the owner tag it carries.
    const owner = `${NS}/CostMonitor/${name}`;
    const what = (c: PlannedChange) => JSON.parse(c.expected ?? '{}') as Record<string, unknown>;
    expect(what(created('topic.exists')[0] as PlannedChange)).toMatchObject({
      create: 'SNS topic',
      region: REGION,
      tags: { 'seawall.dev/owner': owner },
    });
    expect(what(created('trail.exists')[0] as PlannedChange)).toMatchObject({
      create: 'CloudTrail trail',
      tags: { 'seawall.dev/owner': owner },
    });
    expect(what(created('dashboard.exists')[0] as PlannedChange)).toMatchObject({
      create: 'CloudWatch dashboard',
      ownerMarker: `seawall.dev/owner: ${owner}`,
    });
    // ...and the values the new resources' facets would set, none of them read.
    const atCreation = (facet: string) =>
      (result?.changes ?? []).find((c) => c.facet === facet && c.field === 'value at creation');
    expect(JSON.parse(atCreation('alarm.definition')?.expected ?? '{}')).toMatchObject({
      Namespace: 'AWS/S3',
      Threshold: 1000,
    });
    expect(JSON.parse(atCreation('trail.settings')?.expected ?? '{}')).toMatchObject({
      S3BucketName: logBucket,
      IsMultiRegionTrail: true,
    });
    expect(JSON.parse(atCreation('topic.subscriptions')?.expected ?? '{}')).toEqual({
      subscriptions: [{ protocol: 'email', endpoint: 'data-team@example.org' }],
      ownsTopic: true,
    });
    expect(atCreation('dashboard.body')).toBeDefined();
    expect(atCreation('trail.logging')?.expected).toBe('{"IsLogging":true}');
    expect(log.reads().some((c) => c.operation === 'GetEventSelectors')).toBe(false);
  });

  it('has nothing to do once the operator made it all', async () => {
    const name = uniqueName('cm');
    const spec: CostMonitorSpec = {
      region: REGION,
      billing: { thresholds: [{ name: 'hard', amountUSD: 50 }] },
      dashboard: {},
      auditTrail: { name: uniqueName('audit'), logBucket: { bucketName: uniqueName('sw-plan') } },
    };
    const made = await converge(
      { aws: account.operator.clients, buckets },
      costMonitor(NS, name, spec),
    );
    expect(made.result.outcome).toBe('ready');
    const { result, log } = await plan(name, spec, made.next.status as Record<string, unknown>);
    expect(result?.changes).toEqual([]);
    expect(result?.state).toBe('no-changes');
    expect(log.writes()).toEqual([]);
  });
});
