// The deployment files derived from crds/ (itself generated from src/api): copies of the
// CRDs for kustomize (manifests/crds/) and Helm (helm/seawall/crds/), and the ClusterRole
// (manifests/ and the chart), whose seawall.dev rules name every kind's plural. Written by
// `npm run gen` (scripts/generate-deploy.ts); a unit test fails when one is stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import {
  guardrailsBindingSpec,
  guardrailsPolicySpec,
  POLICY_NAME,
} from '../src/kinds/accounts/admission-policy.ts';
import { alerts, ruleGroup } from './alerts.ts';

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
  scope: 'Namespaced' | 'Cluster';
}

export function readCrds(root = repoRoot): CrdFile[] {
  const dir = join(root, 'crds');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const yaml = readFileSync(join(dir, file), 'utf8');
      const crd = parse(yaml) as {
        spec: { group: string; names: { plural: string }; scope: 'Namespaced' | 'Cluster' };
      };
      return {
        file,
        yaml,
        group: crd.spec.group,
        plural: crd.spec.names.plural,
        scope: crd.spec.scope,
      };
    });
}

/**
 * What people get on the Seawall kinds through Kubernetes' default roles (aggregation):
 * `edit` (and `admin`) may create and change them, `view` may read them. Status and
 * finalizers stay Seawall's. Cluster-scoped kinds (AwsAccount: who may do what in which
 * AWS account) are the platform team's: `edit` never reaches them, `view` may read them.
 */
export function aggregatedRules(
  crds: { group: string; plural: string; scope?: 'Namespaced' | 'Cluster' }[],
) {
  const groups = [...new Set(crds.map((c) => c.group))].sort();
  const plurals = (group: string, namespacedOnly = false) =>
    crds
      .filter((c) => c.group === group && !(namespacedOnly && c.scope === 'Cluster'))
      .map((c) => c.plural)
      .sort();
  return {
    edit: groups.map((group) => ({
      apiGroups: [group],
      resources: plurals(group, true),
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    })),
    view: groups.map((group) => ({
      apiGroups: [group],
      resources: plurals(group),
      verbs: ['get', 'list', 'watch'],
    })),
  };
}

/**
 * The ClusterRole rules: what the operator does with its own kinds, Events, and reading
 * namespaces (an AwsAccount grants namespaces by label). Nothing more. `events: false`
 * leaves out Events and namespaces (the extra ClusterRole of a namespace-scoped install).
 */
export function clusterRoleRules(
  crds: { group: string; plural: string }[],
  options: { events?: boolean; namespaces?: boolean } = {},
) {
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
  if (options.events !== false) {
    rules.push({
      why: 'Events for what a person should see (kubectl describe); patch: a repeat raises the count of one Event',
      apiGroups: [''],
      resources: ['events'],
      verbs: ['create', 'patch'],
    });
  }
  if (options.namespaces !== false) {
    rules.push({
      why: "read a namespace's labels: an AwsAccount may grant namespaces by label selector",
      apiGroups: [''],
      resources: ['namespaces'],
      verbs: ['get'],
    });
  }
  return rules;
}

function renderRules(rules: ReturnType<typeof clusterRoleRules>): string {
  const list = (items: string[]) => `[${items.map((i) => (i === '' ? '""' : i)).join(', ')}]`;
  // A list too long for one line (the formatter's 100 columns) is written as a block.
  const field = (name: string, items: string[]) => {
    const line = `    ${name}: ${list(items)}`;
    return line.length <= 100
      ? `${line}\n`
      : `    ${name}:\n${items.map((i) => `      - ${i}\n`).join('')}`;
  };
  return rules
    .map(
      (r) =>
        `  # ${r.why}\n  - apiGroups: ${list(r.apiGroups)}\n${field('resources', r.resources)}${field('verbs', r.verbs)}`,
    )
    .join('');
}

const HEADER =
  '# Generated from crds/ by `npm run gen` (scripts/generate-deploy.ts). Do not edit.\n';
const HELM_HEADER = HEADER.replace('# ', '{{- /* ').replace('\n', ' */}}\n');

