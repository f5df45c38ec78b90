// CostMonitor end to end: the operator (startOperator) watches the API server, reads the
// ProtectedBucket a bucketRef names from the API server, waits until it is Ready, and
// writes status that `kubectl get costmon` shows in its printer columns.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotations } from '../../src/api/common.ts';
import { type CostMonitor, costMonitorKind } from '../../src/api/costmonitor.ts';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { costMonitorReconcilerFor } from '../../src/kinds/costmonitor/reconciler.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import {
  adminKubeConfig,
  createNamespace,
  eventually,
  stackInfo,
  uniqueName,
} from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aCostMonitor,
  aProtectedBucket,
  condition,
  readyCondition,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';

const exec = promisify(execFile);

describe('CostMonitor under the operator', () => {
  let kc: k8s.KubeConfig;
  let buckets: SeawallObjects;
  let monitors: SeawallObjects<CostMonitor>;
  let namespace: string;
  let account: TestAccount;
  let operator: Operator;
  const env = () => ({ ...process.env, KUBECONFIG: stackInfo().kubeconfig });

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'costmon-e2e');
    buckets = seawallObjects(kc, protectedBucketKind, namespace);
    monitors = seawallObjects<CostMonitor>(kc, costMonitorKind, namespace);
    account = await isolatedAccount();
    operator = await startTestOperator({
      kc,
      namespace,
      aws: account.clients,
      reconcilers: [
        costMonitorReconcilerFor({ aws: account.clients, kc }) as Reconciler<never, never>,
      ],
    });
  });
  afterAll(async () => {
    await operator?.stop(1000);
  });

  async function readyReason(name: string): Promise<string | undefined> {
    const ready = condition(await monitors.get(name), 'Ready');
    return ready ? `${ready.status}/${ready.reason}` : undefined;
  }

  async function columns(name: string): Promise<Record<string, string>> {
    // -o wide: BUDGET, TRAIL and DRIFT come after AGE.
    const { stdout } = await exec(
      'kubectl',
      ['get', 'costmon', '-n', namespace, name, '-o', 'wide'],
      {
        env: env(),
      },
    );
    // Columns by their header's offset: an empty cell (no charges yet) keeps its place.
    const [header = '', row = ''] = stdout.trimEnd().split('\n');
    const starts = [...header.matchAll(/\S+( \S+)*/g)].map((m) => ({
      name: m[0],
      at: m.index ?? 0,
    }));
    return Object.fromEntries(
      starts.map((c, i) => [c.name, row.slice(c.at, starts[i + 1]?.at ?? row.length).trim()]),
    );
  }

  it('waits for its ProtectedBucket, then shows budget, charges, alarms and trail in kubectl get', async () => {
    const bucket = uniqueName('sw-raw');
    // The ProtectedBucket, not reconciled by anyone here: the test sets its status.
    await buckets.create(
      aProtectedBucket('raw-data', { bucketName: bucket, region: 'ca-central-1' }),
    );
    const name = uniqueName('cm');
    await monitors.create(
      aCostMonitor(name, {
        region: 'ca-central-1',
        billing: { monthlyBudgetUSD: 300, thresholds: [{ name: 'ninety', percentOfBudget: 90 }] },
        buckets: [{ bucketRef: { name: 'raw-data' }, maxObjects: 100 }],
        auditTrail: {
          name: uniqueName('audit'),
          logBucket: { bucketName: uniqueName('sw-audit') },
        },
      }),
    );
    await eventually(
      async () => ((await readyReason(name)) === 'False/DependencyNotReady' ? true : undefined),
      { what: 'CostMonitor waiting for its ProtectedBucket' },
    );

    // As the ProtectedBucket reconciler leaves it: bucket created and encrypted, Ready.
    await buckets.patchStatus('raw-data', {
      observedGeneration: 1,
      conditions: [readyCondition()],
      bucketArn: `arn:aws:s3:::${bucket}`,
      keyArn: `arn:aws:kms:ca-central-1:${account.accountId}:key/raw-data`,
    });
    const { stdout } = await exec(
      'kubectl',
      ['wait', '-n', namespace, `costmonitor/${name}`, '--for=condition=Ready', '--timeout=60s'],
      { env: env() },
    );
    expect(stdout).toContain('condition met');
    const before = await columns(name);
    expect(before).toMatchObject({
      NAME: name,
      BUDGET: '300',
      ESTIMATED: '',
      'IN ALARM': '0',
      TRAIL: 'Logging',
      READY: 'True',
    });

    // An alarm goes off and charges arrive; a requested reconcile shows both.
    await account.clients.cloudwatch('us-east-1').send(
      new SetAlarmStateCommand({
        AlarmName: `seawall/${namespace}/${name}/billing/ninety`,
        StateValue: 'ALARM',
        StateReason: 'test',
      }),
    );
    await account.clients.cloudwatch('us-east-1').send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Billing',
        MetricData: [
          {
            MetricName: 'EstimatedCharges',
            Dimensions: [{ Name: 'Currency', Value: 'USD' }],
            Timestamp: new Date(Date.now() - 60_000),
            Value: 281.5,
          },
        ],
      }),
    );
    await monitors.patch(name, {
      metadata: { annotations: { [Annotations.reconcileRequestedAt]: 'now' } },
    });
    const after = await eventually(
      async () => {
        const row = await columns(name);
        return row['IN ALARM'] === '1' && row.ESTIMATED === '281.5' ? row : undefined;
      },
      { what: 'IN ALARM 1 and ESTIMATED 281.5 in kubectl get', timeoutMs: 60_000 },
    );
    expect(after).toMatchObject({ BUDGET: '300', TRAIL: 'Logging', READY: 'True' });
  });
});
