// ProtectedBucket scale benchmark (issue 15): in one run, against one emulator,
//  1. a plain SDK script makes the create calls of N ProtectedBuckets with a backup
//     (2 keys + aliases, 2 buckets with every setting, the replication role and rule, a
//     probe object until it is replicated) — no Kubernetes, no reads, no status;
//  2. the real operator process converges N ProtectedBuckets (all Ready), then one
//     requested drift check of every object.
// Reports: both times and their ratio (the emulator is the bottleneck of both; the ratio
// is what the operator adds), the write calls of each side per ProtectedBucket (they must
// be the same set), the operator's RSS at rest (empty, and after converging) and peak
// (VmHWM, plus a 250 ms sample), and AWS reads per ProtectedBucket of the drift check.
// The two sides use two accounts of the emulator, so neither sees the other's keys, roles
// or tags; S3 bucket names are global, so the operator (second) runs against N more
// buckets than the script did — a bias against the operator.
//   node bench/protectedbucket-scale.ts [COUNT=1000] [WORKERS=8] [SCRIPT_CONCURRENCY=64]
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import * as k8s from '@kubernetes/client-node';
import { Annotations } from '../src/api/common.ts';
import { type ProtectedBucket, protectedBucketKind } from '../src/api/protectedbucket.ts';
import { isReadOperation } from '../src/aws/calls.ts';
import { AwsClients } from '../src/aws/clients.ts';
import { POLICY_VERSION, renderPolicy } from '../src/aws/iam/policy-document.ts';
import {
  REPLICATION_POLICY_NAME,
  REPLICATION_SERVICE,
  replicationKeyGrant,
  replicationPolicy,
  replicationRoleName,
} from '../src/aws/iam/replication-role.ts';
import { ROLE_PATH, serviceTrustPolicy } from '../src/aws/iam/role.ts';
import { accountRootStatement } from '../src/aws/kms/key-policy.ts';
import { OWNER_TAG, ownerValue, tagsToKeyValue, tagsToKms } from '../src/aws/ownership.ts';
import { createBucketInput } from '../src/aws/s3/bucket.ts';
import { tlsOnlyStatement } from '../src/aws/s3/bucket-policy.ts';
import { replicationConfiguration } from '../src/aws/s3/replication.ts';
import { PROBE_KEY } from '../src/aws/s3/replication-probe.ts';
import { shareConnections } from '../src/runtime/kubeconfig.ts';
import { ROOT_CREDENTIALS } from '../test/harness/aws.ts';
import { startProcess } from '../test/harness/processes.ts';
import { aProtectedBucket, isReady, seawallObjects } from '../test/harness/seawall-objects.ts';
import { repoRoot, startStack } from '../test/harness/stack.ts';
import { memoryOf, pooled, printTable, resultsDir, round, writeResults } from './lib.ts';

