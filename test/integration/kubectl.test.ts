// What `kubectl get` shows (the real kubectl against the real API server and the CRDs
// generated from src/api): READY and STATUS (the Ready message) at a glance, NEXT RUN for
// QualityPipelines, secondary columns only with -o wide; and conditions as a map list.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { qualityPipelineKind } from '../../src/api/qualitypipeline.ts';
import { adminKubeConfig, createNamespace, stackInfo, uniqueName } from '../harness/kube.ts';
import {
  aProtectedBucket,
  aQualityPipeline,
  readyCondition,
  seawallObjects,
} from '../harness/seawall-objects.ts';

const exec = promisify(execFile);

/** `kubectl get` as a table: header cells and the first row's cells (split on 2+ spaces). */
async function kubectlGet(namespace: string, ...args: string[]) {
  const { stdout } = await exec('kubectl', [
    '--kubeconfig',
    stackInfo().kubeconfig,
    '-n',
    namespace,
    'get',
    ...args,
  ]);
  const [header = '', row = ''] = stdout.trim().split('\n');
  return { header: header.split(/\s{2,}/), row: row.split(/\s{2,}/) };
}

describe('kubectl get', () => {
  let kc: k8s.KubeConfig;
  let namespace: string;

  beforeAll(async () => {
    kc = adminKubeConfig();
    namespace = await createNamespace(kc, 'kubectl');
  });

  it('ProtectedBucket: READY and STATUS at a glance, the rest with -o wide', async () => {
    const pbs = seawallObjects(kc, protectedBucketKind, namespace);
    const name = uniqueName('pb');
    await pbs.create(
      aProtectedBucket(name, {
        bucketName: `${name}-b`,
        region: 'ca-central-1',
        backup: { bucketName: `${name}-backup`, region: 'us-west-2' },
      }),
    );
    await pbs.patchStatus(name, {
      conditions: [
        { ...readyCondition(false), reason: 'NotOwned', message: 'bucket x is not Seawall’s' },
      ],
      // Corrected an hour ago; the last check found nothing.
      drift: { count: 0, lastCorrectedTime: new Date(Date.now() - 3_600_000).toISOString() },
    });
    const narrow = await kubectlGet(namespace, 'pb', name);
    expect(narrow.header).toEqual([
      'NAME',
      'BUCKET',
      'REGION',
      'DRIFT',
      'CORRECTED',
      'READY',
      'STATUS',
      'AGE',
    ]);
    expect(narrow.row.slice(0, 7)).toEqual([
      name,
      `${name}-b`,
      'ca-central-1',
      '0',
      '60m',
      'False',
      'bucket x is not Seawall’s',
    ]);
    const wide = await kubectlGet(namespace, 'pb', name, '-o', 'wide');
    expect(wide.header).toEqual([
      'NAME',
      'BUCKET',
      'REGION',
      'DRIFT',
      'CORRECTED',
      'READY',
      'STATUS',
      'AGE',
      'BACKUP',
      'KEY',
      'VERSIONING',
    ]);
    expect(wide.row).toContain(`${name}-backup`);
  });

  it('QualityPipeline: NEXT RUN, and no more than seven columns without -o wide', async () => {
    const qps = seawallObjects(kc, qualityPipelineKind, namespace);
    const name = uniqueName('qp');
    await qps.create(
      aQualityPipeline(name, {
        source: { bucketRef: { name: 'raw' }, prefix: 'raw/' },
        rules: 'Rules = [ IsComplete "id" ]',
      }),
    );
    await qps.patchStatus(name, {
      conditions: [{ ...readyCondition(true), message: 'Next run at 2026-12-07T02:00:00.000Z' }],
      nextRunTime: '2026-12-07T02:00:00Z',
    });
    const narrow = await kubectlGet(namespace, 'qp', name);
    expect(narrow.header).toEqual([
      'NAME',
      'SCORE',
      'LAST RUN',
      'NEXT RUN',
      'READY',
      'STATUS',
      'AGE',
    ]);
    expect(narrow.row).toContain('2026-12-07T02:00:00Z');
    expect(narrow.row).toContain('Next run at 2026-12-07T02:00:00.000Z');
    const wide = await kubectlGet(namespace, 'qp', name, '-o', 'wide');
    expect(wide.header.slice(7)).toEqual([
      'DRIFT',
      'CORRECTED',
      'ENGINE',
      'SCHEDULE',
      'STATE',
      'TRUSTED',
      'QUARANTINED',
    ]);
  });

  it('keeps conditions a map by type: two Ready conditions are refused', async () => {
    const pbs = seawallObjects(kc, protectedBucketKind, namespace);
    const name = uniqueName('pb');
    await pbs.create(aProtectedBucket(name));
    await expect(
      pbs.patchStatus(name, { conditions: [readyCondition(true), readyCondition(false)] }),
    ).rejects.toThrow(/Duplicate value/);
  });
});
