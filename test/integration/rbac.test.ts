// manifests/ against the local API server (RBAC on): a server-side dry-run of everything,
// the pod template admitted under the "restricted" Pod Security Standard, and the operator
// doing its whole job authenticated as a user bound to exactly manifests/' ClusterRole and
// leader-election Role. A verb missing from those rules fails here, not in production.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FINALIZER } from '../../src/api/common.ts';
import { kinds } from '../../src/api/kinds.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';
import { recordingReconciler } from '../fixtures/recording-reconciler.ts';
import {
  adminKubeConfig,
  createNamespace,
  eventually,
  stackInfo,
  uniqueName,
} from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import { kubeconfigYaml, repoRoot } from '../harness/stack.ts';

const exec = promisify(execFile);
const group = 'seawall.dev';
const version = 'v1alpha1';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

async function kustomize(): Promise<Manifest[]> {
  const { stdout } = await exec('kubectl', ['kustomize', join(repoRoot, 'manifests')], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseAllDocuments(stdout).map((d) => d.toJS() as Manifest);
}

function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (!name || m.metadata.name === name));
  if (!found) throw new Error(`manifests/ has no ${kind} ${name ?? ''}`);
  return found;
}

describe('manifests/ against the API server', () => {
  let admin: k8s.KubeConfig;
  let manifests: Manifest[];
  let kubeconfig: string;

  beforeAll(async () => {
    admin = adminKubeConfig();
    kubeconfig = stackInfo().kubeconfig;
    manifests = await kustomize();
  });

  it('pass a server-side dry-run (kubectl apply --dry-run=server -k manifests)', async () => {
    // Namespaced objects need their namespace to exist for a dry-run: apply it for real.
    await exec('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'apply',
      '-f',
      join(repoRoot, 'manifests', 'namespace.yaml'),
    ]);
    const { stdout, stderr } = await exec('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'apply',
      '--dry-run=server',
      '-k',
      join(repoRoot, 'manifests'),
    ]);
    for (const m of manifests) {
      expect(stdout).toMatch(
        new RegExp(`${m.kind.toLowerCase()}[^ ]*/${m.metadata.name} .*\\(server dry run\\)`),
      );
    }
    // Objects created earlier without `kubectl apply` (the harness installs the CRDs with the
    // client) draw a harmless last-applied-configuration warning; anything else is a finding.
    const warnings = stderr
      .split('\n')
      .filter((l) => /warning/i.test(l) && !l.includes('last-applied-configuration'));
    expect(warnings).toEqual([]);
  });

  it('admit the operator pod under the "restricted" Pod Security Standard', async () => {
    const ns = uniqueName('psa');
    const core = admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({
      body: {
        metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      },
    });
    await core.createNamespacedServiceAccount({
      namespace: ns,
      body: { metadata: { name: 'seawall' } },
    });
    const deployment = find(manifests, 'Deployment', 'seawall') as Manifest & {
      spec: { template: { metadata: Record<string, unknown>; spec: Record<string, unknown> } };
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'seawall-psa', namespace: ns },
      spec: deployment.spec.template.spec,
    };
    const file = join(mkdtempSync(join(tmpdir(), 'seawall-psa-')), 'pod.json');
    writeFileSync(file, JSON.stringify(pod));
    const { stdout } = await exec('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'create',
      '--dry-run=server',
      '-f',
      file,
    ]);
    expect(stdout).toMatch(/pod\/seawall-psa created \(server dry run\)/);
    // The same pod without its hardening is refused: the check has teeth.
    const weak = structuredClone(pod) as unknown as {
      spec: { containers: { securityContext?: unknown }[] };
    };
    for (const c of weak.spec.containers) c.securityContext = undefined;
    writeFileSync(file, JSON.stringify(weak));
    await expect(
      exec('kubectl', ['--kubeconfig', kubeconfig, 'create', '--dry-run=server', '-f', file]),
    ).rejects.toThrow(/violates PodSecurity "restricted/);
  });
});

