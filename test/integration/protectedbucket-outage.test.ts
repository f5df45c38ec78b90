// The local AWS going away during a reconcile: transient errors (never Stalled), then
// recovery once it is back, with nothing duplicated.
//  1. An outage in front of it (a proxy that stops listening and drops connections, its
//     state intact): the reconcile dies between CreateKey and CreateAlias; the retry
//     after the outage finds the orphaned key by its tags: one key per purpose.
//  2. The strict local AWS itself killed mid-reconcile and restarted on the same port.
import { mkdtempSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { isolatedAccount } from '../harness/aws.ts';
import { eventually, stackInfo, uniqueName } from '../harness/kube.ts';
import { freePort, type ManagedProcess } from '../harness/processes.ts';
import { startStrictAws } from '../harness/stack.ts';
import { type FaultMatch, StrictAws } from '../harness/strict-aws.ts';
import { converge, ownedKeys, pbObject, reconcile } from './protectedbucket-fixtures.ts';

const NS = 'pb-outage';
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';

function spec(bucket: string): ProtectedBucketSpec {
  return {
    bucketName: bucket,
    region: REGION,
    backup: { bucketName: `${bucket}-bk`, region: BACKUP_REGION },
  };
}

/** A TCP forwarder that can stop listening (and cut every connection) and come back. */
class Outage {
  readonly port: number;
  readonly target: number;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  constructor(port: number, target: number) {
    this.port = port;
    this.target = target;
  }
  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }
  async down(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Runs `work` while the first call matching `match` hangs in the local AWS; once that call
 * is held there, `cut` takes the network (or the whole AWS) away, and the hung call is let
 * go into the outage. Returns what `work` returned.
 */
async function cutOffAt<T>(
  strict: StrictAws,
  match: FaultMatch,
  work: () => Promise<T>,
  cut: () => Promise<void>,
): Promise<T> {
  const fault = await strict.addFault({ match, effect: 'hang', seconds: null, count: 1 });
  const running = work();
  await eventually(async () =>
    (await strict.faults()).some((f) => f.id === fault.id && f.hits > 0) ? true : undefined,
  );
  await cut();
  // Let the held call go (a killed server has nothing left to let go).
  await strict.clearFaults({ id: fault.id }).catch(() => 0);
  return running;
}

describe('ProtectedBucket when the emulator goes away', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('an outage between CreateKey and CreateAlias: transient, then one key per purpose', async () => {
    const awsPort = Number(new URL(stackInfo().awsEndpoint).port);
    const outage = new Outage(await freePort(), awsPort);
    await outage.up();
    cleanups.push(() => outage.down());
    const endpoint = `http://127.0.0.1:${outage.port}`;
    const account = await isolatedAccount({ endpoint });
    const { credentials } = account.operator;
    const clients = () =>
      new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1', maxAttempts: 2 });
    const bucket = uniqueName('sw-outage');
    const name = uniqueName('pb');
    const object = pbObject(NS, name, spec(bucket));
    const reconciler = createProtectedBucketReconciler({ aws: clients() });

    // The network goes away right after CreateKey: the call after it hangs, and meanwhile
    // every connection is cut.
    const direct = new StrictAws(stackInfo().awsEndpoint);
    const match = { service: 'kms', operation: 'CreateAlias', account: account.accountId };
    const during = await cutOffAt(
      direct,
      match,
      () => reconcile(reconciler, object),
      () => outage.down(),
    );
    expect(during.outcome).toBe('retrying');
    expect(during.error).toMatchObject({ kind: 'transient', reason: 'AwsUnreachable' });
    const ready = during.status.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('False');
    expect(during.status.conditions?.find((c) => c.type === 'Stalled')).toBeUndefined();
    expect(during.status.conditions?.find((c) => c.type === 'Reconciling')?.status).toBe('True');

    // Still down: the next attempt is transient too (the controller backs off per key and
    // writes the status each time: its create journal holds the new key's id).
    expect(during.status.pendingCreations?.[0]?.id).toMatch(/^arn:aws:kms:/);
    const still = await reconcile(
      createProtectedBucketReconciler({ aws: clients() }),
      during.object,
    );
    expect(still.error).toMatchObject({ kind: 'transient', reason: 'AwsUnreachable' });

    await outage.up();
    const after = await converge(createProtectedBucketReconciler({ aws: clients() }), still.object);
    expect(after.error).toBeUndefined();
    expect(after.outcome).toBe('ready');
    const owner = `${NS}/ProtectedBucket/${name}`;
    const aws = clients();
    expect(await ownedKeys(aws.kms(REGION), owner)).toHaveLength(1);
    expect(await ownedKeys(aws.kms(BACKUP_REGION), owner)).toHaveLength(1);
  });

  it('the local AWS killed mid-reconcile and restarted on the same port: transient, then Ready', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const logFile = join(mkdtempSync(join(tmpdir(), 'seawall-strict-aws-')), 'strict-aws.log');
    const start = () => startStrictAws(port, logFile);
    let aws: ManagedProcess = await start();
    cleanups.push(() => aws.stop('SIGKILL'));
    const account = await isolatedAccount({ endpoint });
    let { credentials } = account.operator;
    const clients = () =>
      new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1', maxAttempts: 2 });
    const bucket = uniqueName('sw-killed');
    const name = uniqueName('pb');
    const object = pbObject(NS, name, spec(bucket));

    // The local AWS dies right after CreateKey (and comes back empty).
    const killed = await cutOffAt(
      account.strict,
      { service: 'kms', operation: 'CreateAlias', account: account.accountId },
      () => reconcile(createProtectedBucketReconciler({ aws: clients() }), object),
      () => aws.stop('SIGKILL'),
    );
    expect(killed.error).toMatchObject({ kind: 'transient', reason: 'AwsUnreachable' });

    aws = await start();
    // moto keeps its state in memory: the restarted one starts empty (the operator's role
    // too, which the person sets up again). The key the journal names never shows: Seawall
    // waits for it as long as AWS may take to propagate a new key (here 8 s: more than the
    // local AWS's 3 s IAM window, which the new replication role then meets), saying so in
    // status, then builds everything again — once.
    credentials = (await isolatedAccount({ endpoint, accountId: account.accountId })).operator
      .credentials;
    const waiting = await reconcile(
      createProtectedBucketReconciler({ aws: clients() }),
      killed.object,
    );
    expect(waiting.status.awaiting?.what).toMatch(/^new KMS key arn:aws:kms:/);
    const after = await converge(
      createProtectedBucketReconciler({ aws: clients() }),
      waiting.object,
      { deps: { propagationTimeoutMs: 8000 } },
    );
    expect(after.error).toBeUndefined();
    expect(after.outcome).toBe('ready');
    const owner = `${NS}/ProtectedBucket/${name}`;
    expect(await ownedKeys(clients().kms(REGION), owner)).toHaveLength(1);
    expect(await ownedKeys(clients().kms(BACKUP_REGION), owner)).toHaveLength(1);
  });
});
