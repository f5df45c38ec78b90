// helm/seawall: `helm lint`, `helm template`, values.schema.json, and the default render
// matching manifests/ in substance (same objects, RBAC rules, security context, probes,
// args). The render also passes a server-side dry-run against the local API server.
// What a platform team expects of the chart (cert-manager's and ACK's are the bar): PDB,
// PrometheusRule, ServiceMonitor, overridable security contexts, a grace period derived
// from shutdownGrace, leader election required for replicas > 1, a namespace-scoped mode,
// aggregated edit/view roles, an image by tag or digest — each checked by rendering.
// helm is built from its Go module by scripts/install-helm.sh (cached per version).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ruleGroup } from '../../scripts/alerts.ts';
import { aggregatedRules, clusterRoleRules } from '../../scripts/deploy-files.ts';
import { kinds } from '../../src/api/kinds.ts';
import { stackInfo } from '../harness/kube.ts';
import { repoRoot } from '../harness/stack.ts';

const exec = promisify(execFile);
const chart = join(repoRoot, 'helm/seawall');

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered YAML is walked freely in assertions
  [key: string]: any;
}

const docs = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null);

describe('helm/seawall', () => {
  let helm: string;
  /** The image repository is required (no public registry holds the image). */
  const IMAGE = ['--set', 'image.repository=seawall'];
  const template = async (...args: string[]) =>
    docs(
      (
        await exec(
          helm,
          ['template', 'seawall', chart, '--namespace', 'seawall-system', ...IMAGE, ...args],
          { maxBuffer: 64 * 1024 * 1024 },
        )
      ).stdout,
    );
  const deploymentOf = (objs: Obj[]) => {
    const d = objs.find((o) => o.kind === 'Deployment');
    if (!d) throw new Error('no Deployment');
    return d;
  };

  beforeAll(() => {
    helm = execFileSync('bash', [join(repoRoot, 'scripts/install-helm.sh')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop() as string;
  });

  it('passes helm lint --strict, with the defaults and with every option set', async () => {
    await exec(helm, ['lint', '--strict', chart, ...IMAGE]);
    await exec(helm, [
      'lint',
      '--strict',
      chart,
      ...IMAGE,
      '--set',
      `image.digest=sha256:${'a'.repeat(64)}`,
      '--set',
      'metrics.prometheusRule.enabled=true',
      '--set',
      'podDisruptionBudget.minAvailable=1',
      '--set',
      'serviceAccount.irsaRoleArn=arn:aws:iam::111122223333:role/seawall',
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'watchNamespaces={data,finance}',
      '--set',
      'aws.endpoint=http://moto.local:5000',
    ]);
  });

  it('renders the same objects as manifests/ by default, in substance', async () => {
    const chartObjs = await template('--include-crds');
    const { stdout } = await exec('kubectl', ['kustomize', join(repoRoot, 'manifests')], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // The chart installs into the release namespace (`helm install --create-namespace`).
    const kustomized = docs(stdout).filter((o) => o.kind !== 'Namespace');
    // kustomize does not know the admission policy kinds are cluster-scoped and sets the
    // namespace on them; the API server drops it (rbac.test.ts applies manifests/).
    const clusterScoped = new Set([
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
    const ids = (objs: Obj[]) =>
      objs
        .map(
          (o) =>
            `${o.kind}/${clusterScoped.has(o.kind) ? '' : (o.metadata.namespace ?? '')}/${o.metadata.name}`,
        )
        .sort();
    expect(ids(chartObjs)).toEqual(ids(kustomized));

    const pick = (objs: Obj[], kind: string, name?: string) => {
      const found = objs.find((o) => o.kind === kind && (!name || o.metadata.name === name));
      if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
      return found;
    };
    // CRDs: byte-for-byte the same objects.
    for (const crd of kustomized.filter((o) => o.kind === 'CustomResourceDefinition'))
      expect(pick(chartObjs, crd.kind, crd.metadata.name).spec).toEqual(crd.spec);
    // RBAC: the same rules, subjects and role refs.
    for (const kind of ['ClusterRole', 'Role'])
      for (const o of kustomized.filter((x) => x.kind === kind))
        expect(pick(chartObjs, kind, o.metadata.name).rules).toEqual(o.rules);
    // The guardrails policy: the same spec (the chart binds it to every namespace by default).
    for (const kind of clusterScoped)
      for (const o of kustomized.filter((x) => x.kind === kind))
        expect(pick(chartObjs, kind, o.metadata.name).spec).toEqual(o.spec);
    for (const kind of ['ClusterRoleBinding', 'RoleBinding'])
      for (const o of kustomized.filter((x) => x.kind === kind)) {
        const c = pick(chartObjs, kind, o.metadata.name);
        expect(c.roleRef).toEqual(o.roleRef);
        expect(c.subjects).toEqual(o.subjects);
      }
    expect(pick(chartObjs, 'ServiceAccount').metadata.annotations ?? {}).toEqual(
      pick(kustomized, 'ServiceAccount').metadata.annotations ?? {},
    );
    // Deployment: everything but labels/selectors (the chart adds the instance label).
    const cd = pick(chartObjs, 'Deployment', 'seawall').spec;
    const kd = pick(kustomized, 'Deployment', 'seawall').spec;
    expect(cd.replicas).toBe(kd.replicas);
    expect(cd.strategy).toEqual(kd.strategy);
    const cp = cd.template.spec;
    const kp = kd.template.spec;
    for (const field of [
      'serviceAccountName',
      'securityContext',
      'terminationGracePeriodSeconds',
      'volumes',
    ])
      expect(cp[field], field).toEqual(kp[field]);
    const cc = cp.containers[0];
    const kc = kp.containers[0];
    for (const field of [
      'name',
      'image',
      'imagePullPolicy',
      'args',
      'env',
      'ports',
      'livenessProbe',
      'readinessProbe',
      'resources',
      'securityContext',
      'volumeMounts',
    ])
      expect(cc[field], field).toEqual(kc[field]);
    // Service: same ports.
    expect(pick(chartObjs, 'Service').spec.ports).toEqual(pick(kustomized, 'Service').spec.ports);
  });

  it('applies the options: IRSA, namespaces, region, endpoint, drift, workers, log level, ServiceMonitor', async () => {
    const objs = await template(
      '--set',
      'serviceAccount.irsaRoleArn=arn:aws:iam::111122223333:role/seawall',
      '--set',
      'watchNamespaces={data,finance}',
      '--set',
      'aws.region=ca-central-1',
      '--set',
      'aws.endpoint=http://moto.local:5000',
      '--set',
      'driftInterval=5m',
      '--set',
      'workers=8',
      '--set',
      'logLevel=debug',
      '--set',
      'replicaCount=3',
      '--set',
      'image.repository=registry.example/seawall',
      '--set',
      'image.tag=1.2.3',
      '--set',
      'metrics.serviceMonitor.enabled=true',
    );
    const sa = objs.find((o) => o.kind === 'ServiceAccount');
    expect(sa?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::111122223333:role/seawall',
    );
    const deployment = objs.find((o) => o.kind === 'Deployment');
    const container = deployment?.spec.template.spec.containers[0];
    expect(deployment?.spec.replicas).toBe(3);
    expect(container.image).toBe('registry.example/seawall:1.2.3');
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--namespaces=data,finance',
        '--drift-interval=5m',
        '--workers=8',
        '--log-level=debug',
      ]),
    );
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'AWS_REGION', value: 'ca-central-1' },
        { name: 'AWS_ENDPOINT_URL', value: 'http://moto.local:5000' },
      ]),
    );
    const monitor = objs.find((o) => o.kind === 'ServiceMonitor');
    expect(monitor?.spec.endpoints[0].port).toBe('http-metrics');
  });

  it('turns on event-driven drift detection with driftEvents.enabled', async () => {
    const args = async (...set: string[]) =>
      (await template(...set.flatMap((s) => ['--set', s]))).find((o) => o.kind === 'Deployment')
        ?.spec.template.spec.containers[0].args as string[];
    expect((await args()).filter((a) => a.startsWith('--drift-events'))).toEqual([]);
    expect(await args('driftEvents.enabled=true', 'driftEvents.backstopInterval=2h')).toEqual(
      expect.arrayContaining([
        '--drift-events=true',
        '--drift-backstop-interval=2h',
        '--drift-events-silence=15m',
        '--drift-events-heartbeat=5m',
      ]),
    );
  });

  it.each([
    ['driftEvents.silence=soon', /silence/],
    ['replicaCount=0', /replicaCount/],
    ['logLevel=loud', /logLevel/],
    ['driftInterval=often', /driftInterval/],
    ['serviceAccount.irsaRoleArn=not-an-arn', /irsaRoleArn/],
    ['nosuchvalue=1', /nosuchvalue/],
    ['image.digest=latest', /digest/],
    ['shutdownGrace=30', /shutdownGrace/],
    ['podDisruptionBudget.maxUnavialable=1', /maxUnavialable/],
    // Two replicas without a Lease would both reconcile.
    ['leaderElection.enabled=false', /leaderElection|allOf/],
  ])('values.schema.json refuses %s', async (value, message) => {
    await expect(template('--set', value)).rejects.toThrow(message);
  });

  it('one replica without leader election is fine', async () => {
    const objs = await template('--set', 'replicaCount=1', '--set', 'leaderElection.enabled=false');
    expect(deploymentOf(objs).spec.template.spec.containers[0].args).toContain(
      '--leader-elect=false',
    );
    expect(objs.filter((o) => o.kind === 'Role')).toEqual([]);
  });

  it('needs an image repository, and pulls by tag or by digest', async () => {
    await expect(
      exec(helm, ['template', 'seawall', chart, '--namespace', 'seawall-system']),
    ).rejects.toThrow(/image.repository is required.*docs\/install.md/);
    const ecr = '111122223333.dkr.ecr.ca-central-1.amazonaws.com/seawall';
    const image = async (...args: string[]) =>
      deploymentOf(await template('--set', `image.repository=${ecr}`, ...args)).spec.template.spec
        .containers[0].image;
    expect(await image()).toBe(`${ecr}:0.1.0`);
    expect(await image('--set', 'image.tag=0.2.0')).toBe(`${ecr}:0.2.0`);
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    expect(await image('--set', 'image.tag=0.2.0', '--set', `image.digest=${digest}`)).toBe(
      `${ecr}@${digest}`,
    );
  });

  it('kustomize takes a digest too (an overlay of manifests/)', async () => {
    const overlay = mkdtempSync(join(tmpdir(), 'seawall-overlay-'));
    const digest = `sha256:${'fedcba9876543210'.repeat(4)}`;
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      `resources:\n  - ${relative(overlay, join(repoRoot, 'manifests'))}\nimages:\n  - name: seawall\n    newName: registry.example/seawall\n    digest: ${digest}\n`,
    );
    const { stdout } = await exec('kubectl', ['kustomize', overlay], {
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(deploymentOf(docs(stdout)).spec.template.spec.containers[0].image).toBe(
      `registry.example/seawall@${digest}`,
    );
  });

  it('has a PodDisruptionBudget: one replica at a time (or minAvailable)', async () => {
    const pdb = (objs: Obj[]) => objs.find((o) => o.kind === 'PodDisruptionBudget');
    expect(pdb(await template())?.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: deploymentOf(await template()).spec.selector.matchLabels },
    });
    expect(pdb(await template('--set', 'podDisruptionBudget.minAvailable=1'))?.spec).toMatchObject({
      minAvailable: 1,
    });
    expect(pdb(await template('--set', 'podDisruptionBudget.enabled=false'))).toBeUndefined();
  });

  it('derives terminationGracePeriodSeconds from shutdownGrace (+15 s)', async () => {
    for (const [grace, seconds] of [
      ['30s', 45],
      ['1m', 75],
      ['1m30s', 105],
      ['5s', 20],
    ] as const) {
      const spec = deploymentOf(await template('--set', `shutdownGrace=${grace}`)).spec.template
        .spec;
      expect(spec.terminationGracePeriodSeconds, grace).toBe(seconds);
      expect(spec.containers[0].args).toContain(`--shutdown-grace=${grace}`);
    }
  });

  it('sizes /tmp for embedded data-quality runs and tells each run its share', async () => {
    const scratch = (objs: Obj[]) => {
      const spec = deploymentOf(objs).spec.template.spec;
      return {
        sizeLimit: spec.volumes.find((v: Obj) => v.name === 'tmp')?.emptyDir?.sizeLimit,
        runDiskLimit: spec.containers[0].env.find((e: Obj) => e.name === 'SEAWALL_DQ_DISK_LIMIT')
          ?.value,
        memory: spec.containers[0].resources.limits.memory,
      };
    };
    expect(scratch(await template())).toEqual({
      sizeLimit: '2Gi',
      runDiskLimit: '1536Mi',
      memory: '1Gi',
    });
    expect(
      scratch(
        await template('--set', 'scratch.sizeLimit=8Gi', '--set', 'scratch.runDiskLimit=7Gi'),
      ),
    ).toMatchObject({ sizeLimit: '8Gi', runDiskLimit: '7Gi' });
    await expect(template('--set', 'scratch.sizeLimit=lots')).rejects.toThrow(/sizeLimit/);
  });

  it('lets pod and container security contexts be overridden (OpenShift assigns UIDs)', async () => {
    const openshift = deploymentOf(
      await template(
        '--set',
        'podSecurityContext.runAsUser=null',
        '--set',
        'podSecurityContext.runAsGroup=null',
        '--set',
        'podSecurityContext.fsGroup=null',
      ),
    ).spec.template.spec;
    expect(openshift.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const custom = deploymentOf(
      await template('--set', 'securityContext.readOnlyRootFilesystem=false'),
    ).spec.template.spec.containers[0].securityContext;
    expect(custom).toMatchObject({
      readOnlyRootFilesystem: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('renders the documented alerts as a PrometheusRule, and scrapes with honorLabels', async () => {
    const objs = await template(
      '--set',
      'metrics.prometheusRule.enabled=true',
      '--set',
      'metrics.prometheusRule.labels.release=kube-prometheus-stack',
      '--set',
      'metrics.serviceMonitor.enabled=true',
    );
    const rule = objs.find((o) => o.kind === 'PrometheusRule');
    expect(rule?.metadata).toMatchObject({ labels: { release: 'kube-prometheus-stack' } });
    // Exactly the rules of scripts/alerts.ts, Prometheus templates intact after Helm.
    expect(rule?.spec).toEqual({ groups: [ruleGroup()] });
    expect(objs.find((o) => o.kind === 'ServiceMonitor')?.spec.endpoints[0].honorLabels).toBe(true);
    expect((await template()).some((o) => o.kind === 'PrometheusRule')).toBe(false);
  });

  it('watchNamespaces is a namespace-scoped install: a Role in each namespace, no ClusterRole for the operator', async () => {
    const objs = await template('--set', 'watchNamespaces={data,finance}');
    const operatorRules = clusterRoleRules(
      kinds
        .filter((k) => k.scope !== 'Cluster')
        .map((k) => ({ group: 'seawall.dev', plural: k.plural })),
      { namespaces: false },
    ).map(({ why: _, ...r }) => r);
    const roles = objs.filter((o) => o.kind === 'Role' && o.metadata.name === 'seawall-operator');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['data', 'finance']);
    for (const role of roles) expect(role.rules).toEqual(operatorRules);
    const bindings = objs.filter(
      (o) => o.kind === 'RoleBinding' && o.metadata.name === 'seawall-operator',
    );
    expect(bindings.map((b) => [b.metadata.namespace, b.subjects[0].namespace])).toEqual([
      ['data', 'seawall-system'],
      ['finance', 'seawall-system'],
    ]);
    expect(
      objs.filter((o) => o.metadata.name === 'seawall-operator' && o.kind.startsWith('Cluster')),
    ).toEqual([]);
    // What has no namespace (AwsAccounts, namespaces' labels): one ClusterRole, read and
    // status only — no Seawall kind a team creates is reachable through it.
    const accounts = objs.find(
      (o) => o.kind === 'ClusterRole' && o.metadata.name === 'seawall-operator-accounts',
    );
    expect(accounts?.rules.flatMap((r: { resources: string[] }) => r.resources)).toEqual([
      'awsaccounts',
      'awsaccounts/status',
      'awsaccounts/finalizers',
      'namespaces',
    ]);
    expect(
      objs.find(
        (o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'seawall-operator-accounts',
      )?.subjects[0].namespace,
    ).toBe('seawall-system');
    expect(deploymentOf(objs).spec.template.spec.containers[0].args).toContain(
      '--namespaces=data,finance',
    );
  });

  it('aggregates edit/admin and view roles for the three kinds (people, not the operator)', async () => {
    const objs = await template();
    const edit = objs.find((o) => o.metadata.name === 'seawall-edit');
    const view = objs.find((o) => o.metadata.name === 'seawall-view');
    const plurals = kinds.map((k) => ({
      group: 'seawall.dev',
      plural: k.plural,
      ...(k.scope ? { scope: k.scope } : {}),
    }));
    expect(edit?.metadata).toMatchObject({
      labels: {
        'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
        'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
      },
    });
    expect(edit?.rules).toEqual(aggregatedRules(plurals).edit);
    expect(view?.metadata).toMatchObject({
      labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
    });
    expect(view?.rules).toEqual(aggregatedRules(plurals).view);
    expect(
      (await template('--set', 'rbac.aggregateToDefaultRoles=false')).some(
        (o) => o.metadata.name === 'seawall-edit',
      ),
    ).toBe(false);
  });

  it('the default render passes a server-side dry-run', async () => {
    const { kubeconfig } = stackInfo();
    await exec('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'apply',
      '-f',
      join(repoRoot, 'manifests', 'namespace.yaml'),
    ]);
    const { stdout } = await exec(
      helm,
      ['template', 'seawall', chart, '--namespace', 'seawall-system', ...IMAGE],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const file = join(mkdtempSync(join(tmpdir(), 'seawall-helm-')), 'render.yaml');
    writeFileSync(file, stdout);
    const out = await exec('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'apply',
      '--dry-run=server',
      '-f',
      file,
    ]);
    expect(out.stdout.match(/\(server dry run\)/g)?.length).toBe(docs(stdout).length);
  });
});