describe('the operator authenticated as a user bound to exactly the manifests/ RBAC', () => {
  let admin: k8s.KubeConfig;
  let manifests: Manifest[];
  let rbac: k8s.RbacAuthorizationV1Api;
  const operators: Operator[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'seawall-rbac-'));

  beforeAll(async () => {
    admin = adminKubeConfig();
    rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
    manifests = await kustomize();
  });
  const bindings: string[] = [];
  // RBAC is additive and every test binds the same user: unbind after each test, so the
  // next one sees only its own rules.
  afterEach(async () => {
    for (const op of operators.splice(0)) await op.stop(1000);
    for (const name of bindings.splice(0)) await rbac.deleteClusterRoleBinding({ name });
  });

  /** Binds the operator user to the manifests' ClusterRole and leader-election Role (in `namespace`). */
  async function bindOperatorUser(
    namespace: string,
    edit: (rules: PolicyRule[]) => PolicyRule[] = (r) => r,
  ): Promise<k8s.KubeConfig> {
    const { operatorUser, apiServerUrl, caFile } = stackInfo();
    const subject = {
      kind: 'User',
      apiGroup: 'rbac.authorization.k8s.io',
      name: operatorUser.name,
    };
    const clusterRole = find(manifests, 'ClusterRole', 'seawall-operator') as Manifest & {
      rules: PolicyRule[];
    };
    const role = find(manifests, 'Role', 'seawall-leader-election') as Manifest & {
      rules: PolicyRule[];
    };
    // Unique names: test files share the API server, and each test binds its own rules.
    const name = uniqueName('seawall-operator');
    await rbac.createClusterRole({
      body: { metadata: { name }, rules: edit(structuredClone(clusterRole.rules)) },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [subject],
      },
    });
    bindings.push(name);
    await rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name: role.metadata.name, namespace }, rules: role.rules },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: role.metadata.name, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
        subjects: [subject],
      },
    });
    const file = join(dir, `${name}.kubeconfig`);
    writeFileSync(
      file,
      kubeconfigYaml(apiServerUrl, caFile, operatorUser.name, operatorUser.token),
    );
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(file);
    return kc;
  }

  /** A recording reconciler per kind (so every kind is watched) that also records an Event. */
  function reconcilers() {
    const pb = recordingReconciler();
    const withEvent: Reconciler<never, never> = {
      ...pb,
      reconcile: async (request) => {
        request.events.normal('RbacTest', 'reconciled as seawall-operator');
        return pb.reconcile(request);
      },
    };
    const others = kinds
      .filter((k) => k.kind !== 'ProtectedBucket')
      .map((kind) => ({ ...recordingReconciler(), kind }) as Reconciler<never, never>);
    return { pb, all: [withEvent, ...others] };
  }

  const leaderElection = (namespace: string) => ({
    namespace,
    name: 'seawall-leader',
    leaseDurationMs: 3000,
    renewDeadlineMs: 2000,
    retryPeriodMs: 500,
  });

  const createPb = (namespace: string, name: string) =>
    admin.makeApiClient(k8s.CustomObjectsApi).createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'protectedbuckets',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'ProtectedBucket',
        metadata: { name },
        spec: { bucketName: `${name}-b`, region: 'ca-central-1', deletionPolicy: 'Delete' },
      },
    });

  const readPb = async (namespace: string, name: string) =>
    (await admin.makeApiClient(k8s.CustomObjectsApi).getNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'protectedbuckets',
      name,
    })) as {
      metadata: { finalizers?: string[] };
      status?: { conditions?: { type: string; status: string }[] };
    };

  it('leads, watches every kind, adds the finalizer, writes status, records Events, finalizes', async () => {
    const namespace = await createNamespace(admin, 'rbac');
    const kc = await bindOperatorUser(namespace);
    const { pb, all } = reconcilers();
    const op = await startTestOperator({
      kc,
      namespace,
      reconcilers: all,
      leaderElection: leaderElection(namespace),
      httpPort: 0,
      httpHost: '127.0.0.1',
    });
    operators.push(op);
    // Watches synced for every kind (list + watch allowed): /readyz says so.
    const ready = await fetch(`http://127.0.0.1:${op.httpPort}/readyz`);
    expect(ready.status).toBe(200);
    await eventually(async () => (op.isLeader() ? true : undefined), { what: 'leadership' });
    const lease = await admin
      .makeApiClient(k8s.CoordinationV1Api)
      .readNamespacedLease({ name: 'seawall-leader', namespace });
    expect(lease.spec?.holderIdentity).toBeTruthy();

    const name = uniqueName('pb');
    await createPb(namespace, name);
    const obj = await eventually(
      async () => {
        const o = await readPb(namespace, name);
        return o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
          ? o
          : undefined;
      },
      { what: 'Ready written by the operator user' },
    );
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    expect(pb.stats.perObject.get(name)).toBeGreaterThan(0);

    const events = await eventually(
      async () => {
        const list = await admin
          .makeApiClient(k8s.CoreV1Api)
          .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
        return list.items.some((e) => e.reason === 'RbacTest') ? list.items : undefined;
      },
      { what: 'an Event created by the operator user' },
    );
    expect(events.length).toBeGreaterThan(0);

    // Lease renewals (update) keep it the leader past a few lease durations.
    await new Promise((r) => setTimeout(r, 4000));
    expect(op.isLeader()).toBe(true);

    await admin.makeApiClient(k8s.CustomObjectsApi).deleteNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'protectedbuckets',
      name,
    });
    await eventually(
      async () => {
        try {
          await readPb(namespace, name);
          return undefined;
        } catch (error) {
          return (error as { code?: number }).code === 404 ? true : undefined;
        }
      },
      { what: 'finalizer removed by the operator user' },
    );
    expect(pb.stats.finalized).toContain(name);
  });

  it('has every verb it needs cluster-wide (all namespaces) and nothing it should not', async () => {
    const namespace = await createNamespace(admin, 'rbac-can-i');
    const kc = await bindOperatorUser(namespace);
    const file = join(dir, `can-i-${namespace}.kubeconfig`);
    writeFileSync(file, kc.exportConfig());
    const canI = async (...args: string[]) => {
      try {
        await exec('kubectl', ['--kubeconfig', file, 'auth', 'can-i', ...args]);
        return true;
      } catch {
        return false;
      }
    };
    const checks: [string[], boolean][] = [];
    for (const k of kinds) {
      const resource = `${k.plural}.${group}`;
      for (const verb of ['get', 'list', 'watch', 'patch'])
        checks.push([[verb, resource, '--all-namespaces'], true]);
      checks.push([['patch', resource, '--subresource=status', '--all-namespaces'], true]);
      checks.push([['get', resource, '--subresource=status', '--all-namespaces'], true]);
      checks.push([
        ['update', `${resource}`, '--subresource=finalizers', '--all-namespaces'],
        true,
      ]);
      for (const verb of ['create', 'delete', 'update', 'deletecollection'])
        checks.push([[verb, resource, '--all-namespaces'], false]);
    }
    checks.push(
      [['create', 'events', '--all-namespaces'], true],
      [['patch', 'events', '--all-namespaces'], true],
      [['delete', 'events', '--all-namespaces'], false],
      [['create', 'leases.coordination.k8s.io', '-n', namespace], true],
      [['get', 'leases.coordination.k8s.io/seawall-leader', '-n', namespace], true],
      [['update', 'leases.coordination.k8s.io/seawall-leader', '-n', namespace], true],
      [['update', 'leases.coordination.k8s.io/other', '-n', namespace], false],
      [['delete', 'leases.coordination.k8s.io/seawall-leader', '-n', namespace], false],
      [['create', 'leases.coordination.k8s.io', '-n', 'default'], false],
    );
    for (const denied of ['secrets', 'configmaps', 'pods', 'customresourcedefinitions', 'leases'])
      checks.push([['get', denied, '--all-namespaces'], false]);
    const results = await Promise.all(
      checks.map(async ([args, want]) => ({
        args: args.join(' '),
        want,
        got: await canI(...args),
      })),
    );
    expect(results.filter((r) => r.got !== r.want)).toEqual([]);
  });

  it('a ClusterRole missing one verb (patch on status) fails: the object never turns Ready', async () => {
    const namespace = await createNamespace(admin, 'rbac-missing');
    const kc = await bindOperatorUser(namespace, (rules) =>
      rules.map((r) =>
        r.resources?.some((x) => x.endsWith('/status'))
          ? { ...r, verbs: r.verbs.filter((v) => v !== 'patch') }
          : r,
      ),
    );
    const { all } = reconcilers();
    operators.push(
      await startTestOperator({
        kc,
        namespace,
        reconcilers: all,
        leaderElection: leaderElection(namespace),
      }),
    );
    const name = uniqueName('pb');
    await createPb(namespace, name);
    await expect(
      eventually(
        async () => {
          const o = await readPb(namespace, name);
          return o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
            ? o
            : undefined;
        },
        { timeoutMs: 6000, what: 'Ready' },
      ),
    ).rejects.toThrow(/timed out/);
    // The finalizer (patch on the object itself) was still allowed.
    expect((await readPb(namespace, name)).metadata.finalizers).toContain(FINALIZER);
  });
});
