// What a QualityPipeline owns in AWS, by the names CloudTrail events give them (ADR 70):
// its Glue job, workflow, triggers and crawler and the role the job runs as, read from
// status. Its source bucket is the ProtectedBucket's (that object owns it); IAM's events
// arrive in us-east-1.
import type { QualityPipeline } from '../../api/qualitypipeline.ts';
import { arnIds, type ObjectResources } from '../../runtime/drift-events.ts';

export function qualityPipelineResources(object: QualityPipeline): ObjectResources {
  const glue = object.status?.glue;
  if (!glue) return { regions: [], ids: [] };
  const names = [
    glue.jobName,
    glue.workflowName,
    glue.triggerName,
    glue.crawlerName,
    glue.crawlerTriggerName,
  ].filter((n): n is string => typeof n === 'string' && n !== '');
  const regions = [glue.region, glue.roleArn ? 'us-east-1' : undefined].filter(
    (r): r is string => typeof r === 'string' && r !== '',
  );
  return {
    regions: [...new Set(regions)].sort(),
    ids: [...new Set([...names, ...arnIds(glue.roleArn)])],
  };
}
