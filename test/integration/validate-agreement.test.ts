// `seawall validate` must agree with the API server: every object it accepts the API
// server accepts (fieldValidation Strict, dry run), every object it refuses the API server
// refuses, and where one field is at fault both name it. The corpus (validate-corpus.ts)
// covers AWS's naming, tag and region rules, the drift-interval bounds and the schedule.
// Transition rules (oldSelf: immutable fields) need a stored object: the API server's
// refusal is checked to name each field (fieldPath). DQDL, and what only the operator's
// cron parser sees, are checked by seawall alone (cases marked seawallOnly).
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, VERSION } from '../../src/api/common.ts';
import { kindByName } from '../../src/api/kinds.ts';
import { validateObject } from '../../src/api/validate.ts';
import { adminKubeConfig, createNamespace } from '../harness/kube.ts';
import { cases, immutableCases } from './validate-corpus.ts';

interface Refusal {
  message: string;
  fields: string[];
}

/** The API server's verdict on creating `body` (dry run, strict field validation). */
async function apiServerVerdict(
  custom: k8s.CustomObjectsApi,
  namespace: string,
  plural: string,
  body: object,
): Promise<Refusal | undefined> {
  try {
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural,
      body,
      dryRun: 'All',
      fieldValidation: 'Strict',
    });
    return undefined;
  } catch (error) {
    return refusalOf(error);
  }
}

function refusalOf(error: unknown): Refusal {
  const e = error as { code?: number; body?: string };
  if (e.code !== 400 && e.code !== 422) throw error;
  const status = JSON.parse(String(e.body)) as {
    message: string;
    details?: { causes?: { field?: string }[] };
  };
  const fields = (status.details?.causes ?? [])
    .map((c) => c.field ?? '')
    .filter((f) => f && f !== '<nil>');
  // Strict decoding names unknown fields in the message only.
  for (const m of status.message.matchAll(/unknown field "([^"]+)"/g)) fields.push(m[1] ?? '');
  return { message: status.message, fields };
}

describe('seawall validate agrees with the API server', () => {
  let custom: k8s.CustomObjectsApi;
  let namespace: string;

  beforeAll(async () => {
    const kc = adminKubeConfig();
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    namespace = await createNamespace(kc, 'validate-agree');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const def = kindByName(c.kind);
    if (!def) throw new Error(`no kind ${c.kind}`);
    const body = {
      apiVersion: API_VERSION,
      kind: c.kind,
      metadata: { name: c.name },
      spec: c.spec,
    };
    const issues = validateObject(def, body);
    const refusal = await apiServerVerdict(custom, namespace, def.plural, body);
    const explain = `seawall: ${JSON.stringify(issues.map((i) => `${i.field}: ${i.message}`))}\napi server: ${refusal?.message}`;
    const verdict = { seawall: issues.length > 0, apiServer: refusal !== undefined };
    if (c.seawallOnly) {
      expect(verdict, explain).toEqual({ seawall: true, apiServer: false });
      return;
    }
    expect(verdict, explain).toEqual({ seawall: verdict.apiServer, apiServer: verdict.apiServer });
    // The corpus says which cases are refusals: a case can't pass by both accepting it.
    expect(verdict.apiServer, explain).toBe(
      c.field !== undefined || c.name === 'pb-missing-region',
    );
    if (c.field) {
      expect(refusal?.fields, explain).toContain(c.field);
      expect(
        issues.map((i) => i.field),
        explain,
      ).toContain(c.field);
    }
  });

  it('the corpus covers every rule of issue 13 (drift bounds, tags, names, regions)', () => {
    const names = cases.map((c) => c.name).join(' ');
    for (const part of ['drift-interval', 'tag-key', 'prefix', 'suffix', 'region', 'schedule'])
      expect(names).toContain(part);
    expect(cases.length).toBeGreaterThanOrEqual(90);
  });

  it.each(immutableCases.map((c) => [c.name, c] as const))(
    'immutable: %s is refused on its own field',
    async (_name, c) => {
      const def = kindByName(c.kind);
      if (!def) throw new Error(`no kind ${c.kind}`);
      const metadata = { name: c.name };
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: def.plural,
        body: { apiVersion: API_VERSION, kind: c.kind, metadata, spec: c.spec },
      });
      // Valid on its own: only the transition is refused.
      expect(
        validateObject(def, { apiVersion: API_VERSION, kind: c.kind, metadata, spec: c.update }),
      ).toEqual([]);
      let refusal: Refusal | undefined;
      try {
        await custom.patchNamespacedCustomObject(
          {
            group: GROUP,
            version: VERSION,
            namespace,
            plural: def.plural,
            name: c.name,
            body: { spec: c.update },
            dryRun: 'All',
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        );
      } catch (error) {
        refusal = refusalOf(error);
      }
      expect(refusal?.fields, refusal?.message).toEqual([c.field]);
      expect(refusal?.message).toMatch(/immutable/);
    },
  );

  it("a backup's Object Lock cannot be removed once set (S3 never turns it off); its retention can change", async () => {
    const def = kindByName('ProtectedBucket');
    if (!def) throw new Error('no kind ProtectedBucket');
    const name = 'pb-object-lock-removed';
    const backup = { bucketName: 'agree-locked-backup', region: 'us-west-2' };
    const spec = {
      bucketName: 'agree-locked',
      region: 'ca-central-1',
      backup: { ...backup, objectLock: { mode: 'GOVERNANCE', days: 30 } },
    };
    const target = { group: GROUP, version: VERSION, namespace, plural: def.plural };
    const created = (await custom.createNamespacedCustomObject({
      ...target,
      body: { apiVersion: API_VERSION, kind: 'ProtectedBucket', metadata: { name }, spec },
    })) as { metadata: { resourceVersion: string } };
    const replace = (next: Record<string, unknown>) =>
      custom.replaceNamespacedCustomObject({
        ...target,
        name,
        dryRun: 'All',
        body: {
          apiVersion: API_VERSION,
          kind: 'ProtectedBucket',
          metadata: { name, resourceVersion: created.metadata.resourceVersion },
          spec: next,
        },
      });
    // A longer retention, or COMPLIANCE: accepted.
    await replace({ ...spec, backup: { ...backup, objectLock: { mode: 'COMPLIANCE', days: 90 } } });
    let refusal: Refusal | undefined;
    try {
      await replace({ ...spec, backup });
    } catch (error) {
      refusal = refusalOf(error);
    }
    expect(refusal?.fields, refusal?.message).toEqual(['spec.backup.objectLock']);
    expect(refusal?.message).toContain('objectLock cannot be removed');
  });
});