const count = Number(process.argv[2] ?? 1000);
const workers = Number(process.argv[3] ?? 8);
// The script's ProtectedBuckets in flight at once: most of a ProtectedBucket's time is the
// emulator's propagation waits (KMS 2 s, IAM 3 s, versioning 2 s, replication), so the
// script needs many in flight to keep the emulator as busy as the operator does (whose
// workers take other objects while one waits).
const scriptConcurrency = Number(process.argv[4] ?? 64);
const namespace = 'bench';
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';
const OPERATOR_ACCOUNT = '210987654321';
const SCRIPT_ACCOUNT = '210987654322';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await startStack();
try {
  const sts = new STSClient({
    endpoint: stack.awsEndpoint,
    region: 'us-east-1',
    credentials: ROOT_CREDENTIALS,
  });
  const credentialsOf = async (account: string) => {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${account}:role/bench`,
        RoleSessionName: 'bench',
      }),
    );
    return {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
  };
  const run = Date.now().toString(36);
  const names = Array.from({ length: count }, (_, i) => `pb-${String(i).padStart(5, '0')}`);

  // 1. The plain SDK script: the same create calls, `workers` ProtectedBuckets at a time.
  const scriptCredentials = await credentialsOf(SCRIPT_ACCOUNT);
  // The project's client factory (same timeouts and retries as the operator) with its call
  // observer counting each call by operation, as the operator's metrics do.
  const scriptCalls: Record<string, number> = {};
  const clients = new AwsClients({
    endpoint: stack.awsEndpoint,
    credentials: scriptCredentials,
    defaultRegion: 'us-east-1',
    observers: [
      (call) => {
        if (call.outcome === 'success')
          scriptCalls[call.operation] = (scriptCalls[call.operation] ?? 0) + 1;
      },
    ],
  });
  const tags = (name: string) => ({
    [OWNER_TAG]: ownerValue({ namespace, kind: 'ProtectedBucket', name }),
  });
  // Counted: successful calls only, on both sides (the operator's metrics by outcome),
  // so the two lists compare the calls that did something; retries are counted apart.
  // The emulator makes new keys, roles and versioning wait as AWS does (strict AWS: KMS
  // 2 s, IAM 3 s, versioning 2 s): a plain script retries too, every 500 ms.
  let scriptRetries = 0;
  const retried = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= 60) throw error;
        scriptRetries++;
        await sleep(500);
      }
    }
  };
  const scriptKey = async (region: string, name: string, alias: string) => {
    const k = clients.kms(region);
    const out = await k.send(
      new CreateKeyCommand({ Description: `seawall ${name}`, Tags: tagsToKms(tags(name)) }),
    );
    const keyId = out.KeyMetadata?.KeyId ?? '';
    await retried(() => k.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId })));
    await retried(() => k.send(new EnableKeyRotationCommand({ KeyId: keyId })));
    return { keyId, arn: out.KeyMetadata?.Arn ?? '' };
  };
  const scriptBucket = async (region: string, bucket: string, name: string, keyArn: string) => {
    const c = clients.s3(region);
    await retried(() =>
      c.send(new CreateBucketCommand(createBucketInput(bucket, region, tags(name)))),
    );
    await retried(() =>
      c.send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      ),
    );
    await retried(() =>
      c.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: keyArn,
                },
                BucketKeyEnabled: true,
              },
            ],
          },
        }),
      ),
    );
    await retried(() =>
      c.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      ),
    );
    await retried(() =>
      c.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: bucket,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        }),
      ),
    );
    await retried(() =>
      c.send(
        new PutBucketPolicyCommand({
          Bucket: bucket,
          Policy: renderPolicy({ Version: POLICY_VERSION, Statement: [tlsOnlyStatement(bucket)] }),
        }),
      ),
    );
  };
  const scriptProtectedBucket = async (name: string) => {
    const bucket = `sw-${run}-s-${name}`;
    const backup = `${bucket}-bk`;
    const [key, backupKey] = await Promise.all([
      scriptKey(REGION, name, `alias/seawall/${bucket}`),
      scriptKey(BACKUP_REGION, name, `alias/seawall/${backup}`),
    ]);
    await Promise.all([
      scriptBucket(REGION, bucket, name, key.arn),
      scriptBucket(BACKUP_REGION, backup, name, backupKey.arn),
    ]);
    const roleName = replicationRoleName(bucket);
    const role = await retried(() =>
      clients.iam().send(
        new CreateRoleCommand({
          RoleName: roleName,
          Path: ROLE_PATH,
          AssumeRolePolicyDocument: renderPolicy(serviceTrustPolicy(REPLICATION_SERVICE)),
          Tags: tagsToKeyValue(tags(name)),
        }),
      ),
    );
    const roleArn = role.Role?.Arn ?? '';
    await retried(() =>
      clients.iam().send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: REPLICATION_POLICY_NAME,
          PolicyDocument: renderPolicy(
            replicationPolicy({
              sourceBucket: bucket,
              sourceRegion: REGION,
              sourceKeyArn: key.arn,
              destinationBucket: backup,
              destinationRegion: BACKUP_REGION,
              destinationKeyArn: backupKey.arn,
            }),
          ),
        }),
      ),
    );
    const keyPolicy = (side: 'source' | 'destination', b: string, region: string) =>
      renderPolicy({
        Version: POLICY_VERSION,
        Statement: [
          accountRootStatement(SCRIPT_ACCOUNT),
          replicationKeyGrant(roleArn, side, b, region),
        ],
      });
    await Promise.all([
      retried(() =>
        clients.kms(REGION).send(
          new PutKeyPolicyCommand({
            KeyId: key.keyId,
            PolicyName: 'default',
            Policy: keyPolicy('source', bucket, REGION),
          }),
        ),
      ),
      retried(() =>
        clients.kms(BACKUP_REGION).send(
          new PutKeyPolicyCommand({
            KeyId: backupKey.keyId,
            PolicyName: 'default',
            Policy: keyPolicy('destination', backup, BACKUP_REGION),
          }),
        ),
      ),
    ]);
    await retried(() =>
      clients.s3(REGION).send(
        new PutBucketReplicationCommand({
          Bucket: bucket,
          ReplicationConfiguration: replicationConfiguration({
            roleArn,
            destinationBucketArn: `arn:aws:s3:::${backup}`,
            replicaKmsKeyArn: backupKey.arn,
            storageClass: 'STANDARD',
            deleteMarkerReplication: false,
            replicationTimeControl: false,
          }),
        }),
      ),
    );
    // The replication probe: written, then read in the backup until it is there (the
    // operator polls every 2 s; so does this). A probe S3 gave up on (FAILED: the role or
    // a key policy was not in force yet) is written again, as the operator does.
    const putProbe = () =>
      clients.s3(REGION).send(new PutObjectCommand({ Bucket: bucket, Key: PROBE_KEY, Body: '{}' }));
    let probe = await putProbe();
    for (;;) {
      try {
        await clients
          .s3(BACKUP_REGION)
          .send(
            new HeadObjectCommand({ Bucket: backup, Key: PROBE_KEY, VersionId: probe.VersionId }),
          );
        return;
      } catch {
        const source = await clients
          .s3(REGION)
          .send(
            new HeadObjectCommand({ Bucket: bucket, Key: PROBE_KEY, VersionId: probe.VersionId }),
          );
        if (source.ReplicationStatus === 'FAILED') {
          scriptRetries++;
          probe = await putProbe();
        }
        await sleep(2000);
      }
    }
  };
  const scriptStarted = Date.now();
  let scriptDone = 0;
  await pooled(names, scriptConcurrency, async (name) => {
    await scriptProtectedBucket(name);
    if (++scriptDone % 25 === 0) console.log(`plain script: ${scriptDone}/${count}`);
  });
  const scriptSeconds = (Date.now() - scriptStarted) / 1000;
  console.log(`plain script: ${count} in ${round(scriptSeconds, 1)} s`);

  // 2. The operator process.
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(stack.kubeconfig);
  shareConnections(kc);
  await kc
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } });
  const buckets = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace);
  const logFile = join(stack.dir, 'operator.log');
  const operator = startProcess(
    'operator',
    join(repoRoot, 'node_modules/.bin/node'),
    [
      join(repoRoot, 'bench/protectedbucket-operator.ts'),
      stack.kubeconfig,
      namespace,
      String(workers),
    ],
    logFile,
    {
      ...process.env,
      SEAWALL_BENCH_ENDPOINT: stack.awsEndpoint,
      SEAWALL_BENCH_CREDENTIALS: JSON.stringify(await credentialsOf(OPERATOR_ACCOUNT)),
    },
  );
  let httpPort = 0;
  for (let i = 0; i < 150 && !httpPort; i++) {
    await sleep(200);
    const line = readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes('httpPort'));
    if (line) httpPort = JSON.parse(line).httpPort;
  }
  if (!httpPort) throw new Error(`operator did not start; see ${logFile}`);
  await sleep(5000);
  const atRestEmpty = memoryOf(operator.pid);
  let sampledPeak = atRestEmpty.rssMiB;
  const sampler = setInterval(() => {
    try {
      sampledPeak = Math.max(sampledPeak, memoryOf(operator.pid).rssMiB);
    } catch {}
  }, 250);

  const scrape = async () => {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const byOperation: Record<string, number> = {};
    for (const m of text.matchAll(
      /^seawall_aws_calls_total\{service="([^"]+)",operation="([^"]+)",outcome="success"\} (\d+)/gm,
    ))
      byOperation[m[2] ?? ''] = (byOperation[m[2] ?? ''] ?? 0) + Number(m[3]);
    const reconciles = [
      ...text.matchAll(
        /^seawall_reconcile_total\{kind="ProtectedBucket",result="([^"]+)"\} (\d+)/gm,
      ),
    ].reduce((sum, m) => sum + Number(m[2]), 0);
    const errors = [
      ...text.matchAll(/^seawall_aws_calls_total\{[^}]*outcome="error"\} (\d+)/gm),
    ].reduce((total, m) => total + Number(m[1]), 0);
    return { byOperation, reconciles, errors };
  };
  const perPb = (
    after: Record<string, number>,
    before: Record<string, number>,
    want: (op: string) => boolean,
  ) =>
    Object.fromEntries(
      Object.entries(after)
        .filter(([op]) => want(op))
        .map(([op, n]) => [op, round((n - (before[op] ?? 0)) / count, 2)])
        .filter(([, n]) => Number(n) > 0)
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

  const beforeConverge = await scrape();
  const started = Date.now();
  await pooled(names, 16, async (name) => {
    await buckets.create(
      aProtectedBucket(name, {
        bucketName: `sw-${run}-o-${name}`,
        region: REGION,
        backup: { bucketName: `sw-${run}-o-${name}-bk`, region: BACKUP_REGION },
      }),
    );
  });
  for (;;) {
    await sleep(1000);
    const ready = (await buckets.list()).filter(isReady).length;
    if (ready >= count) break;
    if (Date.now() - started > 60 * 60_000)
      throw new Error(`only ${ready}/${count} Ready after 60 minutes`);
  }
  const operatorSeconds = (Date.now() - started) / 1000;
  const afterConverge = await scrape();
  console.log(`operator: ${count} Ready in ${round(operatorSeconds, 1)} s`);

  // At rest with N objects: 20 s without anything to do.
  await sleep(20_000);
  const atRestConverged = memoryOf(operator.pid);

  // Steady state: one requested drift check of every object.
  const beforeCheck = await scrape();
  const at = new Date().toISOString();
  await pooled(names, 16, async (name) => {
    await buckets.patch(name, {
      metadata: { annotations: { [Annotations.reconcileRequestedAt]: at } },
    });
  });
  const checkStarted = Date.now();
  for (;;) {
    await sleep(1000);
    const items = await buckets.list();
    if (
      items.filter((o) => (o.status?.drift?.lastCheckTime ?? '') >= at.slice(0, 19)).length >= count
    )
      break;
  }
  await sleep(3000); // let a second reconcile per object show, if there is one
  const checkSeconds = (Date.now() - checkStarted) / 1000;
  const afterCheck = await scrape();
  clearInterval(sampler);
  const end = memoryOf(operator.pid);
  await operator.stop();

  const operatorWrites = perPb(
    afterConverge.byOperation,
    beforeConverge.byOperation,
    (op) => !isReadOperation(op),
  );
  const scriptWrites = Object.fromEntries(
    Object.entries(scriptCalls)
      .filter(([op]) => !isReadOperation(op))
      .map(([op, n]) => [op, round(n / count, 2)])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
  const checkReads = perPb(afterCheck.byOperation, beforeCheck.byOperation, isReadOperation);
  const result = {
    benchmark: 'protectedbucket-scale',
    protectedBuckets: count,
    withBackup: true,
    workers,
    scriptConcurrency,
    converge: {
      operatorSeconds: round(operatorSeconds, 1),
      plainScriptSeconds: round(scriptSeconds, 1),
      ratio: round(operatorSeconds / scriptSeconds, 2),
      goalRatio: 1.2,
      operatorWritesPerProtectedBucket: operatorWrites,
      plainScriptWritesPerProtectedBucket: scriptWrites,
      operatorReadsPerProtectedBucket: round(
        sum(perPb(afterConverge.byOperation, beforeConverge.byOperation, isReadOperation)),
        1,
      ),
      plainScriptReadsPerProtectedBucket: round(
        sum(Object.fromEntries(Object.entries(scriptCalls).filter(([op]) => isReadOperation(op)))) /
          count,
        1,
      ),
      plainScriptFailedCallsRetried: scriptRetries,
      operatorFailedCalls: afterConverge.errors - beforeConverge.errors,
      reconciles: afterConverge.reconciles - beforeConverge.reconciles,
    },
    steadyState: {
      reconciles: afterCheck.reconciles - beforeCheck.reconciles,
      seconds: round(checkSeconds, 1),
      readsPerProtectedBucket: round(sum(checkReads), 2),
      writes: sum(
        perPb(afterCheck.byOperation, beforeCheck.byOperation, (op) => !isReadOperation(op)),
      ),
      readsByOperationPerProtectedBucket: checkReads,
      goal: 14,
    },
    operatorRssMiB: {
      atRestEmpty: atRestEmpty.rssMiB,
      atRestConverged: atRestConverged.rssMiB,
      peakVmHWM: end.peakRssMiB,
      peakSampled250ms: sampledPeak,
      end: end.rssMiB,
      goal: { atRest: 160, peak: 256 },
    },
    machine: { cpus: cpus().length, node: process.version },
    emulator: 'strict local AWS (moto_server, single process), shared by both sides',
  };
  printTable(`ProtectedBucket scale: ${count} with a backup, ${workers} workers`, [
    {
      'operator converge (s)': result.converge.operatorSeconds,
      'plain script (s)': result.converge.plainScriptSeconds,
      ratio: result.converge.ratio,
      'check reads/PB': result.steadyState.readsPerProtectedBucket,
      'check reconciles': result.steadyState.reconciles,
      'RSS empty/converged/peak (MiB)': `${atRestEmpty.rssMiB}/${atRestConverged.rssMiB}/${end.peakRssMiB}`,
    },
  ]);
  console.log(JSON.stringify({ operatorWrites, scriptWrites }));
  let previous: { runs?: (typeof result)[] } = {};
  try {
    previous = JSON.parse(readFileSync(join(resultsDir, 'protectedbucket-scale.json'), 'utf8'));
  } catch {}
  const runs = [...(previous.runs ?? []).filter((r) => r.protectedBuckets !== count), result].sort(
    (a, b) => a.protectedBuckets - b.protectedBuckets,
  );
  console.log(`wrote ${writeResults('protectedbucket-scale', { runs })}`);
} finally {
  await stack.stop();
}
