// The local stack: etcd + kube-apiserver (the envtest way: no kubelet, no
// controller-manager) and the strict local AWS (moto with AWS's rules, see
// docs/local-aws.md), all real processes on random loopback ports. Binaries come from
// scripts/install-*.sh, which build or install them once per version and cache them
// outside the repository.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { freePort, type ManagedProcess, startProcess, waitUntilReady } from './processes.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What a test (or a person) needs to reach the stack. Plain data: it crosses processes. */
export interface StackInfo {
  dir: string;
  kubeconfig: string;
  apiServerUrl: string;
  adminToken: string;
  /** A user in no group: RBAC decides what it may do (see manifests/ tests). */
  operatorUser: { name: string; token: string };
  caFile: string;
  /** The strict local AWS (moto behind AWS's rules); its control API is under /_strict/. */
  awsEndpoint: string;
  logs: Record<string, string>;
}

export interface Stack extends StackInfo {
  processes: ManagedProcess[];
  stop(): Promise<void>;
  /** Stops kube-apiserver and starts it again on the same port, with the same etcd. */
  restartApiServer(): Promise<void>;
}

function installed(script: string): string {
  const out = execFileSync('bash', [join(repoRoot, 'scripts', script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = out.trim().split('\n').pop();
  if (!last) throw new Error(`${script} printed nothing`);
  return last;
}

function httpsOk(url: string, token: string, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}` }, ca, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

/** The plain-data part of a stack, fit to send to another process. */
export function stackInfoOf(stack: Stack): StackInfo {
  const { dir, kubeconfig, apiServerUrl, adminToken, operatorUser, caFile, awsEndpoint, logs } =
    stack;
  return { dir, kubeconfig, apiServerUrl, adminToken, operatorUser, caFile, awsEndpoint, logs };
}

/** The strict local AWS's Python package (run with the moto virtualenv's python). */
export const strictAwsDir = join(repoRoot, 'test', 'strict-aws');

/**
 * Starts the strict local AWS on a port: `python -m strict_aws` with moto's virtualenv
 * (scripts/install-moto.sh), ready once its control API answers. `settings` are flags
 * (`--iam-propagation-seconds 3` ...); defaults are AWS-like (docs/local-aws.md).
 */
export async function startStrictAws(
  port: number,
  logFile: string,
  settings: Record<string, number> = {},
): Promise<ManagedProcess> {
  const python = join(dirname(installed('install-moto.sh')), 'python');
  const flags = Object.entries(settings).flatMap(([name, value]) => [
    `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    String(value),
  ]);
  const proc = startProcess(
    'strict-aws',
    python,
    ['-m', 'strict_aws', '--host', '127.0.0.1', '--port', String(port), ...flags],
    logFile,
    { ...process.env, PYTHONPATH: strictAwsDir, PYTHONDONTWRITEBYTECODE: '1' },
  );
  await waitUntilReady(proc, () => httpOk(`http://127.0.0.1:${port}/_strict/health`), 60_000);
  return proc;
}

export interface StartOptions {
  /** Skip the local AWS (Kubernetes-only tests). */
  withAws?: boolean;
  /** Apply crds/ and wait until Established (default true). */
  installCrds?: boolean;
}

