// The guardrails at admission, for real: the chart's ValidatingAdmissionPolicy (rendered
// by helm, bound only to this test's namespace) applied to the test stack's API server
// (kube-apiserver 1.36, admissionregistration.k8s.io/v1), with a real AwsAccount as its
// param. Each escape attempt is refused before the object is stored, the message naming
// the rule; an object inside the grant is admitted; other AwsAccounts (other namespaces'
// grants) change nothing.
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../scripts/deploy-files.ts';
import { costMonitorKind } from '../../src/api/costmonitor.ts';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { qualityPipelineKind } from '../../src/api/qualitypipeline.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import {
  aCostMonitor,
  aProtectedBucket,
  aQualityPipeline,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import { awsAccounts } from './accounts-fixtures.ts';

const exec = promisify(execFile);
const REGION = 'ca-central-1';

describe('guardrails at admission (the chart ValidatingAdmissionPolicy)', () => {
  const kc = adminKubeConfig();
  const accounts = awsAccounts(kc);
  const objectsApi = k8s.KubernetesObjectApi.makeApiClient(kc);
  const release = uniqueName('gr');
  const team = uniqueName('parks');
  const accountName = `${team}-data`;
  const strangers = `${team}-strangers`;
  let ns: string;
  let applied: k8s.KubernetesObject[] = [];

  beforeAll(async () => {
    ns = await createNamespace(kc, 'gr');
    await kc
      .makeApiClient(k8s.CoreV1Api)
      .patchNamespace(
        { name: ns, body: { metadata: { labels: { 'seawall-test/guardrails': release } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    await accounts.create(accountName, {
      accountId: '111111111111',
      regions: [REGION, 'us-east-1'],
      namespaces: [
        {
          names: [ns],
          default: true,
          bucketPrefixes: [`${team}-`],
          kmsAliasPrefixes: [`alias/${team}/`],
          glueRoles: ['arn:aws:iam::111111111111:role/seawall/parks-*'],
        },
      ],
    });
    // Another team's account: a param the policy also evaluates, granting nothing here.
    await accounts.create(strangers, {
      accountId: '222222222222',
      regions: ['eu-west-1'],
      namespaces: [{ names: ['roads'], default: true, bucketPrefixes: ['roads-'] }],
    });
    const helm = execFileSync('bash', [join(repoRoot, 'scripts/install-helm.sh')], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop() as string;
    const { stdout } = await exec(helm, [
      'template',
      release,
      join(repoRoot, 'helm/seawall'),
      '--namespace',
      'seawall-system',
      '--set',
      'image.repository=seawall',
      '--show-only',
      'templates/guardrails-policy.yaml',
      '--set-json',
      `guardrails.namespaceSelector={"matchLabels":{"seawall-test/guardrails":"${release}"}}`,
    ]);
    const docs = parseAllDocuments(stdout)
      .map((d) => d.toJS() as k8s.KubernetesObject)
      .filter(Boolean);
    expect(docs.map((d) => d.kind)).toEqual([
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
    for (const doc of docs) applied.push(await objectsApi.create(doc));
  });

  afterAll(async () => {
    for (const o of applied.reverse()) await objectsApi.delete(o).catch(() => {});
    applied = [];
    await accounts.delete(accountName).catch(() => {});
    await accounts.delete(strangers).catch(() => {});
  });

  const refusal = (create: () => Promise<unknown>) =>
    create()
      .then(() => 'admitted')
      .catch((error: { body?: string }) => error.body ?? String(error));

  const pbs = () => seawallObjects(kc, protectedBucketKind, ns);
  const qps = () => seawallObjects(kc, qualityPipelineKind, ns);
  const cms = () => seawallObjects(kc, costMonitorKind, ns);

  it('refuses each escape attempt, naming the rule; admits what the grant allows', async () => {
    // The policy takes a moment to be loaded by the API server: wait for a refusal.
    await eventually(
      async () => {
        const out = await refusal(() =>
          pbs().create(
            aProtectedBucket(uniqueName('probe'), { bucketName: 'roads-probe', region: REGION }),
          ),
        );
        return out.includes('BucketOutsidePrefixes') ? out : undefined;
      },
      { timeoutMs: 30_000, what: 'the policy to refuse a foreign prefix' },
    );

    const attempts: [string, () => Promise<unknown>, string][] = [
      [
        "another team's prefix",
        () => pbs().create(aProtectedBucket('a1', { bucketName: 'roads-raw', region: REGION })),
        'BucketOutsidePrefixes: spec.bucketName roads-raw',
      ],
      [
        'adopting an existing bucket without mayAdopt',
        () =>
          pbs().create(
            aProtectedBucket('a2', {
              bucketName: `${team}-old`,
              region: REGION,
              adoptExisting: true,
            }),
          ),
        'AdoptionNotAllowed',
      ],
      [
        'a KMS alias outside the prefixes',
        () =>
          pbs().create(
            aProtectedBucket('a3', {
              bucketName: `${team}-k`,
              region: REGION,
              encryption: { alias: 'alias/roads/shared' },
            }),
          ),
        'KmsAliasOutsidePrefixes',
      ],
      [
        'a backup bucket outside the prefixes',
        () =>
          pbs().create(
            aProtectedBucket('a4', {
              bucketName: `${team}-b`,
              region: REGION,
              backup: { bucketName: 'everyone-backups', region: 'us-east-1' },
            }),
          ),
        'BackupBucketOutsidePrefixes',
      ],
      [
        'a region the account does not declare',
        () =>
          pbs().create(aProtectedBucket('a5', { bucketName: `${team}-r`, region: 'eu-west-1' })),
        'RegionNotAllowed',
      ],
      [
        'a Glue role not allowed',
        () =>
          qps().create(
            aQualityPipeline('a6', {
              source: { bucketName: `${team}-raw`, prefix: 'raw/' },
              rules: 'Rules = [ RowCount > 0 ]',
              engine: 'glue',
              glue: { roleArn: 'arn:aws:iam::111111111111:role/Admin' },
            }),
          ),
        'GlueRoleNotAllowed',
      ],
      [
        "a QualityPipeline reading another team's bucket",
        () =>
          qps().create(
            aQualityPipeline('a7', {
              source: { bucketName: 'roads-raw', prefix: 'raw/' },
              rules: 'Rules = [ RowCount > 0 ]',
            }),
          ),
        'BucketOutsidePrefixes: spec.source.bucketName roads-raw',
      ],
      [
        "a CostMonitor trail over another team's bucket",
        () =>
          cms().create(
            aCostMonitor('a8', {
              region: REGION,
              auditTrail: { name: 'sneaky', logBucket: { existingBucketName: 'roads-logs' } },
            }),
          ),
        'TrailBucketOutsidePrefixes',
      ],
      [
        'an account not granted to the namespace',
        () =>
          pbs().create(
            aProtectedBucket('a9', {
              bucketName: 'roads-x',
              region: 'eu-west-1',
              account: strangers,
            }),
          ),
        `AccountNotGranted: AwsAccount ${strangers} does not grant namespace ${ns}`,
      ],
    ];
    for (const [what, create, rule] of attempts) {
      expect(await refusal(create), what).toContain(rule);
    }
    // Nothing refused was stored (probes admitted before the policy loaded aside).
    const stored = (await pbs().list())
      .map((o) => o.metadata.name)
      .filter((n) => !n?.startsWith('probe-'));
    expect(stored).toEqual([]);

    // Inside the grant: admitted.
    expect(
      await refusal(() =>
        pbs().create(
          aProtectedBucket('ok', {
            bucketName: `${team}-ok`,
            region: REGION,
            encryption: { alias: `alias/${team}/ok` },
          }),
        ),
      ),
    ).toBe('admitted');
    // An update that breaks the grant is refused too.
    expect(
      await refusal(() => pbs().patch('ok', { spec: { encryption: { alias: 'alias/roads/x' } } })),
    ).toContain('KmsAliasOutsidePrefixes');
  });
});
