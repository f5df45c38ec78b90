// The deployment files derived from crds/ (itself generated from src/api): copies of the
// CRDs for kustomize (manifests/crds/) and Helm (helm/seawall/crds/), and the ClusterRole
// (manifests/ and the chart), whose seawall.dev rules name every kind's plural. Written by
// `npm run gen` (scripts/generate-deploy.ts); a unit test fails when one is stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface DeployFile {
  /** Path relative to the repository root. */
  file: string;
  content: string;
}

/** Directories whose every file is generated here: a file not rendered is stale. */
export const GENERATED_DIRS = ['manifests/crds', 'helm/seawall/crds'];

interface CrdFile {
  file: string;
  yaml: string;
  group: string;
  plural: string;
}

export function readCrds(root = repoRoot): CrdFile[] {
  const dir = join(root, 'crds');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const yaml = readFileSync(join(dir, file), 'utf8');
      const crd = parse(yaml) as { spec: { group: string; names: { plural: string } } };
      return { file, yaml, group: crd.spec.group, plural: crd.spec.names.plural };
    });
}

/** The ClusterRole rules: what the operator does with its own kinds, and Events. Nothing more. */
export function clusterRoleRules(crds: { group: string; plural: string }[]) {
  const groups = [...new Set(crds.map((c) => c.group))].sort();
  const rules: { apiGroups: string[]; resources: string[]; verbs: string[]; why: string }[] = [];
  for (const group of groups) {
    const plurals = crds
      .filter((c) => c.group === group)
      .map((c) => c.plural)
      .sort();
    rules.push(
      {
        why: 'watch the kinds, read references between them, add/remove the finalizer (merge patch)',
        apiGroups: [group],
        resources: plurals,
        verbs: ['get', 'list', 'watch', 'patch'],
      },
      {
        why: 'write status through the status subresource (merge patch)',
        apiGroups: [group],
        resources: plurals.map((p) => `${p}/status`),
        verbs: ['get', 'patch'],
      },
      {
        why: 'set finalizers where OwnerReferencesPermissionEnforcement guards them',
        apiGroups: [group],
        resources: plurals.map((p) => `${p}/finalizers`),
        verbs: ['update'],
      },
    );
  }
  rules.push({
    why: 'Events for what a person should see (kubectl describe); patch: a repeat raises the count of one Event',
    apiGroups: [''],
    resources: ['events'],
    verbs: ['create', 'patch'],
  });
  return rules;
}

function renderRules(rules: ReturnType<typeof clusterRoleRules>): string {
  const list = (items: string[]) => `[${items.map((i) => (i === '' ? '""' : i)).join(', ')}]`;
  return rules
    .map(
      (r) =>
        `  # ${r.why}\n  - apiGroups: ${list(r.apiGroups)}\n    resources: ${list(r.resources)}\n    verbs: ${list(r.verbs)}\n`,
    )
    .join('');
}

const HEADER =
  '# Generated from crds/ by `npm run gen` (scripts/generate-deploy.ts). Do not edit.\n';

export function renderDeployFiles(root = repoRoot): DeployFile[] {
  const crds = readCrds(root);
  const rules = renderRules(clusterRoleRules(crds));
  const files: DeployFile[] = [];
  for (const crd of crds) {
    files.push({ file: `manifests/crds/${crd.file}`, content: crd.yaml });
    files.push({ file: `helm/seawall/crds/${crd.file}`, content: crd.yaml });
  }
  files.push({
    file: 'manifests/crds/kustomization.yaml',
    content: `${HEADER}apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${crds.map((c) => `  - ${c.file}\n`).join('')}`,
  });
  files.push({
    file: 'manifests/rbac/cluster-role.yaml',
    content: `${HEADER}# Least privilege: the seawall.dev kinds, their status and finalizers, and Events.
# Leases for leader election are a namespaced Role (leader-election-role.yaml).
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: seawall-operator
rules:
${rules}`,
  });
  files.push({
    file: 'helm/seawall/templates/clusterrole.yaml',
    content: `${HEADER.replace('# ', '{{- /* ').replace('\n', ' */}}\n')}{{- if .Values.rbac.create }}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "seawall.clusterRoleName" . }}
  labels:
    {{- include "seawall.labels" . | nindent 4 }}
rules:
${rules}{{- end }}
`,
  });
  return files;
}
