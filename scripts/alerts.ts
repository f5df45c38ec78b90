// The alerts Seawall ships: one list, rendered by `npm run gen` into the Helm chart's
// PrometheusRule (helm/seawall/templates/prometheusrule.yaml), the kustomize one
// (manifests/monitoring/prometheus-rule.yaml) and the table in docs/operations.md. A
// unit test checks each expression names only metrics Seawall exports; promtool checks
// the rules and fires them on synthetic series (test/integration/alerts.test.ts).

export type Severity = 'critical' | 'warning' | 'info';

export interface Alert {
  alert: string;
  expr: string;
  /** How long the expression must hold (Prometheus `for`). */
  for?: string;
  severity: Severity;
  summary: string;
  /** What it means and what to do; may use Prometheus templates ({{ $labels.x }}). */
  description: string;
}

const object = '{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }}';

export const alerts: Alert[] = [
  {
    alert: 'SeawallResourceStalled',
    expr: 'max by (kind, namespace, name) (seawall_resource_stalled) == 1',
    for: '5m',
    severity: 'warning',
    summary: `${object} is Stalled and needs a change from a person`,
    description:
      'Seawall will not retry until the spec changes: an invalid spec AWS refuses, access denied, a name taken or owned by someone else. `kubectl describe` shows the reason (the Ready condition and Events).',
  },
  {
    alert: 'SeawallResourceNotReady',
    expr: '(max by (kind, namespace, name) (seawall_resource_ready) == 0) unless on (kind, namespace, name) (max by (kind, namespace, name) (seawall_resource_stalled) == 1)',
    for: '30m',
    severity: 'warning',
    summary: `${object} has not been Ready for 30 minutes`,
    description:
      'Waiting for a dependency, retrying a transient error, or drift reported under driftPolicy Report. The STATUS column of `kubectl get seawall -A` says which.',
  },
  {
    alert: 'SeawallDriftReported',
    expr: 'max by (kind, namespace, name) (seawall_resource_drift_items) > 0',
    for: '15m',
    severity: 'warning',
    summary: `${object}: {{ $value }} item(s) out of line with the spec`,
    description:
      'Under driftPolicy Report AWS differs from the spec and nothing was done: the object is not Ready until a person decides (status.drift lists the fields).',
  },
  {
    alert: 'SeawallDriftCorrected',
    expr: 'sum by (kind, facet, field) (increase(seawall_drift_items_total{action="Corrected"}[1h])) > 0',
    severity: 'info',
    summary: 'Seawall put {{ $labels.facet }} {{ $labels.field }} back ({{ $labels.kind }})',
    description:
      'Someone or something changed AWS by hand and Seawall corrected it. Usually a console habit to fix, sometimes another tool.',
  },
  {
    alert: 'SeawallDriftLoop',
    expr: 'sum by (kind, facet, field) (increase(seawall_drift_items_total{action="Corrected"}[1h])) > 3',
    severity: 'warning',
    summary: '{{ $labels.facet }} {{ $labels.field }} corrected again and again',
    description:
      'Another writer (a Lambda, a Config remediation, a second operator) is fighting Seawall over this field. Find it: two owners of one field never converge.',
  },
  {
    alert: 'SeawallReconcileErrors',
    expr: 'sum by (kind) (rate(seawall_workqueue_retries_total[15m])) / sum by (kind) (rate(seawall_reconcile_total[15m])) > 0.25',
    for: '15m',
    severity: 'warning',
    summary: 'More than a quarter of {{ $labels.kind }} reconciles are retried',
    description:
      'Transient errors: throttling, AWS 5xx, the network, or the API server. seawall_aws_calls_total{outcome="error"} says which AWS call.',
  },
  {
    alert: 'SeawallAwsErrors',
    expr: 'sum by (service, operation) (rate(seawall_aws_calls_total{outcome="error"}[15m])) > 0.1',
    for: '15m',
    severity: 'warning',
    summary: 'AWS {{ $labels.service }}:{{ $labels.operation }} keeps failing',
    description:
      'AccessDenied after an upgrade usually means the operator role needs the new actions (`seawall iam-policy`).',
  },
  {
    alert: 'SeawallAwsRegionUnreachable',
    expr: 'min by (region) (seawall_aws_region_reachable) == 0',
    for: '5m',
    severity: 'critical',
    summary: 'AWS in {{ $labels.region }} does not answer Seawall',
    description:
      'Calls time out or cannot connect; the objects in that region show Ready=False, reason AwsUnreachable, naming the endpoint. Other regions keep reconciling. Check the network path (VPC endpoints, proxies, DNS) from the operator pod.',
  },
  {
    alert: 'SeawallNoLeader',
    expr: '(max(seawall_leader) < 1) or absent(seawall_leader)',
    for: '5m',
    severity: 'critical',
    summary: 'No Seawall replica holds the leader Lease',
    description:
      'Nobody reconciles: drift goes uncorrected and scheduled pipeline runs are missed (each is run once when a leader returns).',
  },
  {
    alert: 'SeawallQueueBacklog',
    expr: 'max by (kind) (seawall_workqueue_depth) > 50',
    for: '15m',
    severity: 'warning',
    summary: '{{ $value }} {{ $labels.kind }} keys wait for a worker',
    description:
      'Workers cannot keep up: raise --workers (Helm `workers`) or look at slow reconciles.',
  },
  {
    alert: 'SeawallQueueLatencyHigh',
    expr: 'histogram_quantile(0.99, sum by (kind, le) (rate(seawall_workqueue_queue_duration_seconds_bucket[15m]))) > 60',
    for: '15m',
    severity: 'warning',
    summary: '{{ $labels.kind }} keys wait over a minute for a worker (p99)',
    description:
      'A change or a drift check waits this long before Seawall looks at it. Often follows slow AWS calls.',
  },
  {
    alert: 'SeawallSlowReconciles',
    expr: 'histogram_quantile(0.99, sum by (kind, le) (rate(seawall_reconcile_duration_seconds_bucket[15m]))) > 60',
    for: '15m',
    severity: 'warning',
    summary: '{{ $labels.kind }} reconciles take over a minute (p99)',
    description: 'AWS is slow or throttling; often precedes a backlog.',
  },
  {
    alert: 'SeawallDataQualityLow',
    expr: 'min by (namespace, name) (seawall_quality_pipeline_score) < 0.9',
    severity: 'warning',
    summary: 'QualityPipeline {{ $labels.namespace }}/{{ $labels.name }} scored {{ $value }}',
    description:
      "The last run passed fewer than 90 % of the pipeline's rules (the threshold is a starting point: copy the rule to tune it). status.lastRun.ruleResults says which failed.",
  },
  {
    alert: 'SeawallPipelineNotRun',
    expr: 'time() - max by (namespace, name) (seawall_quality_pipeline_last_run_completed_timestamp_seconds) > 8 * 86400',
    severity: 'warning',
    summary:
      'QualityPipeline {{ $labels.namespace }}/{{ $labels.name }} has not finished a run in 8 days',
    description:
      'A weekly pipeline missed a run: no leader, a run that never finishes, or a schedule changed. status.currentRun and status.nextRunTime say which.',
  },
  {
    alert: 'SeawallUnexpectedWrites',
    expr: 'sum by (service, operation) (increase(seawall_aws_calls_total{operation!~"(Get|List|Describe|Head|Lookup|Search|Check).*"}[6h])) > 0',
    severity: 'info',
    summary: 'Seawall called {{ $labels.service }}:{{ $labels.operation }} in the last 6 hours',
    description:
      'A write without a spec change in Git means Seawall corrected drift: the drift metrics say what. Silence it during rollouts.',
  },
];

/** One alerting rule as Prometheus reads it. */
export interface PrometheusRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity };
  annotations: { summary: string; description: string };
}

/** The Prometheus rule group, as a YAML-ready object. */
export function ruleGroup(): { name: string; rules: PrometheusRule[] } {
  return {
    name: 'seawall',
    rules: alerts.map((a) => ({
      alert: a.alert,
      expr: a.expr,
      ...(a.for ? { for: a.for } : {}),
      labels: { severity: a.severity },
      annotations: { summary: a.summary, description: a.description },
    })),
  };
}

/** Every metric name an expression reads (the identifiers before `{`, `[` or `)`). */
export function metricNames(expr: string): string[] {
  const names = expr.match(/\bseawall_[a-z_]+/g) ?? [];
  return [...new Set(names)].sort();
}
