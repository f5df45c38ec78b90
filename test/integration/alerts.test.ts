// The alerts Seawall ships (scripts/alerts.ts → the PrometheusRule), checked by
// Prometheus's own tools: `promtool check rules`, and `promtool test rules` feeding
// synthetic series shaped as Seawall exports them (two replicas, as in the Deployment)
// and asserting which alerts fire, with which labels and summaries — and that a healthy
// platform fires none. promtool is built from its Go module (scripts/install-promtool.sh).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ruleGroup } from '../../scripts/alerts.ts';
import { repoRoot } from '../harness/stack.ts';

const exec = promisify(execFile);

/** The same series from both replicas: the per-object gauges come from every watch. */
function replicas(series: string, values: string) {
  return ['a', 'b'].map((instance) => ({
    series: series.replace(
      /\{(.*)\}/,
      (_m, inner: string) => `{${inner ? `${inner}, ` : ''}job="seawall", instance="${instance}"}`,
    ),
    values,
  }));
}

/**
 * An alert promtool must see: its labels (severity included) and both annotations, the
 * summary expanded as Prometheus would ({{ $labels.x }}, {{ $value }}).
 */
function fired(alertname: string, labels: Record<string, string>, value = '') {
  const rule = ruleFor(alertname);
  const summary = rule.annotations.summary
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, key: string) => labels[key] ?? '')
    .replace(/\{\{ \$value \}\}/g, value);
  return {
    exp_labels: { ...labels, severity: rule.labels.severity },
    exp_annotations: { summary, description: rule.annotations.description },
  };
}

const pb = 'kind="ProtectedBucket", namespace="data", name="raw"';
const pbLabels = { kind: 'ProtectedBucket', namespace: 'data', name: 'raw' };

