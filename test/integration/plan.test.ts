// `seawall plan` against moto: it reports exactly the drift the operator then corrects,
// and it makes no write call (the read-only AwsClients refuses them; the call log sees none).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, VERSION } from '../../src/api/common.ts';
import type { ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { CallLog } from '../../src/aws/calls.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { changesFromDrift, type PlannedChange, planResources } from '../../src/cli/plan.ts';
import { loadResources } from '../../src/cli/validate.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, stackInfo, uniqueName } from '../harness/kube.ts';
import { repoRoot } from '../harness/stack.ts';
import { converge, pbObject, reconcile } from './protectedbucket-fixtures.ts';

const REGION = 'ca-central-1';

function manifest(namespace: string, name: string, spec: ProtectedBucketSpec): string {
  return JSON.stringify({
    apiVersion: API_VERSION,
    kind: 'ProtectedBucket',
    metadata: { name, namespace },
    spec,
  });
}

describe('seawall plan', () => {
  let account: TestAccount;
  let namespace: string;
  let dir: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    namespace = await createNamespace(adminKubeConfig(), 'plan');
    dir = mkdtempSync(join(tmpdir(), 'seawall-plan-'));
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

  it('reports exactly the drift the operator then corrects, with read calls only', async () => {
    const name = uniqueName('pb');
    const spec: ProtectedBucketSpec = {
      bucketName: uniqueName('sw-plan'),
      region: REGION,
    };
    const operator = createProtectedBucketReconciler({ aws: account.operator.clients });
    const created = await converge(operator, pbObject(namespace, name, spec));
    expect(created.outcome).toBe('ready');

    // Steady state: nothing to do.
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, manifest(namespace, name, spec));
    const resources = loadResources([file]).resources;
    const log = new CallLog();
    const aws = readOnlyClients(log);
    const deps = {
      aws,
      reconcilers: [createProtectedBucketReconciler({ aws }) as Reconciler<never, never>],
      liveStatus: async () => created.object.status as Record<string, unknown>,
    };
    const steady = await planResources(resources, deps);
    expect(steady.map((p) => [p.state, p.changes])).toEqual([['no-changes', []]]);

    // Someone suspends versioning by hand.
    await account.admin.clients.s3(REGION).send(
      new PutBucketVersioningCommand({
        Bucket: spec.bucketName,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    const [plan] = await planResources(resources, deps);
    expect(plan?.state).toBe('changes');
    expect(plan?.changes).toEqual([
      {
        action: 'update',
        resource: `s3://${spec.bucketName}`,
        facet: 'bucket.versioning',
        field: 'Status',
        expected: 'Enabled',
        observed: 'Suspended',
      },
    ]);
    expect(log.writes()).toEqual([]);
    expect(log.reads().length).toBeGreaterThan(0);
    expect(aws.blockedWrites).toEqual([]);

    // The operator's next drift check corrects exactly that.
    const corrected = await reconcile(operator, created.object);
    expect(corrected.drift.every((d) => d.action === 'Corrected')).toBe(true);
    expect(changesFromDrift(corrected.drift)).toEqual(plan?.changes);
    const [after] = await planResources(resources, deps);
    expect(after?.state).toBe('no-changes');
  });

  it('plans a resource Seawall has not seen as new, without a write', async () => {
    const name = uniqueName('pb');
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      manifest(namespace, name, { bucketName: uniqueName('sw-plan-new'), region: REGION }),
    );
    const log = new CallLog();
    const aws = readOnlyClients(log);
    const [plan] = await planResources(loadResources([file]).resources, {
      aws,
      reconcilers: [createProtectedBucketReconciler({ aws }) as Reconciler<never, never>],
    });
    expect(plan?.state).toBe('changes');
    expect(plan?.isNew).toBe(true);
    expect(log.writes()).toEqual([]);
  });

  it('the command exits 0 with no changes, 2 with drift, and reads status from the cluster', async () => {
    const name = uniqueName('pb');
    const spec: ProtectedBucketSpec = {
      bucketName: uniqueName('sw-plan-cli'),
      region: REGION,
    };
    const created = await converge(
      createProtectedBucketReconciler({ aws: account.operator.clients }),
      pbObject(namespace, name, spec),
    );
    // Store the object and the status the operator recorded, as the controller would.
    const custom = adminKubeConfig().makeApiClient(k8s.CustomObjectsApi);
    const stored = (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'protectedbuckets',
      body: { apiVersion: API_VERSION, kind: 'ProtectedBucket', metadata: { name }, spec },
    })) as { metadata: { resourceVersion: string } };
    await custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'protectedbuckets',
      name,
      body: {
        apiVersion: API_VERSION,
        kind: 'ProtectedBucket',
        metadata: { name, resourceVersion: stored.metadata.resourceVersion },
        spec,
        status: created.object.status,
      },
    });
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, manifest(namespace, name, spec));
    const run = () =>
      spawnSync(
        join(repoRoot, 'node_modules/.bin/node'),
        [
          'src/cli/main.ts',
          'plan',
          '-f',
          file,
          '--kubeconfig',
          stackInfo().kubeconfig,
          '-o',
          'json',
        ],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          env: {
            ...process.env,
            AWS_ENDPOINT_URL: account.endpoint,
            AWS_ACCESS_KEY_ID: account.operator.credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: account.operator.credentials.secretAccessKey,
            AWS_SESSION_TOKEN: account.operator.credentials.sessionToken ?? '',
            AWS_REGION: REGION,
          },
        },
      );
    const clean = run();
    expect(clean.status, clean.stderr).toBe(0);
    await account.admin.clients.s3(REGION).send(
      new PutBucketVersioningCommand({
        Bucket: spec.bucketName,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    const drifted = run();
    expect(drifted.status, drifted.stderr).toBe(2);
    const out = JSON.parse(drifted.stdout) as {
      resources: { state: string; changes: { field: string; observed: string }[] }[];
    };
    expect(out.resources[0]?.state).toBe('changes');
    expect(out.resources[0]?.changes).toMatchObject([{ field: 'Status', observed: 'Suspended' }]);
  });

  it('lists what a new ProtectedBucket would create: its buckets and keys, with their settings', async () => {
    const name = uniqueName('pb');
    const bucketName = uniqueName('sw-plan-create');
    const backupName = uniqueName('sw-plan-backup');
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      manifest(namespace, name, {
        bucketName,
        region: REGION,
        backup: {
          bucketName: backupName,
          region: 'us-west-2',
          objectLock: { mode: 'GOVERNANCE', days: 7 },
        },
      }),
    );
    const log = new CallLog();
    const aws = readOnlyClients(log);
    const [plan] = await planResources(loadResources([file]).resources, {
      aws,
      reconcilers: [createProtectedBucketReconciler({ aws }) as Reconciler<never, never>],
    });
    expect(plan?.state, plan?.message).toBe('changes');
    const created = (plan?.changes ?? []).filter((c) => c.field === 'exists');
    expect(created.every((c) => c.action === 'create')).toBe(true);
    expect(created.map((c) => JSON.parse(c.expected ?? '{}').create).sort()).toEqual([
      'IAM role',
      'KMS key',
      'KMS key',
      'S3 bucket',
      'S3 bucket',
    ]);
    const bucket = created.find((c) => c.resource === `s3://${bucketName}`);
    expect(JSON.parse(bucket?.expected ?? '{}')).toMatchObject({ region: REGION });
    // What each new resource's facets would be set to comes with it, never as an update.
    const settings = (plan?.changes ?? []).filter((c) => c.resource === `s3://${backupName}`);
    expect(settings.map((c) => c.facet)).toEqual(
      expect.arrayContaining(['bucket.exists', 'bucket.versioning', 'bucket.objectLock']),
    );
    expect(settings.every((c) => c.action === 'create')).toBe(true);
    const lock = settings.find((c) => c.facet === 'bucket.objectLock');
    expect(JSON.parse(lock?.expected ?? '{}')).toMatchObject({ Mode: 'GOVERNANCE', Days: 7 });
    // The bucket's encryption names the key that would be created for it.
    const encryption = (plan?.changes ?? []).find(
      (c) => c.resource === `s3://${bucketName}` && c.facet === 'bucket.encryption',
    );
    expect(encryption?.expected).toContain('(new KMS key for alias/seawall/');
    expect(log.writes()).toEqual([]);
    expect(aws.blockedWrites).toEqual([]);
  });

  it('offline, plans the example platform: bucketRefs resolve to the ProtectedBucket in the same files', () => {
    const run = spawnSync(
      join(repoRoot, 'node_modules/.bin/node'),
      ['src/cli/main.ts', 'plan', '-f', 'examples/vancouver', '-o', 'json'],
      { cwd: repoRoot, encoding: 'utf8', env: planEnv() },
    );
    expect(run.status, run.stdout + run.stderr).toBe(2);
    const out = JSON.parse(run.stdout) as {
      offline?: string;
      resources: { kind: string; state: string; message?: string; changes: PlannedChange[] }[];
    };
    expect(out.offline).toContain('No cluster given');
    expect(
      out.resources.map((r) => [r.kind, r.state]),
      out.resources.map((r) => r.message).join('\n'),
    ).toEqual(out.resources.map((r) => [r.kind, 'changes']));
    for (const r of out.resources) expect(r.message ?? '').not.toContain('does not exist yet');
    // The embedded pipelines create nothing in AWS; the bucket and the monitor do.
    for (const r of out.resources.filter((x) => x.kind !== 'QualityPipeline')) {
      expect(r.changes.some((c) => c.action === 'create')).toBe(true);
    }
  });

  it('offline, a bucketRef outside the files is named as what the plan could not check', () => {
    const file = join(dir, 'lonely-pipeline.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: API_VERSION,
        kind: 'QualityPipeline',
        metadata: { name: 'lonely', namespace },
        spec: {
          source: { bucketRef: { name: 'not-in-these-files' }, prefix: 'in/', format: 'csv' },
          trusted: { prefix: 'trusted/' },
          quarantine: { prefix: 'quarantine/' },
          schedule: 'cron(0 6 ? * MON *)',
          rules: 'Rules = [ RowCount > 0 ]',
        },
      }),
    );
    const run = spawnSync(
      join(repoRoot, 'node_modules/.bin/node'),
      ['src/cli/main.ts', 'plan', '-f', file, '-o', 'json'],
      { cwd: repoRoot, encoding: 'utf8', env: planEnv() },
    );
    const out = JSON.parse(run.stdout) as { resources: { state: string; message?: string }[] };
    expect(out.resources[0]?.state, run.stderr).toBe('waiting');
    expect(out.resources[0]?.message).toContain(
      `offline: ProtectedBucket ${namespace}/not-in-these-files is not in the given files`,
    );
    expect(out.resources[0]?.message).toContain('--kubeconfig');
  });

  function planEnv(): NodeJS.ProcessEnv {
    const { KUBECONFIG: _, ...env } = process.env;
    return {
      ...env,
      AWS_ENDPOINT_URL: account.endpoint,
      AWS_ACCESS_KEY_ID: account.operator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.operator.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: account.operator.credentials.sessionToken ?? '',
      AWS_REGION: REGION,
    };
  }
});