function renderPlainRules(rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
  return renderRules(rules.map((r) => ({ ...r, why: '' }))).replace(/^ {2}# \n/gm, '');
}

/** Prometheus templates ({{ $labels.x }}) written so Helm leaves them alone. */
function escapeForHelm(text: string): string {
  return text.replace(/\{\{(.*?)\}\}/g, '{{`{{$1}}`}}');
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

/** docs/alerts.md: the shipped alerts as a table, from scripts/alerts.ts. */
export function renderAlertsDoc(): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const rows = alerts.map(
    (a) =>
      `| **${a.alert}** | ${a.severity} | \`${cell(a.expr)}\`${a.for ? ` for ${a.for}` : ''} | ${cell(a.description)} |`,
  );
  return `<!-- Generated from scripts/alerts.ts by \`npm run gen\` (scripts/generate-deploy.ts). Do not edit. -->

# Seawall's alerts

Shipped as a PrometheusRule (Helm \`metrics.prometheusRule.enabled\`, or
\`manifests/monitoring/\`); see [operations.md](operations.md#alerts). Thresholds are
starting points: copy a rule to tune it.

| alert | severity | expression | what it means |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}

export function renderDeployFiles(root = repoRoot): DeployFile[] {
  const crds = readCrds(root);
  const rules = renderRules(clusterRoleRules(crds));
  // A namespace-scoped install: a Role per watched namespace for the namespaced kinds, and
  // one ClusterRole for what has no namespace (AwsAccounts, namespaces' labels).
  const namespacedRules = renderRules(
    clusterRoleRules(
      crds.filter((c) => c.scope !== 'Cluster'),
      { namespaces: false },
    ),
  );
  const clusterScopedRules = renderRules([
    ...clusterRoleRules(
      crds.filter((c) => c.scope === 'Cluster'),
      { events: false, namespaces: false },
    ),
    ...clusterRoleRules([], { events: false }),
  ]);
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
    content: `${HELM_HEADER}{{- /* Cluster-wide install (no watchNamespaces); role.yaml has the namespaced one. */}}
{{- if and .Values.rbac.create (not .Values.watchNamespaces) }}
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
  files.push({
    file: 'helm/seawall/templates/role.yaml',
    content: `${HELM_HEADER}{{- /* Namespace-scoped install (watchNamespaces set): the operator's rules as a Role in
each watched namespace instead of a ClusterRole. */}}
{{- if and .Values.rbac.create .Values.watchNamespaces }}
{{- range .Values.watchNamespaces }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "seawall.clusterRoleName" $ }}
  namespace: {{ . }}
  labels:
    {{- include "seawall.labels" $ | nindent 4 }}
rules:
${namespacedRules}---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ include "seawall.clusterRoleName" $ }}
  namespace: {{ . }}
  labels:
    {{- include "seawall.labels" $ | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "seawall.clusterRoleName" $ }}
subjects:
  - kind: ServiceAccount
    name: {{ include "seawall.serviceAccountName" $ }}
    namespace: {{ $.Release.Namespace }}
{{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "seawall.clusterRoleName" . }}-accounts
  labels:
    {{- include "seawall.labels" . | nindent 4 }}
rules:
${clusterScopedRules}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "seawall.clusterRoleName" . }}-accounts
  labels:
    {{- include "seawall.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include "seawall.clusterRoleName" . }}-accounts
subjects:
  - kind: ServiceAccount
    name: {{ include "seawall.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
{{- end }}
`,
  });
  const aggregated = aggregatedRules(crds);
  const aggregatedRoles = (names: { edit: string; view: string }, labels: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${names.edit}
  labels:
${labels}    rbac.authorization.k8s.io/aggregate-to-admin: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
rules:
${renderPlainRules(aggregated.edit)}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${names.view}
  labels:
${labels}    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
${renderPlainRules(aggregated.view)}`;
  files.push({
    file: 'manifests/rbac/aggregate-roles.yaml',
    content: `${HEADER}# People, not the operator: whoever has the default edit/admin role in a namespace may
# create and change Seawall resources there, view may read them (role aggregation).
${aggregatedRoles({ edit: 'seawall-edit', view: 'seawall-view' }, '')}`,
  });
  files.push({
    file: 'helm/seawall/templates/aggregate-roles.yaml',
    content: `${HELM_HEADER}{{- if .Values.rbac.aggregateToDefaultRoles }}
${aggregatedRoles(
  {
    edit: '{{ include "seawall.fullname" . }}-edit',
    view: '{{ include "seawall.fullname" . }}-view',
  },
  '    {{- include "seawall.labels" . | nindent 4 }}\n',
)}{{- end }}
`,
  });
  const policySpec = stringify(guardrailsPolicySpec(), { lineWidth: 0 });
  files.push({
    file: 'manifests/guardrails/admission-policy.yaml',
    content: `${HEADER.replace('crds/', 'src/kinds/accounts/admission-policy.ts')}# Team guardrails at admission (docs/security.md): every AwsAccount is a param; an object
# breaking its account's grant is refused before it is stored. No AwsAccount: all admitted.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${POLICY_NAME}
spec:
${indent(policySpec, 2)}---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${POLICY_NAME}
spec:
${indent(stringify(guardrailsBindingSpec(), { lineWidth: 0 }), 2)}`,
  });
  const binding = guardrailsBindingSpec();
  files.push({
    file: 'helm/seawall/templates/guardrails-policy.yaml',
    content: `${HELM_HEADER.replace('crds/', 'src/kinds/accounts/admission-policy.ts')}{{- if .Values.guardrails.admissionPolicy }}
# Team guardrails at admission (docs/security.md): every AwsAccount is a param.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: {{ include "seawall.fullname" . }}-guardrails
  labels:
    {{- include "seawall.labels" . | nindent 4 }}
spec:
${indent(policySpec, 2)}---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: {{ include "seawall.fullname" . }}-guardrails
  labels:
    {{- include "seawall.labels" . | nindent 4 }}
spec:
  policyName: {{ include "seawall.fullname" . }}-guardrails
  validationActions: ${JSON.stringify(binding.validationActions)}
  paramRef:
    selector: {}
    parameterNotFoundAction: ${binding.paramRef.parameterNotFoundAction}
  matchResources:
    namespaceSelector:
      {{- toYaml .Values.guardrails.namespaceSelector | nindent 6 }}
{{- end }}
`,
  });
  files.push({ file: 'docs/alerts.md', content: renderAlertsDoc() });
  const group = stringify({ groups: [ruleGroup()] }, { lineWidth: 0 });
  files.push({
    file: 'manifests/monitoring/prometheus-rule.yaml',
    content: `${HEADER.replace('crds/', 'scripts/alerts.ts')}# The alerts documented in docs/operations.md (needs the Prometheus Operator's CRDs).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: seawall
  namespace: seawall-system
spec:
${indent(group, 2)}`,
  });
  files.push({
    file: 'helm/seawall/templates/prometheusrule.yaml',
    content: `${HELM_HEADER.replace('crds/', 'scripts/alerts.ts')}{{- if .Values.metrics.prometheusRule.enabled }}
# The alerts documented in docs/operations.md.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "seawall.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "seawall.labels" . | nindent 4 }}
    {{- with .Values.metrics.prometheusRule.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
${indent(escapeForHelm(group), 2)}{{- end }}
`,
  });
  return files;
}
