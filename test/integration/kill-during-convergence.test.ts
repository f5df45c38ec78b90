// The operator killed (SIGKILL) again and again while 40 ProtectedBuckets with backups
// converge on the strict local AWS: every object ends Ready, with exactly one KMS key per
// purpose in each region — and a restart costs what was interrupted: the key-list search
// runs only for creates the journal shows interrupted, never across the account.
//
// The operator is the real `seawall run` process, acting as the operator role (exactly the
// generated IAM policy).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProtectedBucket, protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import {
  adminKubeConfig,
  createNamespace,
  eventually,
  stackInfo,
  uniqueName,
} from '../harness/kube.ts';
import { freePort, type ManagedProcess, startProcess } from '../harness/processes.ts';
import {
  aProtectedBucket,
  condition,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import { repoRoot } from '../harness/stack.ts';
import { ownedKeys } from './protectedbucket-fixtures.ts';

const OBJECTS = 40;
const KILLS = 8;
const REGION = 'ca-central-1';
const BACKUP_REGION = 'us-west-2';
const nodeBin = join(repoRoot, 'node_modules', '.bin', 'node');

describe('SIGKILL during convergence', () => {
  let namespace: string;
  let account: TestAccount;
  let buckets: SeawallObjects<ProtectedBucket>;
  let dir: string;
  let operator: ManagedProcess | undefined;
  let port: number;

  beforeAll(async () => {
    const kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'kill-converge');
    buckets = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace);
    account = await isolatedAccount();
    dir = mkdtempSync(join(tmpdir(), 'seawall-kill-'));
    port = await freePort();
  });
  afterAll(async () => {
    await operator?.stop('SIGKILL');
  });

  const start = (run: number) => {
    const { credentials } = account.operator;
    operator = startProcess(
      `seawall-${run}`,
      nodeBin,
      [
        join(repoRoot, 'src/cli/main.ts'),
        'run',
        '--kubeconfig',
        stackInfo().kubeconfig,
        '--namespaces',
        namespace,
        '--leader-elect',
        'false',
        '--http-port',
        String(port),
        '--workers',
        '4',
      ],
      join(dir, `operator-${run}.log`),
      {
        ...process.env,
        AWS_ENDPOINT_URL: account.endpoint,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken ?? '',
        AWS_REGION: 'us-east-1',
      },
    );
    return operator;
  };

  const counter = async (service: string, operation: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const re = new RegExp(
      `^seawall_aws_calls_total\\{service="${service}",operation="${operation}",outcome="[a-z]+"\\} (\\d+)`,
      'gm',
    );
    return [...text.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0);
  };

  it(`${OBJECTS} ProtectedBuckets with backups, ${KILLS} kills: all Ready, one key per purpose, restarts cost what was interrupted`, async () => {
    const names: string[] = [];
    for (let i = 0; i < OBJECTS; i++) {
      const name = uniqueName('pb');
      names.push(name);
      const bucket = uniqueName('sw-kill');
      await buckets.create(
        aProtectedBucket(name, {
          bucketName: bucket,
          region: REGION,
          backup: { bucketName: `${bucket}-bk`, region: BACKUP_REGION },
        }),
      );
    }

    for (let run = 1; run <= KILLS; run++) {
      const proc = start(run);
      // Let it work for 1-4 s, somewhere in the middle of creating things, then kill it.
      await new Promise((r) => setTimeout(r, 1000 + Math.floor(Math.random() * 3000)));
      await proc.stop('SIGKILL');
    }

    // What the journals say was interrupted: creates started and never recorded.
    const interrupted = (await Promise.all(names.map((n) => buckets.get(n))))
      .flatMap((pb) => pb.status?.pendingCreations ?? [])
      .filter((e) => e.resource.startsWith('KMS key for ') && e.id === undefined).length;

    start(KILLS + 1);
    await eventually(
      async () => {
        const all = await Promise.all(names.map((n) => buckets.get(n)));
        const ready = all.filter((pb) => condition(pb, 'Ready')?.status === 'True');
        return ready.length === OBJECTS ? true : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 2000, what: `all ${OBJECTS} ProtectedBuckets Ready` },
    );

    // One key per purpose: the bucket's in its region, the backup's in the other.
    const primaryKeys = await ownedKeysByOwner(REGION);
    const backupKeys = await ownedKeysByOwner(BACKUP_REGION);
    for (const name of names) {
      const owner = `${namespace}/ProtectedBucket/${name}`;
      expect(primaryKeys.get(owner) ?? 0, `${owner} in ${REGION}`).toBe(1);
      expect(backupKeys.get(owner) ?? 0, `${owner} in ${BACKUP_REGION}`).toBe(1);
    }
    // The last process searched the key list only for the interrupted creates (one
    // ListKeys page each at most), never once per object.
    expect(await counter('kms', 'ListKeys')).toBeLessThanOrEqual(interrupted);
    // Eight restarts and 40 buckets with backups: on a loaded 2-core machine this runs for
    // minutes; the waits inside bound it (600 s), not the default test timeout.
  }, 900_000);

  async function ownedKeysByOwner(region: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const keys = await ownedKeys(account.admin.clients.kms(region), undefined);
    for (const key of keys) {
      const owner = key.tags['seawall.dev/owner'] ?? '';
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    return counts;
  }
});
