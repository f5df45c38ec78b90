// helm/seawall: `helm lint`, `helm template`, values.schema.json, and the default render
// matching manifests/ in substance (same objects, RBAC rules, security context, probes,
// args). The render also passes a server-side dry-run against the local API server.
// helm is built from its Go module by scripts/install-helm.sh (cached per version).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
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
  const template = async (...args: string[]) =>
    docs(
      (
        await exec(helm, ['template', 'seawall', chart, '--namespace', 'seawall-system', ...args], {
          maxBuffer: 64 * 1024 * 1024,
        })
      ).stdout,
    );

  beforeAll(() => {
    helm = execFileSync('bash', [join(repoRoot, 'scripts/install-helm.sh')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop() as string;
  });

  it('passes helm lint --strict, with the defaults and with every option set', async () => {
    await exec(helm, ['lint', '--strict', chart]);
    await exec(helm, [
      'lint',
      '--strict',
      chart,
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
    const ids = (objs: Obj[]) =>
      objs.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
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

  it.each([
    ['replicaCount=0', /replicaCount/],
    ['logLevel=loud', /logLevel/],
    ['driftInterval=often', /driftInterval/],
    ['serviceAccount.irsaRoleArn=not-an-arn', /irsaRoleArn/],
    ['nosuchvalue=1', /nosuchvalue/],
  ])('values.schema.json refuses %s', async (value, message) => {
    await expect(template('--set', value)).rejects.toThrow(message);
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
      ['template', 'seawall', chart, '--namespace', 'seawall-system'],
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
