// The AWS resources engine glue runs on, in order, each through the lifecycle (found and
// ours, created, missing in a drift check under Report, or planned in `seawall plan`) and
// then its facets: the script object (content), the job role unless the spec gives one
// (the one IAM role block: trust policy, inline policy, tags), the workflow, the job, the
// scheduled trigger and — with a crawler — the crawler and its conditional trigger.
import type { QualityPipelineStatus } from '../../api/qualitypipeline.ts';
import { accountOf } from '../../aws/account.ts';
import type { AwsClients } from '../../aws/clients.ts';
import type { Facet } from '../../aws/facet.ts';
import {
  type CrawlerDefinition,
  crawlerDefinitionFacet,
  glueCrawler,
} from '../../aws/glue/crawler.ts';
import { glueJob, jobDefinitionFacet } from '../../aws/glue/job.ts';
import {
  type FoundGlue,
  type GlueContext,
  type GlueRef,
  type GlueResource,
  type GlueTarget,
  glueName,
} from '../../aws/glue/resource.ts';
import {
  GLUE_POLICY_NAME,
  GLUE_SERVICE,
  glueRoleName,
  pipelinePolicy,
} from '../../aws/glue/role.ts';
import {
  glueScript,
  type ScriptRef,
  scriptContentFacet,
  scriptKey,
  scriptUrl,
} from '../../aws/glue/script.ts';
import { glueTrigger, triggerDefinitionFacet } from '../../aws/glue/trigger.ts';
import { glueWorkflow, workflowDefinitionFacet } from '../../aws/glue/workflow.ts';
import { ROLE_PATH } from '../../aws/iam/role.ts';
import { withOwnerTag } from '../../aws/ownership.ts';
import { StalledError } from '../../runtime/errors.ts';
import { ensureServiceRole } from '../blocks/service-role.ts';
import type { Present } from '../steps.ts';
import type { PipelineContext } from './engine.ts';
import { generateGlueScript, type ScriptArgument } from './glue-script.ts';
import { s3Url } from './runs.ts';
import type { Locations, PipelineSettings } from './settings.ts';

export interface GlueNames {
  jobName: string;
  workflowName: string;
  triggerName: string;
  crawlerName: string;
  crawlerTriggerName: string;
  roleName: string;
}

export function glueNames(namespace: string, name: string): GlueNames {
  return {
    jobName: glueName(namespace, name),
    workflowName: glueName(namespace, name),
    triggerName: glueName(namespace, name, '-schedule'),
    crawlerName: glueName(namespace, name, '-trusted'),
    crawlerTriggerName: glueName(namespace, name, '-crawl'),
    roleName: glueRoleName(namespace, name),
  };
}

/** The role Seawall makes for a pipeline, as the IAM role block knows it. */
export function glueRoleRef(namespace: string, name: string) {
  return {
    roleName: glueRoleName(namespace, name),
    service: GLUE_SERVICE,
    policyName: GLUE_POLICY_NAME,
    description: `Glue job role of QualityPipeline ${namespace}/QualityPipeline/${name}`,
  };
}

/** Where a pipeline's Glue resources live: its region, in the operator's account. */
export async function glueTarget(aws: AwsClients, region: string): Promise<GlueTarget> {
  const account = await accountOf(aws);
  return {
    glue: aws.glue(region),
    region,
    accountId: account.accountId,
    partition: account.partition,
  };
}

/** Pure: is this role under Seawall's IAM path (arn:…:role/seawall/…)? */
export function isSeawallRole(roleArn: string): boolean {
  return /^arn:[^:]+:iam::\d{12}:role\/seawall\//.test(roleArn);
}

