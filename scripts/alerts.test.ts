import { describe, expect, it } from 'vitest';
import { Metrics } from '../src/runtime/metrics.ts';
import { alerts, metricNames, ruleGroup } from './alerts.ts';

describe('the shipped alerts', () => {
  const exported = new Set(
    new Metrics({ defaults: false }).registry.getMetricsAsArray().map((m) => m.name),
  );
  /** A histogram's series are <name>_bucket, _count and _sum. */
  const base = (name: string) => name.replace(/_(bucket|count|sum)$/, '');

  it.each(alerts.map((a) => [a.alert, a] as const))(
    '%s reads only metrics Seawall exports',
    (_n, a) => {
      const names = metricNames(a.expr);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => !exported.has(n) && !exported.has(base(n)))).toEqual([]);
    },
  );

  it('use the per-object, quality and queue series (not only process counters)', () => {
    const used = new Set(alerts.flatMap((a) => metricNames(a.expr)).map(base));
    for (const name of [
      'seawall_resource_ready',
      'seawall_resource_stalled',
      'seawall_resource_drift_items',
      'seawall_quality_pipeline_score',
      'seawall_workqueue_queue_duration_seconds',
      'seawall_workqueue_retries_total',
    ])
      expect(used).toContain(name);
  });

  it('have unique names, a severity and a summary', () => {
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
    for (const rule of ruleGroup().rules) {
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
    }
  });
});
