// The published JSON Schemas (schemas/, generated from src/api) as platform teams use
// them: kubeconform -strict, built from its Go module (scripts/install-kubeconform.sh),
// over the corpus the API server judges (validate-corpus.ts). kubeconform must agree with
// the API server on every case, except the ones JSON Schema cannot express — named here,
// so the gap can neither grow nor shrink unnoticed. On those kubeconform accepts what the
// API server refuses (never the reverse): `seawall validate` and the API server catch them.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { API_VERSION, GROUP, VERSION } from '../../src/api/common.ts';
import { kindByName } from '../../src/api/kinds.ts';
import { adminKubeConfig, createNamespace } from '../harness/kube.ts';
import { repoRoot } from '../harness/stack.ts';
import { cases } from './validate-corpus.ts';

const exec = promisify(execFile);

/** Refused by the API server through rules JSON Schema has no words for. */
const JSON_SCHEMA_CANNOT: Record<string, string> = {
  'pb-backup-same-region': 'compares two fields (backup.region != region)',
  'pb-backup-same-name': 'compares two fields (backup.bucketName != bucketName)',
  'pb-drift-interval-zero': 'a duration range (CEL duration())',
  'pb-drift-interval-29s': 'a duration range (CEL duration())',
  'pb-drift-interval-500ms': 'a duration range (CEL duration())',
  'pb-drift-interval-25h': 'a duration range (CEL duration())',
  'pb-drift-interval-days': 'a duration range (CEL duration())',
  'cm-drift-interval-too-short': 'a duration range (CEL duration())',
  'pb-tag-keys-differ-in-case': 'keys unique regardless of case',
  'cm-duplicate-threshold-names': 'list items unique by a key (x-kubernetes-list-type: map)',
};

interface KubeconformResult {
  name: string;
  kind: string;
  status: string;
  msg?: string;
}

describe('kubeconform with the published JSON Schemas agrees with the API server', () => {
  let custom: k8s.CustomObjectsApi;
  let namespace: string;
  let results: Map<string, KubeconformResult>;
  const judged = cases.filter((c) => !c.seawallOnly);

  beforeAll(async () => {
    const kc = adminKubeConfig();
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    namespace = await createNamespace(kc, 'json-schema-agree');
    const kubeconform = execFileSync('bash', [join(repoRoot, 'scripts/install-kubeconform.sh')], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop() as string;
    const file = join(mkdtempSync(join(tmpdir(), 'seawall-kubeconform-')), 'corpus.yaml');
    writeFileSync(
      file,
      judged
        .map((c) =>
          // YAML 1.1, as kubeconform (and kubectl) read it: 'yes' stays a string.
          stringify(
            { apiVersion: API_VERSION, kind: c.kind, metadata: { name: c.name }, spec: c.spec },
            { version: '1.1' },
          ),
        )
        .join('---\n'),
    );
    // Exit 1 when any resource is invalid: the verdicts are in the JSON either way.
    const { stdout } = await exec(
      kubeconform,
      [
        '-strict',
        '-output',
        'json',
        '-verbose',
        '-schema-location',
        join(repoRoot, 'schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json'),
        file,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const parsed = JSON.parse(stdout) as { resources: KubeconformResult[] };
    results = new Map(parsed.resources.map((r) => [r.name, r]));
  });

  it('judges every case of the corpus', () => {
    expect([...results.keys()].sort()).toEqual(judged.map((c) => c.name).sort());
    for (const r of results.values()) expect(['statusValid', 'statusInvalid']).toContain(r.status);
  });

  it.each(judged.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const def = kindByName(c.kind);
    if (!def) throw new Error(`no kind ${c.kind}`);
    let apiServerRefuses = false;
    let message = '';
    try {
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: def.plural,
        body: { apiVersion: API_VERSION, kind: c.kind, metadata: { name: c.name }, spec: c.spec },
        dryRun: 'All',
        fieldValidation: 'Strict',
      });
    } catch (error) {
      const e = error as { code?: number; body?: string };
      if (e.code !== 400 && e.code !== 422) throw error;
      apiServerRefuses = true;
      message = String(e.body);
    }
    const result = results.get(c.name);
    const kubeconformRefuses = result?.status === 'statusInvalid';
    const explain = `kubeconform: ${result?.status} ${result?.msg ?? ''}\napi server: ${message}`;
    if (c.name in JSON_SCHEMA_CANNOT) {
      expect({ apiServerRefuses, kubeconformRefuses }, explain).toEqual({
        apiServerRefuses: true,
        kubeconformRefuses: false,
      });
    } else {
      expect(kubeconformRefuses, explain).toBe(apiServerRefuses);
    }
  });

  it('the gap is the named cases only', () => {
    const unknown = Object.keys(JSON_SCHEMA_CANNOT).filter(
      (n) => !judged.some((c) => c.name === n),
    );
    expect(unknown).toEqual([]);
    // Printed for the report: how much of the corpus kubeconform judges as the API server does.
    console.log(
      `kubeconform agrees with the API server on ${judged.length - Object.keys(JSON_SCHEMA_CANNOT).length} of ${judged.length} cases; ${Object.keys(JSON_SCHEMA_CANNOT).length} need the API server or seawall validate`,
    );
  });
});
