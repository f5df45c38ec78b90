// The emulator going away during a reconcile: transient errors (never Stalled), then
// recovery once it is back, with nothing duplicated.
//  1. An outage in front of moto (a proxy that stops listening and drops connections,
//     moto's state intact): the reconcile dies between CreateKey and CreateAlias; the
//     retry after the outage finds the orphaned key by its tags: one key per purpose.
//  2. moto_server itself killed mid-reconcile and restarted on the same port.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProtectedBucketSpec } from '../../src/api/protectedbucket.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { createProtectedBucketReconciler } from '../../src/kinds/protectedbucket/reconciler.ts';
import { ROOT_CREDENTIALS } from '../harness/aws.ts';
import { stackInfo, uniqueName } from '../harness/kube.ts';
import {
  freePort,
  type ManagedProcess,
  startProcess,
  waitUntilReady,
} from '../harness/processes.ts';
import { repoRoot } from '../harness/stack.ts';
import { ownedKeys, pbObject, reconcile } from './protectedbucket-fixtures.ts';

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

async function accountAt(endpoint: string) {
  const accountId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: ROOT_CREDENTIALS });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/seawall-test`,
      RoleSessionName: 'outage',
    }),
  );
  return {
    accessKeyId: Credentials?.AccessKeyId ?? '',
    secretAccessKey: Credentials?.SecretAccessKey ?? '',
    sessionToken: Credentials?.SessionToken ?? '',
  };
}

describe('ProtectedBucket when the emulator goes away', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('an outage between CreateKey and CreateAlias: transient, then one key per purpose', async () => {
    const motoPort = Number(new URL(stackInfo().motoEndpoint).port);
    const outage = new Outage(await freePort(), motoPort);
    await outage.up();
    cleanups.push(() => outage.down());
    const endpoint = `http://127.0.0.1:${outage.port}`;
    const credentials = await accountAt(endpoint);
    const clients = () =>
      new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1', maxAttempts: 2 });
    const bucket = uniqueName('sw-outage');
    const name = uniqueName('pb');
    const object = pbObject(NS, name, spec(bucket));
    const reconciler = createProtectedBucketReconciler({
      aws: clients(),
      hooks: { afterCreateKey: () => outage.down() },
    });

    const during = await reconcile(reconciler, object);
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
    const after = await reconcile(
      createProtectedBucketReconciler({ aws: clients() }),
      still.object,
    );
    expect(after.error).toBeUndefined();
    expect(after.outcome).toBe('ready');
    const owner = `${NS}/ProtectedBucket/${name}`;
    const aws = clients();
    expect(await ownedKeys(aws.kms(REGION), owner)).toHaveLength(1);
    expect(await ownedKeys(aws.kms(BACKUP_REGION), owner)).toHaveLength(1);
  });

  it('moto_server killed mid-reconcile and restarted on the same port: transient, then Ready', async () => {
    const motoServer = execFileSync('bash', [join(repoRoot, 'scripts', 'install-moto.sh')], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop() as string;
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const logFile = join(mkdtempSync(join(tmpdir(), 'seawall-moto-')), 'moto.log');
    const start = async () => {
      const proc = startProcess(
        'moto_server',
        motoServer,
        ['-H', '127.0.0.1', '-p', String(port)],
        logFile,
      );
      await waitUntilReady(
        proc,
        async () => (await fetch(`${endpoint}/moto-api/`).catch(() => undefined))?.ok === true,
        60_000,
      );
      return proc;
    };
    let moto: ManagedProcess = await start();
    cleanups.push(() => moto.stop('SIGKILL'));
    const credentials = await accountAt(endpoint);
    const clients = () =>
      new AwsClients({ endpoint, credentials, defaultRegion: 'us-east-1', maxAttempts: 2 });
    const bucket = uniqueName('sw-killed');
    const name = uniqueName('pb');
    const object = pbObject(NS, name, spec(bucket));

    const killed = await reconcile(
      createProtectedBucketReconciler({
        aws: clients(),
        hooks: { afterCreateKey: () => moto.stop('SIGKILL') },
      }),
      object,
    );
    expect(killed.error).toMatchObject({ kind: 'transient', reason: 'AwsUnreachable' });

    moto = await start();
    // moto keeps its state in memory: the restarted one starts empty, so the retry
    // builds everything again — once.
    const after = await reconcile(
      createProtectedBucketReconciler({ aws: clients() }),
      killed.object,
    );
    expect(after.error).toBeUndefined();
    expect(after.outcome).toBe('ready');
    const owner = `${NS}/ProtectedBucket/${name}`;
    expect(await ownedKeys(clients().kms(REGION), owner)).toHaveLength(1);
    expect(await ownedKeys(clients().kms(BACKUP_REGION), owner)).toHaveLength(1);
  });
});
