// Decision: Seawall publishes each QualityPipeline run's score as a CloudWatch custom
// metric, so the score can be charted on a CostMonitor dashboard and alarmed on like any
// other metric. One datapoint per run, in the pipeline's region:
//   namespace Seawall/DataQuality, metric Score (0 to 1: passed rules / all rules, Unit None), dimension
//   Pipeline=<namespace>/<name>, timestamp = the run's end.
// The QualityPipeline reconciler calls publishQualityScore after it reads a run's results
// document; the CostMonitor dashboard only reads the metric.
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from '../clients.ts';

export const QUALITY_NAMESPACE = 'Seawall/DataQuality';
export const QUALITY_METRIC = 'Score';
export const QUALITY_DIMENSION = 'Pipeline';

export function pipelineDimensionValue(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The PutMetricData input for one run: pure, so its shape is unit-tested. */
export function qualityScoreDatum(namespace: string, name: string, score: number, at: Date) {
  return {
    Namespace: QUALITY_NAMESPACE,
    MetricData: [
      {
        MetricName: QUALITY_METRIC,
        Dimensions: [{ Name: QUALITY_DIMENSION, Value: pipelineDimensionValue(namespace, name) }],
        Timestamp: at,
        Value: score,
        Unit: 'None' as const,
      },
    ],
  };
}

export async function publishQualityScore(
  clients: AwsClients,
  region: string,
  pipeline: { namespace: string; name: string },
  score: number,
  at: Date,
): Promise<void> {
  await clients
    .cloudwatch(region)
    .send(
      new PutMetricDataCommand(qualityScoreDatum(pipeline.namespace, pipeline.name, score, at)),
    );
}
