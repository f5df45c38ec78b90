// The strict local AWS's per-request overhead: a simple call loop against plain
// moto_server and against the strict server (same moto, same machine), requests per
// second each. Calls: S3 HeadBucket and KMS DescribeKey, sequential, as the account's
// administrator (rules and bucket/key policies run, identity policies do not) and, on the
// strict server, as a role held to its IAM policy (the operator's case).
//
//   node bench/strict-aws.ts [--calls 400]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import { assumeRole } from '../test/harness/aws.ts';
import { freePort, startProcess, waitUntilReady } from '../test/harness/processes.ts';
import { repoRoot, startStrictAws } from '../test/harness/stack.ts';
import { StrictAws } from '../test/harness/strict-aws.ts';
import { printTable, round, writeResults } from './lib.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '400' } } });
const calls = Number(values.calls);
const dir = mkdtempSync(join(tmpdir(), 'seawall-bench-strict-'));

async function plainMoto(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const motoServer = execFileSync('bash', [join(repoRoot, 'scripts', 'install-moto.sh')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop() as string;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = startProcess(
    'moto_server',
    motoServer,
    ['-H', '127.0.0.1', '-p', String(port)],
    join(dir, 'moto.log'),
  );
  await waitUntilReady(proc, async () => (await fetch(`${endpoint}/moto-api/`)).ok, 60_000);
  return { endpoint, stop: () => proc.stop() };
}

async function strict(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const proc = await startStrictAws(port, join(dir, 'strict-aws.log'));
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => proc.stop() };
}

interface Loop {
  server: string;
  identity: string;
  call: string;
  requestsPerSecond: number;
}

async function loop(
  label: { server: string; identity: string },
  endpoint: string,
  credentials: AwsCredentialIdentity,
  bucket: string,
  keyId: string,
): Promise<Loop[]> {
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  const kms = new KMSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const out: Loop[] = [];
  for (const [name, send] of [
    ['s3:HeadBucket', () => s3.send(new HeadBucketCommand({ Bucket: bucket }))],
    ['kms:DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyId }))],
  ] as const) {
    for (let i = 0; i < 20; i++) await send(); // warm-up: connections, moto's lazy imports
    const start = performance.now();
    for (let i = 0; i < calls; i++) await send();
    const seconds = (performance.now() - start) / 1000;
    out.push({ ...label, call: name, requestsPerSecond: round(calls / seconds) });
  }
  return out;
}

async function setUp(endpoint: string, withRole: boolean) {
  const accountId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
  const admin = await assumeRole(endpoint, `arn:aws:iam::${accountId}:role/bench-admin`, 'bench');
  const bucket = `bench-${accountId}`;
  await new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: admin,
    forcePathStyle: true,
  }).send(new CreateBucketCommand({ Bucket: bucket }));
  const keyId =
    (
      await new KMSClient({ endpoint, region: 'us-east-1', credentials: admin }).send(
        new CreateKeyCommand({}),
      )
    ).KeyMetadata?.KeyId ?? '';
  let role: AwsCredentialIdentity | undefined;
  if (withRole) {
    const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: admin });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'bench-operator',
        // Trusts its account: the account's administrator (admin) may assume it (rule o).
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${accountId}:root` },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'bench-operator',
        PolicyName: 'bench',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:ListBucket', 'kms:DescribeKey'], Resource: '*' },
          ],
        }),
      }),
    );
    await new StrictAws(endpoint).settle(accountId);
    role = await assumeRole(
      endpoint,
      `arn:aws:iam::${accountId}:role/bench-operator`,
      'bench',
      admin,
    );
  }
  return { admin, role, bucket, keyId, accountId };
}

const rows: Loop[] = [];
const moto = await plainMoto();
try {
  const a = await setUp(moto.endpoint, false);
  rows.push(
    ...(await loop(
      { server: 'moto_server', identity: 'admin' },
      moto.endpoint,
      a.admin,
      a.bucket,
      a.keyId,
    )),
  );
} finally {
  await moto.stop();
}
const server = await strict();
try {
  const a = await setUp(server.endpoint, true);
  await new StrictAws(server.endpoint).settle(a.accountId);
  rows.push(
    ...(await loop(
      { server: 'strict', identity: 'admin' },
      server.endpoint,
      a.admin,
      a.bucket,
      a.keyId,
    )),
  );
  if (a.role)
    rows.push(
      ...(await loop(
        { server: 'strict', identity: 'role (IAM policy)' },
        server.endpoint,
        a.role,
        a.bucket,
        a.keyId,
      )),
    );
} finally {
  await server.stop();
}

printTable(
  `Strict local AWS overhead: ${calls} sequential calls each`,
  rows.map((r) => ({ ...r })),
);
const base = (call: string) =>
  rows.find((r) => r.server === 'moto_server' && r.call === call)?.requestsPerSecond ?? 0;
const summary = rows
  .filter((r) => r.server === 'strict')
  .map((r) => ({ ...r, relativeToMoto: round(r.requestsPerSecond / base(r.call), 2) }));
printTable('Relative to plain moto_server', summary);
console.log(
  `\nwrote ${writeResults('strict-aws', { calls, date: new Date().toISOString(), rows, summary })}`,
);
