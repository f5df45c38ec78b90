// The examples are what people copy: they must pass `seawall validate`, build with
// kustomize's file list, and contain what the docs promise.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadResources, validateResources } from '../../src/cli/validate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = join(root, 'examples');

describe('examples', () => {
  it('every Seawall resource under examples/ passes seawall validate', () => {
    // report-only is an overlay: validate refuses to read it file by file (it is checked
    // rendered, with -k, in test/integration/package.test.ts).
    const dirs = readdirSync(examples).filter((d) => d !== 'report-only');
    const loaded = loadResources(
      dirs.map((d) => join(examples, d)),
      { cwd: root },
    );
    expect(loaded.resources.length).toBeGreaterThanOrEqual(4);
    expect(validateResources(loaded).map((p) => JSON.stringify(p))).toEqual([]);
    const overlay = loadResources([join(examples, 'report-only')], { cwd: root });
    expect(overlay.problems.map((p) => p.file)).toEqual([
      'examples/report-only/kustomization.yaml',
    ]);
  });

  it('vancouver: the data bucket in ca-central-1, backed up in another region', () => {
    const { resources } = loadResources([join(examples, 'vancouver')], { cwd: root });
    const kinds = resources.map((r) => `${r.kind}/${r.name}`).sort();
    expect(kinds).toEqual([
      'CostMonitor/platform',
      'ProtectedBucket/raw-data',
      'QualityPipeline/parking-meters',
      'QualityPipeline/street-trees',
    ]);
    const bucket = resources.find((r) => r.kind === 'ProtectedBucket')?.object as {
      spec: { region: string; backup: { region: string } };
    };
    expect(bucket.spec.region).toBe('ca-central-1');
    expect(bucket.spec.backup.region).not.toBe('ca-central-1');
    for (const qp of resources.filter((r) => r.kind === 'QualityPipeline')) {
      const spec = (qp.object as { spec: { schedule: string } }).spec;
      // Weekly: a fixed day of the week.
      expect(spec.schedule).toMatch(/^cron\(\d+ \d+ \? \* (MON|TUE|WED|THU|FRI|SAT|SUN) \*\)$/);
    }
    const monitor = resources.find((r) => r.kind === 'CostMonitor')?.object as {
      spec: Record<string, unknown>;
    };
    for (const part of ['billing', 'buckets', 'dashboard', 'auditTrail'])
      expect(monitor.spec).toHaveProperty(part);
  });

  it('every kustomization lists files that exist', () => {
    for (const dir of ['vancouver', 'flux', 'argocd', 'report-only']) {
      const file = join(examples, dir, 'kustomization.yaml');
      const k = parse(readFileSync(file, 'utf8')) as { resources: string[] };
      for (const r of k.resources)
        expect(existsSync(join(dirname(file), r)), `${dir}: ${r}`).toBe(true);
    }
  });

  it('flux waits for health and Argo CD watches the same folder', () => {
    const flux = parseAllDocuments(
      readFileSync(join(examples, 'flux', 'kustomizations.yaml'), 'utf8'),
    ).map((d) => d.toJS() as { metadata: { name: string }; spec: { wait?: boolean } });
    expect(flux.map((k) => k.spec.wait)).toEqual([true, true]);
    const app = parse(readFileSync(join(examples, 'argocd', 'application.yaml'), 'utf8')) as {
      spec: { source: { path: string } };
    };
    expect(app.spec.source.path).toBe('examples/vancouver');
  });
});