const tests = [
  {
    name: 'a stalled object',
    interval: '1m',
    input_series: [
      ...replicas(`seawall_resource_stalled{${pb}}`, '1x20'),
      ...replicas(`seawall_resource_ready{${pb}}`, '0x20'),
      ...replicas('seawall_leader{}', '1x20'),
    ],
    alert_rule_test: [
      { eval_time: '4m', alertname: 'SeawallResourceStalled', exp_alerts: [] },
      {
        eval_time: '10m',
        alertname: 'SeawallResourceStalled',
        exp_alerts: [fired('SeawallResourceStalled', pbLabels)],
      },
      // Stalled is its own alert, not also "not Ready".
      { eval_time: '19m', alertname: 'SeawallResourceNotReady', exp_alerts: [] },
    ],
  },
  {
    name: 'an object not Ready for half an hour, and reported drift',
    interval: '1m',
    input_series: [
      ...replicas(`seawall_resource_ready{${pb}}`, '0x40'),
      ...replicas(`seawall_resource_stalled{${pb}}`, '0x40'),
      ...replicas(`seawall_resource_drift_items{${pb}}`, '2x40'),
    ],
    alert_rule_test: [
      { eval_time: '20m', alertname: 'SeawallResourceNotReady', exp_alerts: [] },
      {
        eval_time: '35m',
        alertname: 'SeawallResourceNotReady',
        exp_alerts: [fired('SeawallResourceNotReady', pbLabels)],
      },
      {
        eval_time: '20m',
        alertname: 'SeawallDriftReported',
        exp_alerts: [fired('SeawallDriftReported', pbLabels, '2')],
      },
    ],
  },
  {
    name: 'a field corrected again and again',
    interval: '1m',
    input_series: [
      {
        series:
          'seawall_drift_items_total{kind="ProtectedBucket", facet="bucket.versioning", field="Status", action="Corrected", job="seawall", instance="a"}',
        values: '0+1x70',
      },
    ],
    alert_rule_test: [
      {
        eval_time: '65m',
        alertname: 'SeawallDriftLoop',
        exp_alerts: [
          fired('SeawallDriftLoop', {
            kind: 'ProtectedBucket',
            facet: 'bucket.versioning',
            field: 'Status',
          }),
        ],
      },
    ],
  },
  {
    name: 'no leader',
    interval: '1m',
    input_series: replicas('seawall_leader{}', '0x10'),
    alert_rule_test: [
      {
        eval_time: '8m',
        alertname: 'SeawallNoLeader',
        exp_alerts: [fired('SeawallNoLeader', {})],
      },
    ],
  },
  {
    name: 'a pipeline scoring low, and one that stopped running',
    interval: '1d',
    input_series: [
      ...replicas('seawall_quality_pipeline_score{namespace="data", name="meters"}', '0.5x10'),
      // Finished its last run on day 1, never again.
      ...replicas(
        'seawall_quality_pipeline_last_run_completed_timestamp_seconds{namespace="data", name="meters"}',
        '86400x12',
      ),
    ],
    alert_rule_test: [
      {
        eval_time: '2d',
        alertname: 'SeawallDataQualityLow',
        exp_alerts: [fired('SeawallDataQualityLow', { namespace: 'data', name: 'meters' }, '0.5')],
      },
      { eval_time: '8d', alertname: 'SeawallPipelineNotRun', exp_alerts: [] },
      {
        eval_time: '10d',
        alertname: 'SeawallPipelineNotRun',
        exp_alerts: [fired('SeawallPipelineNotRun', { namespace: 'data', name: 'meters' })],
      },
    ],
  },
  {
    name: 'keys waiting minutes for a worker',
    interval: '1m',
    input_series: [
      // Every key waits between 60 s and 300 s: p99 far above a minute.
      ...['0.5', '1', '5', '10', '30', '60'].map((le) => ({
        series: `seawall_workqueue_queue_duration_seconds_bucket{kind="ProtectedBucket", le="${le}", job="seawall", instance="a"}`,
        values: '0x40',
      })),
      ...['300', '900', '+Inf'].map((le) => ({
        series: `seawall_workqueue_queue_duration_seconds_bucket{kind="ProtectedBucket", le="${le}", job="seawall", instance="a"}`,
        values: '0+10x40',
      })),
    ],
    alert_rule_test: [
      {
        eval_time: '35m',
        alertname: 'SeawallQueueLatencyHigh',
        exp_alerts: [fired('SeawallQueueLatencyHigh', { kind: 'ProtectedBucket' })],
      },
    ],
  },
  {
    name: 'a healthy platform fires nothing',
    interval: '1m',
    input_series: [
      ...replicas(`seawall_resource_ready{${pb}}`, '1x60'),
      ...replicas(`seawall_resource_stalled{${pb}}`, '0x60'),
      ...replicas(`seawall_resource_drift_items{${pb}}`, '0x60'),
      ...replicas('seawall_quality_pipeline_score{namespace="data", name="meters"}', '1x60'),
      ...replicas('seawall_leader{}', '0x60'),
      { series: 'seawall_leader{job="seawall", instance="c"}', values: '1x60' },
    ],
    alert_rule_test: [
      'SeawallResourceStalled',
      'SeawallResourceNotReady',
      'SeawallDriftReported',
      'SeawallNoLeader',
      'SeawallDataQualityLow',
    ].map((alertname) => ({ eval_time: '59m', alertname, exp_alerts: [] })),
  },
];

function ruleFor(alert: string) {
  const rule = ruleGroup().rules.find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert ${alert}`);
  return rule;
}

describe('the shipped alerts, by promtool', () => {
  let promtool: string;
  let dir: string;

  beforeAll(() => {
    promtool = execFileSync('bash', [join(repoRoot, 'scripts/install-promtool.sh')], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop() as string;
    dir = mkdtempSync(join(tmpdir(), 'seawall-alerts-'));
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: [ruleGroup()] }));
  }, 900_000);

  it('promtool check rules accepts them', async () => {
    const { stdout } = await exec(promtool, ['check', 'rules', join(dir, 'rules.yaml')]);
    expect(stdout).toMatch(new RegExp(`SUCCESS: ${ruleGroup().rules.length} rules found`));
  });

  it('they fire on the series Seawall exports, with the documented labels and summaries', async () => {
    writeFileSync(
      join(dir, 'tests.yaml'),
      stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }),
    );
    const result = await exec(promtool, ['test', 'rules', join(dir, 'tests.yaml')]).catch(
      (error: { stdout?: string; stderr?: string }) => error,
    );
    expect(`${result.stdout}${result.stderr}`).toMatch(/SUCCESS/);
  });
});