export async function startStack(options: StartOptions = {}): Promise<Stack> {
  const { withAws = true, installCrds = true } = options;
  const kubeDir = installed('install-kube.sh');

  const dir = mkdtempSync(join(tmpdir(), 'seawall-stack-'));
  const processes: ManagedProcess[] = [];
  let restartApiServer = async (): Promise<void> => {
    throw new Error('kube-apiserver is not running');
  };
  const stop = async () => {
    for (const p of [...processes].reverse()) await p.stop();
    rmSync(join(dir, 'etcd-data'), { recursive: true, force: true });
  };

  try {
    // etcd
    const [etcdClient, etcdPeer] = [await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = startProcess(
      'etcd',
      join(kubeDir, 'etcd'),
      [
        '--name=seawall-test',
        `--data-dir=${join(dir, 'etcd-data')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=seawall-test=http://127.0.0.1:${etcdPeer}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
    );
    processes.push(etcd);
    await waitUntilReady(etcd, () => httpOk(`${etcdUrl}/health`), 30_000);

    // kube-apiserver with RBAC, a static token file and a service-account key pair.
    const adminToken = randomBytes(24).toString('hex');
    const operatorToken = randomBytes(24).toString('hex');
    writeFileSync(
      join(dir, 'tokens.csv'),
      `${adminToken},seawall-admin,1,"system:masters"\n${operatorToken},seawall-operator,2\n`,
    );
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(join(dir, 'sa.pub'), publicKey);
    writeFileSync(join(dir, 'sa.key'), privateKey);
    const certDir = join(dir, 'certs');
    mkdirSync(certDir);
    const apiPort = await freePort();
    const apiServerUrl = `https://127.0.0.1:${apiPort}`;
    const caFile = join(certDir, 'apiserver.crt');
    const startApiServer = async () => {
      const apiserver = startProcess(
        'kube-apiserver',
        join(kubeDir, 'kube-apiserver'),
        [
          `--etcd-servers=${etcdUrl}`,
          `--cert-dir=${certDir}`,
          `--secure-port=${apiPort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          '--service-cluster-ip-range=10.0.0.0/24',
          '--authorization-mode=RBAC',
          `--token-auth-file=${join(dir, 'tokens.csv')}`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${join(dir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
          '--allow-privileged=true',
          '--enable-priority-and-fairness=false',
          '--v=1',
        ],
        join(dir, 'kube-apiserver.log'),
      );
      processes.push(apiserver);
      // The API server writes its self-signed serving certificate at start-up.
      await waitUntilReady(
        apiserver,
        async () => httpsOk(`${apiServerUrl}/readyz`, adminToken, readFileSync(caFile)),
        90_000,
      );
      return apiserver;
    };
    let apiserver = await startApiServer();
    restartApiServer = async () => {
      await apiserver.stop();
      processes.splice(processes.indexOf(apiserver), 1);
      apiserver = await startApiServer();
    };

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(apiServerUrl, caFile, 'seawall-admin', adminToken));

    let awsEndpoint = '';
    if (withAws) {
      const awsPort = await freePort();
      awsEndpoint = `http://127.0.0.1:${awsPort}`;
      processes.push(await startStrictAws(awsPort, join(dir, 'strict-aws.log')));
    }

    const info: StackInfo = {
      dir,
      kubeconfig,
      apiServerUrl,
      adminToken,
      operatorUser: { name: 'seawall-operator', token: operatorToken },
      caFile,
      awsEndpoint,
      logs: Object.fromEntries(processes.map((p) => [p.name, p.logFile])),
    };
    writeFileSync(join(dir, 'stack.json'), JSON.stringify(info, null, 2));
    if (installCrds) await applyCrds(kubeconfig);
    return { ...info, processes, stop, restartApiServer: () => restartApiServer() };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function kubeconfigYaml(
  server: string,
  caFile: string,
  user: string,
  token: string,
): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: seawall-local
  cluster:
    server: ${server}
    certificate-authority: ${caFile}
users:
- name: ${user}
  user:
    token: ${token}
contexts:
- name: seawall-local
  context:
    cluster: seawall-local
    user: ${user}
current-context: seawall-local
`;
}

/** Creates or replaces every CRD in crds/ and waits until each is Established. */
export async function applyCrds(kubeconfig: string): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const crdDir = join(repoRoot, 'crds');
  const names: string[] = [];
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    // loadAllYaml goes through the typed models, so JSON names (`default`) map to the
    // client's (`_default`); a plain object would lose every default on the way out.
    for (const crd of k8s.loadAllYaml(
      readFileSync(join(crdDir, file), 'utf8'),
    ) as k8s.V1CustomResourceDefinition[]) {
      const name = crd.metadata?.name ?? '';
      names.push(name);
      try {
        const existing = await api.readCustomResourceDefinition({ name });
        crd.metadata = { ...crd.metadata, resourceVersion: existing.metadata?.resourceVersion };
        await api.replaceCustomResourceDefinition({ name, body: crd });
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
        await api.createCustomResourceDefinition({ body: crd });
      }
    }
  }
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name });
      const established = crd.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      // Established is not enough: until its watch cache is ready the API server answers
      // 429 to watches of the new resource, so probe the cache (resourceVersion=0).
      if (established && (await watchCacheReady(kc, crd))) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function watchCacheReady(
  kc: k8s.KubeConfig,
  crd: k8s.V1CustomResourceDefinition,
): Promise<boolean> {
  const version = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]?.name;
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  try {
    await custom.listClusterCustomObject({
      group: crd.spec.group,
      version: version ?? 'v1',
      plural: crd.spec.names.plural,
      resourceVersion: '0',
      limit: 1,
    });
    return true;
  } catch {
    return false;
  }
}
