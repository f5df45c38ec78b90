// The strict local AWS's per-request overhead: a simple call loop against plain
// moto_server and against the strict server (same moto, same machine), requests per
// second each. Calls: S3 HeadBucket and KMS DescribeKey, sequential, as the account's
// administrator (rules and bucket/key policies run, identity policies do not) and, on the
// strict server, as a role held to its IAM policy (the operator's case).
// Then CloudTrail events (rule m): a burst of mutating calls (S3 PutBucketTagging, 8 in
// flight) in an account whose trail is logging, with a rule sending them to SQS, against
// the same burst in an account without a trail: calls per second each, how long after the
// last call the last event is in the queue, and how many arrived.
//
//   node bench/strict-aws.ts [--calls 400] [--events 1000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CloudTrailClient,
  CreateTrailCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentity } from '@smithy/types';
import { assumeRole } from '../test/harness/aws.ts';
import { freePort, startProcess, waitUntilReady } from '../test/harness/processes.ts';
import { repoRoot, startStrictAws } from '../test/harness/stack.ts';
import { StrictAws } from '../test/harness/strict-aws.ts';
import { pooled, printTable, round, writeResults } from './lib.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '400' },
    events: { type: 'string', default: '1000' },
  },
});
const calls = Number(values.calls);
const burst = Number(values.events);
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

interface EventBurst {
  calls: number;
  trailLogging: boolean;
  seconds: number;
  callsPerSecond: number;
  /** From the last call's answer until every event had gone to EventBridge and SQS. */
  lastEventAfterSeconds: number | null;
  eventsInQueue: number | null;
}

/** `burst` PutBucketTagging calls in an account with (or without) a logging trail and a rule to SQS. */
async function eventBurstIn(endpoint: string, logging: boolean): Promise<EventBurst> {
  const { admin, bucket, accountId } = await setUp(endpoint, false);
  const strictAws = new StrictAws(endpoint);
  await strictAws.configureAccount(accountId, { eventDeliverySeconds: 0 });
  const region = 'us-east-1';
  const s3 = new S3Client({ endpoint, region, credentials: admin, forcePathStyle: true });
  const sqs = new SQSClient({ endpoint, region, credentials: admin });
  let queueUrl = '';
  if (logging) {
    const logs = `${bucket}-logs`;
    const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/audit`;
    await s3.send(new CreateBucketCommand({ Bucket: logs }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: logs,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: `arn:aws:s3:::${logs}`,
            },
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${logs}/AWSLogs/${accountId}/*`,
              Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
            },
          ],
        }),
      }),
    );
    const cloudtrail = new CloudTrailClient({ endpoint, region, credentials: admin });
    await cloudtrail.send(new CreateTrailCommand({ Name: 'audit', S3BucketName: logs }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'audit' }));
    const ruleArn = `arn:aws:events:${region}:${accountId}:rule/drift`;
    const queueArn = `arn:aws:sqs:${region}:${accountId}:drift`;
    queueUrl =
      (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: 'drift',
            Attributes: {
              Policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Service: 'events.amazonaws.com' },
                    Action: 'sqs:SendMessage',
                    Resource: queueArn,
                    Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
                  },
                ],
              }),
            },
          }),
        )
      ).QueueUrl ?? '';
    const events = new EventBridgeClient({ endpoint, region, credentials: admin });
    await events.send(
      new PutRuleCommand({
        Name: 'drift',
        EventPattern: JSON.stringify({
          source: ['aws.s3'],
          detail: { eventName: ['PutBucketTagging'] },
        }),
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: 'drift', Targets: [{ Id: 'q', Arn: queueArn }] }),
    );
  }
  const tag = (i: number) =>
    s3.send(
      new PutBucketTaggingCommand({
        Bucket: bucket,
        Tagging: { TagSet: [{ Key: 'n', Value: String(i) }] },
      }),
    );
  for (let i = 0; i < 20; i++) await tag(i); // warm-up
  if (logging) {
    await strictAws.drainEvents({ accountId, timeoutSeconds: 60 });
    await drain(sqs, queueUrl);
  }
  const started = performance.now();
  await pooled(
    Array.from({ length: burst }, (_, i) => i),
    8,
    async (i) => void (await tag(i)),
  );
  const finished = performance.now();
  const seconds = (finished - started) / 1000;
  let lastEventAfterSeconds: number | null = null;
  let eventsInQueue: number | null = null;
  if (logging) {
    await strictAws.drainEvents({ accountId, timeoutSeconds: 120 });
    lastEventAfterSeconds = round((performance.now() - finished) / 1000, 2);
    eventsInQueue = await drain(sqs, queueUrl);
  }
  return {
    calls: burst,
    trailLogging: logging,
    seconds: round(seconds, 2),
    callsPerSecond: round(burst / seconds),
    lastEventAfterSeconds,
    eventsInQueue,
  };
}

/** Receives and deletes every message of a queue; how many there were. */
async function drain(sqs: SQSClient, queueUrl: string): Promise<number> {
  let count = 0;
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    if (!Messages?.length) return count;
    count += Messages.length;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

async function eventBurst(endpoint: string): Promise<EventBurst[]> {
  return [await eventBurstIn(endpoint, false), await eventBurstIn(endpoint, true)];
}

const rows: Loop[] = [];
let events: EventBurst[] = [];
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
  events = await eventBurst(server.endpoint);
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
printTable(
  `CloudTrail events: ${burst} PutBucketTagging calls, 8 in flight`,
  events.map((e) => ({
    ...e,
    trailLogging: e.trailLogging ? 'yes' : 'no',
    lastEventAfterSeconds: e.lastEventAfterSeconds ?? '-',
    eventsInQueue: e.eventsInQueue ?? '-',
  })),
);
console.log(
  `\nwrote ${writeResults('strict-aws', { calls, date: new Date().toISOString(), rows, summary, events })}`,
);
