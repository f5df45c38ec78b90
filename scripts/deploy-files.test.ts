import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kinds } from '../src/api/kinds.ts';
import {
  aggregatedRules,
  clusterRoleRules,
  GENERATED_DIRS,
  renderDeployFiles,
  repoRoot,
} from './deploy-files.ts';

describe('deployment files generated from crds/', () => {
  const files = renderDeployFiles();

  it.each(files)('$file is up to date (run `npm run gen`)', ({ file, content }) => {
    expect(readFileSync(join(repoRoot, file), 'utf8')).toBe(content);
  });

  it.each(GENERATED_DIRS)('%s holds no stale file', (dir) => {
    const expected = files.filter((f) => f.file.startsWith(`${dir}/`)).map((f) => f.file);
    const actual = readdirSync(join(repoRoot, dir)).map((name) => `${dir}/${name}`);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('the Helm chart and manifests/ carry CRDs identical to crds/', () => {
    for (const name of readdirSync(join(repoRoot, 'crds'))) {
      const source = readFileSync(join(repoRoot, 'crds', name), 'utf8');
      expect(readFileSync(join(repoRoot, 'helm/seawall/crds', name), 'utf8')).toBe(source);
      expect(readFileSync(join(repoRoot, 'manifests/crds', name), 'utf8')).toBe(source);
    }
  });

  it('the ClusterRole names every kind, its status and finalizers, Events, namespaces (read), and nothing else', () => {
    const rules = clusterRoleRules(kinds.map((k) => ({ group: 'seawall.dev', plural: k.plural })));
    const resources = rules.flatMap((r) => r.resources);
    for (const k of kinds) {
      expect(resources).toContain(k.plural);
      expect(resources).toContain(`${k.plural}/status`);
      expect(resources).toContain(`${k.plural}/finalizers`);
    }
    expect(
      resources.filter((r) => !r.includes('.') && !kinds.some((k) => r.startsWith(k.plural))),
    ).toEqual(['events', 'namespaces']);
    expect(rules.find((r) => r.resources.includes('namespaces'))?.verbs).toEqual(['get']);
    const verbs = [...new Set(rules.flatMap((r) => r.verbs))].sort();
    expect(verbs).toEqual(['create', 'get', 'list', 'patch', 'update', 'watch']);
    expect(rules.find((r) => r.verbs.includes('create'))?.resources).toEqual(['events']);
  });

  it("AwsAccounts are the platform team's: the aggregated edit role never reaches them, view reads them", () => {
    const rules = aggregatedRules([
      { group: 'seawall.dev', plural: 'awsaccounts', scope: 'Cluster' },
      { group: 'seawall.dev', plural: 'protectedbuckets', scope: 'Namespaced' },
    ]);
    expect(rules.edit.flatMap((r) => r.resources)).toEqual(['protectedbuckets']);
    expect(rules.view.flatMap((r) => r.resources)).toEqual(['awsaccounts', 'protectedbuckets']);
  });
});