/** Pure: the job arguments the generated script reads. */
export function jobArguments(
  settings: PipelineSettings,
  where: Locations,
): Record<`--${ScriptArgument}`, string> {
  // Outputs that live under the source prefix are not read back as source.
  const exclusions = [where.trusted, where.quarantine, where.results]
    .filter((o) => o.bucket === where.sourceBucket && o.prefix.startsWith(settings.source.prefix))
    .map((o) => o.prefix);
  return {
    '--seawall_pipeline': `${settings.namespace}/${settings.name}`,
    '--seawall_source_bucket': where.sourceBucket,
    '--seawall_source_prefix': settings.source.prefix,
    '--seawall_format': settings.source.format,
    '--seawall_compression': settings.source.compression,
    '--seawall_csv_delimiter': settings.source.csv.delimiter ?? ',',
    '--seawall_csv_quote': settings.source.csv.quote ?? '"',
    '--seawall_exclusions': JSON.stringify(exclusions),
    '--seawall_source_catalog': JSON.stringify(settings.source.catalogTable ?? {}),
    '--seawall_reference_data': JSON.stringify(
      settings.referenceData.map((r) =>
        r.catalogTable
          ? { alias: r.alias, catalogTable: r.catalogTable }
          : {
              alias: r.alias,
              bucket: r.bucketName ?? where.sourceBucket,
              prefix: r.prefix,
              format: r.format,
            },
      ),
    ),
    '--seawall_trusted_bucket': where.trusted.bucket,
    '--seawall_trusted_prefix': where.trusted.prefix,
    '--seawall_quarantine_bucket': where.quarantine.bucket,
    '--seawall_quarantine_prefix': where.quarantine.prefix,
    '--seawall_results_bucket': where.results.bucket,
    '--seawall_results_prefix': where.results.prefix,
  };
}

/**
 * The operator may pass only roles under Seawall's path (its IAM policy says so): a role
 * elsewhere would fail later, at CreateJob, with a bare AccessDenied on iam:PassRole.
 * Checked before anything is created.
 */
function requirePassable(roleArn: string | undefined): void {
  if (roleArn && !isSeawallRole(roleArn)) {
    throw new StalledError(
      'RoleNotPassable',
      `spec.glue.roleArn ${roleArn} is not under the IAM path ${ROLE_PATH}: Seawall may pass only roles under it to Glue (see \`seawall iam-policy\`). Create the role with --path ${ROLE_PATH}, or leave roleArn out and Seawall makes one`,
    );
  }
}

export interface EnsuredGlue {
  /** What status.glue records. */
  record: NonNullable<QualityPipelineStatus['glue']>;
  names: GlueNames;
  target: GlueTarget;
  /** The job does not exist yet (`seawall plan`): it has no runs to read. */
  jobPlanned: boolean;
}

/** Every Glue resource there, ours and as the spec says (or missing, or planned). */
export async function ensureGlueResources(ctx: PipelineContext): Promise<EnsuredGlue> {
  const { settings, where, deps, steps } = ctx;
  const status = ctx.request.status;
  const owner = settings.owner;
  const tags = withOwnerTag({}, owner);
  requirePassable(settings.glue.roleArn);

  const region = ctx.source.region ?? deps.aws.config.defaultRegion;
  const target = await glueTarget(deps.aws, region);
  const names = glueNames(settings.namespace, settings.name);
  const description = `Seawall QualityPipeline ${settings.namespace}/${settings.name}`;

  // 1. The script, content-addressed under the Seawall prefix of the source bucket.
  const text = generateGlueScript({
    pipeline: `${settings.namespace}/${settings.name}`,
    rules: settings.rules,
  });
  const script: ScriptRef = {
    s3: ctx.s3,
    bucket: where.sourceBucket,
    key: scriptKey(settings.glue.scriptPrefix, settings.namespace, settings.name, text),
    text,
  };
  const scriptLocation = scriptUrl(script);
  const scriptObject = await steps.ensure(glueScript, script, {
    owner,
    tags,
    // Recorded in status: ours even if its metadata was overwritten (the content facet
    // puts it back).
    recorded: status.glue?.scriptLocation === scriptLocation,
  });
  await steps.facet(scriptContentFacet, { ref: script, found: scriptObject.found, owner });

  // 2. The role: the spec's, or one Seawall makes (the one IAM role block).
  const roleArn =
    settings.glue.roleArn ??
    (await ensureServiceRole(steps, {
      ...glueRoleRef(settings.namespace, settings.name),
      iam: deps.aws.iam(),
      policy: pipelinePolicy({
        read: [
          { bucket: where.sourceBucket, prefix: settings.source.prefix },
          { bucket: where.sourceBucket, prefix: settings.glue.scriptPrefix },
          // Reference datasets in S3 (catalog tables need glue.roleArn: see the API).
          ...settings.referenceData
            .filter((r) => !r.catalogTable)
            .map((r) => ({ bucket: r.bucketName ?? where.sourceBucket, prefix: r.prefix })),
        ],
        write: [where.trusted, where.quarantine, where.results],
        crawlerDatabase: settings.glue.crawlerDatabase,
        partition: target.partition,
      }),
      owner,
      knownArn: status.glue?.roleArn,
    }));

  // 3. Workflow, job, the scheduled trigger in the workflow; the crawler when asked for.
  const glue = async <Def extends Seen, Seen>(
    resource: GlueResource<Def, Seen>,
    facet: Facet<GlueContext<Def, Seen>, Seen, Def>,
    ref: GlueRef<Def>,
  ): Promise<Present<FoundGlue<Seen>>> => {
    const ensured = await steps.ensure<GlueRef<Def>, FoundGlue<Seen>>(resource, ref, {
      owner,
      tags,
    });
    await steps.facet(facet, { ref, found: ensured.found });
    return ensured;
  };
  await glue(glueWorkflow, workflowDefinitionFacet, {
    ...target,
    name: names.workflowName,
    description,
    definition: { Description: description, MaxConcurrentRuns: 1 },
  });
  const job = await glue(glueJob, jobDefinitionFacet, {
    ...target,
    name: names.jobName,
    description,
    definition: {
      Role: roleArn,
      ScriptLocation: scriptLocation,
      GlueVersion: settings.glue.glueVersion,
      WorkerType: settings.glue.workerType,
      NumberOfWorkers: settings.glue.numberOfWorkers,
      Timeout: settings.glue.timeoutMinutes,
      DefaultArguments: {
        '--job-language': 'python',
        '--enable-metrics': 'true',
        ...jobArguments(settings, where),
      },
    },
  });
  await glue(glueTrigger, triggerDefinitionFacet, {
    ...target,
    name: names.triggerName,
    description: `${description}: schedule`,
    definition: {
      Type: 'SCHEDULED',
      WorkflowName: names.workflowName,
      Schedule: settings.schedule,
      Actions: [{ JobName: names.jobName }],
      State: 'ACTIVATED',
    },
  });
  const crawlerDatabase = settings.glue.crawlerDatabase;
  if (crawlerDatabase) {
    const crawler: CrawlerDefinition = {
      Role: roleArn,
      DatabaseName: crawlerDatabase,
      S3Paths: [s3Url(where.trusted.bucket, where.trusted.prefix)],
    };
    await glue(glueCrawler, crawlerDefinitionFacet, {
      ...target,
      name: names.crawlerName,
      description: `${description}: trusted rows`,
      definition: crawler,
    });
    await glue(glueTrigger, triggerDefinitionFacet, {
      ...target,
      name: names.crawlerTriggerName,
      description: `${description}: crawl trusted rows after a successful run`,
      definition: {
        Type: 'CONDITIONAL',
        WorkflowName: names.workflowName,
        Predicate: {
          Logical: 'AND',
          Conditions: [{ LogicalOperator: 'EQUALS', JobName: names.jobName, State: 'SUCCEEDED' }],
        },
        Actions: [{ CrawlerName: names.crawlerName }],
        State: 'ACTIVATED',
      },
    });
  }
  return {
    record: {
      region,
      jobName: names.jobName,
      workflowName: names.workflowName,
      triggerName: names.triggerName,
      ...(crawlerDatabase
        ? { crawlerName: names.crawlerName, crawlerTriggerName: names.crawlerTriggerName }
        : {}),
      roleArn,
      scriptLocation,
    },
    names,
    target,
    jobPlanned: job.state === 'planned',
  };
}
