// QualityPipeline: DQDL rules run weekly over raw data; rows that pass go to a trusted
// prefix, rows that fail to a quarantine prefix, and each run's results land in status.
// Two engines behind one results document: `embedded` (Seawall evaluates the rules itself)
// and `glue` (a generated PySpark job on AWS Glue). See docs/kinds/qualitypipeline.md.
import { type Static, Type } from '@sinclair/typebox';
import {
  CRON_DAY_XOR_PATTERN,
  CRON_FIELDS_PATTERN,
  CRON_SHAPE_PATTERN,
  CRON_TOO_FREQUENT_PATTERN,
  DEFAULT_SCHEDULE,
} from '../schedule/glue-cron.ts';
import { BucketName } from './aws-names.ts';
import {
  ACCOUNT_IMMUTABLE_RULE,
  accountField,
  commonStatusFields,
  policyFields,
  type SeawallObject,
} from './common.ts';
import {
  ageColumn,
  driftColumn,
  type KindDefinition,
  lastCorrectedColumn,
  readyColumn,
  statusColumn,
  wide,
} from './kind-definition.ts';
import { celString, Duration, jsonIf, StringEnum, withRules } from './schema-helpers.ts';

export const IAM_ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$';
/** An S3 key prefix: no leading slash; a trailing slash is added when missing. */
const PREFIX_PATTERN = '^[^/].*$|^$';

function Prefix(description: string) {
  return Type.String({ description, maxLength: 512, pattern: PREFIX_PATTERN });
}

export const BucketRef = Type.Object(
  {
    name: Type.String({
      description: 'Name of a ProtectedBucket in the same namespace.',
      minLength: 1,
      maxLength: 253,
    }),
  },
  { description: 'A ProtectedBucket in the same namespace; the pipeline waits until it is Ready.' },
);

export const CsvOptions = Type.Object(
  {
    delimiter: Type.Optional(
      Type.String({
        description: 'Field delimiter (default ",").',
        minLength: 1,
        maxLength: 1,
        default: ',',
      }),
    ),
    quote: Type.Optional(
      Type.String({
        description: 'Quote character (default ").',
        minLength: 1,
        maxLength: 1,
        default: '"',
      }),
    ),
    escape: Type.Optional(
      Type.String({
        description: 'Escape character inside quoted fields (default ", i.e. a doubled quote).',
        minLength: 1,
        maxLength: 1,
      }),
    ),
  },
  { description: 'How CSV files are written. The first line of every file is its header.' },
);

export const CatalogTable = Type.Object(
  {
    database: Type.String({
      description: 'Glue Data Catalog database.',
      minLength: 1,
      maxLength: 255,
    }),
    table: Type.String({ description: 'Table in that database.', minLength: 1, maxLength: 255 }),
  },
  {
    description:
      'A Glue Data Catalog table (engine glue only; the job role must be able to read it, so glue.roleArn is required).',
  },
);

export const DataFormat = StringEnum(['csv', 'jsonl', 'parquet'] as const, {
  description: 'File format: csv (with a header row), jsonl (one JSON object a line) or parquet.',
  default: 'csv',
});

export const Source = withRules(
  Type.Object(
    {
      bucketRef: Type.Optional(BucketRef),
      bucketName: Type.Optional(
        BucketName(
          'Name of an S3 bucket not managed by a ProtectedBucket (use bucketRef when it is).',
        ),
      ),
      prefix: Prefix('Key prefix of the raw objects, e.g. raw/parking-meters/.'),
      format: Type.Optional(DataFormat),
      catalogTable: Type.Optional(CatalogTable),
      compression: Type.Optional(
        StringEnum(['auto', 'gzip', 'none'] as const, {
          description:
            'Compression of csv and jsonl objects: auto (gzip when the key ends in .gz or the bytes say so), gzip or none. Parquet compresses inside the file.',
          default: 'auto',
        }),
      ),
      csv: Type.Optional(CsvOptions),
    },
    {
      description:
        'Where the raw data is read from: objects under a prefix of a bucket, or (engine glue) a catalog table; outputs default to the bucket.',
    },
  ),
  [
    {
      rule: 'has(self.bucketRef) != has(self.bucketName)',
      message: 'set exactly one of bucketRef (a ProtectedBucket) and bucketName',
      jsonSchema: { oneOf: [{ required: ['bucketRef'] }, { required: ['bucketName'] }] },
    },
  ],
);

export const ReferenceDataset = Type.Object(
  {
    alias: Type.String({
      description:
        'The name rules use for it, e.g. ReferentialIntegrity "id" "customers.id" = 1.0 uses alias customers.',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      maxLength: 128,
    }),
    bucketName: Type.Optional(
      BucketName('Bucket of the reference objects (default: the source bucket).'),
    ),
    prefix: Type.Optional(Prefix('Key prefix of the reference objects.')),
    format: Type.Optional(DataFormat),
    catalogTable: Type.Optional(CatalogTable),
  },
  {
    description:
      'A second dataset rules compare with (ReferentialIntegrity, DatasetMatch, RowCountMatch, SchemaMatch): objects under a prefix, or a catalog table.',
  },
);

export const EmbeddedOptions = Type.Object(
  {
    memoryLimit: Type.Optional(
      Type.String({
        description:
          'Memory a run may use (Kubernetes quantity, e.g. 512Mi, 2Gi; default 384Mi, enough for a source of about 100 MB; see docs/dqdl.md "Memory and disk"). Each run is a child process of the operator, killed and marked Failed when it uses more; give the pod room for it.',
        pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$',
        maxLength: 32,
        default: '384Mi',
      }),
    ),
    timeout: Type.Optional(
      Duration(
        'How long a run may take (Go duration, default 1h); a longer run is killed and marked Failed.',
        '1h',
      ),
    ),
  },
  { description: 'Limits of the embedded engine (engine embedded only).' },
);

function Destination(what: string, defaultPrefix: string) {
  return Type.Object(
    {
      bucketName: Type.Optional(BucketName(`Bucket for ${what} (default: the source bucket).`)),
      prefix: Type.Optional(
        Prefix(
          `Key prefix for ${what} (default ${defaultPrefix}); each run writes under <prefix><run id>/.`,
        ),
      ),
    },
    { description: `Where ${what} go.` },
  );
}

export const WorkerType = StringEnum(['G.025X', 'G.1X', 'G.2X', 'G.4X', 'G.8X', 'Z.2X'] as const, {
  description: 'Glue worker type (default G.1X).',
  default: 'G.1X',
});

export const CrawlerSpec = Type.Object(
  {
    databaseName: Type.String({
      description: 'Glue Data Catalog database the crawler writes the trusted table into.',
      minLength: 1,
      maxLength: 255,
    }),
  },
  {
    description:
      'Catalogue the trusted prefix after each successful run: a Glue crawler started by a CONDITIONAL trigger in the workflow.',
  },
);

export const GlueOptions = Type.Object(
  {
    roleArn: Type.Optional(
      Type.String({
        description:
          'IAM role the Glue job runs as. Unset: Seawall creates seawall-glue-<namespace>-<name> with read access to the source and write access to the destinations.',
        pattern: IAM_ROLE_ARN_PATTERN,
        maxLength: 2048,
      }),
    ),
    glueVersion: Type.Optional(
      Type.String({
        description: 'Glue version (default 4.0; 3.0 or later for Data Quality).',
        pattern: '^[3-9]\\.[0-9]$',
        default: '4.0',
      }),
    ),
    workerType: Type.Optional(WorkerType),
    numberOfWorkers: Type.Optional(
      Type.Integer({
        description: 'Number of workers (default 2).',
        minimum: 2,
        maximum: 299,
        default: 2,
      }),
    ),
    timeoutMinutes: Type.Optional(
      Type.Integer({
        description: 'A run taking longer is stopped and marked TIMEOUT (default 60).',
        minimum: 1,
        maximum: 10080,
        default: 60,
      }),
    ),
    scriptPrefix: Type.Optional(
      Prefix(
        'Key prefix in the source bucket for the generated script (default seawall/glue-scripts/); the key carries the script hash.',
      ),
    ),
    crawler: Type.Optional(CrawlerSpec),
  },
  { description: 'Settings of the Glue job (engine glue only).' },
);

export const Engine = StringEnum(['embedded', 'glue'] as const, {
  description:
    'embedded: Seawall evaluates the rules itself, streaming from S3 (no Glue needed). glue: a generated PySpark job on AWS Glue with Glue Data Quality, for data that outgrows one machine.',
  default: 'embedded',
});

export const Schedule = withRules(
  Type.String({
    description:
      "When the pipeline runs, in Glue's cron syntax (UTC): cron(Minutes Hours Day-of-month Month Day-of-week Year), e.g. cron(0 2 ? * MON *) = Mondays 02:00. Exactly one of day-of-month and day-of-week is ?; no more often than every 5 minutes. Default weekly.",
    maxLength: 256,
    default: DEFAULT_SCHEDULE,
  }),
  [
    {
      rule: `self.matches(${celString(CRON_SHAPE_PATTERN)})`,
      message:
        'schedule must be cron(Minutes Hours Day-of-month Month Day-of-week Year): six fields',
      jsonSchema: { pattern: CRON_SHAPE_PATTERN },
    },
    {
      rule: `self.matches(${celString(CRON_DAY_XOR_PATTERN)})`,
      message:
        'schedule must set exactly one of day-of-month and day-of-week and put ? in the other',
      jsonSchema: { pattern: CRON_DAY_XOR_PATTERN },
    },
    {
      rule: `!self.matches(${celString(CRON_TOO_FREQUENT_PATTERN)})`,
      message: 'schedule must not run more often than every 5 minutes',
      jsonSchema: { not: { pattern: CRON_TOO_FREQUENT_PATTERN } },
    },
    {
      rule: `self.matches(${celString(CRON_FIELDS_PATTERN)})`,
      message:
        'schedule fields must be in range: minutes 0-59, hours 0-23, day-of-month 1-31 or L, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (L, #1-#5), year 1970-2199',
      jsonSchema: { pattern: CRON_FIELDS_PATTERN },
    },
  ],
);

export const QualityPipelineSpec = withRules(
  Type.Object(
    {
      source: Source,
      trusted: Type.Optional(Destination('rows that pass every rule', 'trusted/<name>/')),
      quarantine: Type.Optional(Destination('rows that fail a rule', 'quarantine/<name>/')),
      results: Type.Optional(
        Destination('run-results documents (<run id>.json)', 'results/<name>/'),
      ),
      rules: Type.String({
        description:
          'The DQDL ruleset (the rule language of AWS Glue Data Quality), e.g. Rules = [ IsComplete "meter_id", ColumnValues "rate" between 0 and 20 ].',
        minLength: 1,
        maxLength: 65536,
      }),
      schedule: Type.Optional(Schedule),
      engine: Type.Optional(Engine),
      minScore: Type.Optional(
        Type.Number({
          description:
            'Lowest acceptable score (passed rules / all rules, 0 to 1). A run scoring below it is Failed. Unset: any score succeeds.',
          minimum: 0,
          maximum: 1,
        }),
      ),
      glue: Type.Optional(GlueOptions),
      embedded: Type.Optional(EmbeddedOptions),
      referenceData: Type.Optional(
        Type.Array(ReferenceDataset, {
          description: 'Reference datasets for rules that compare two datasets (engine glue).',
          maxItems: 10,
        }),
      ),
      historyLimit: Type.Optional(
        Type.Integer({
          description: 'How many past runs status.history keeps (default 10).',
          minimum: 1,
          maximum: 50,
          default: 10,
        }),
      ),
      ...policyFields,
      ...accountField,
    },
    { description: 'What to check, where the rows go, when it runs and on which engine.' },
  ),
  [
    ACCOUNT_IMMUTABLE_RULE,
    {
      rule: "!has(self.glue) || !has(self.engine) || self.engine == 'glue'",
      message: 'glue settings apply only to engine glue',
      fieldPath: '.glue',
      // engine defaults to embedded: glue settings need engine: glue written out.
      jsonSchema: jsonIf(
        { required: ['glue'] },
        { required: ['engine'], properties: { engine: { const: 'glue' } } },
      ),
    },
    {
      rule: "!has(self.embedded) || !has(self.engine) || self.engine == 'embedded'",
      message: 'embedded settings apply only to engine embedded',
      fieldPath: '.embedded',
    },
    {
      rule: "!has(self.source.catalogTable) || (has(self.engine) && self.engine == 'glue' && has(self.glue) && has(self.glue.roleArn))",
      message:
        'a catalog table source needs engine glue and glue.roleArn (a role that can read the table and its data)',
      fieldPath: '.source.catalogTable',
    },
    {
      rule: "!has(self.referenceData) || (has(self.engine) && self.engine == 'glue')",
      message: 'reference datasets need engine glue',
      fieldPath: '.referenceData',
    },
    {
      rule: '!has(self.referenceData) || self.referenceData.all(r, !has(r.catalogTable)) || (has(self.glue) && has(self.glue.roleArn))',
      message:
        'a catalog table reference needs glue.roleArn (a role that can read the table and its data)',
      fieldPath: '.referenceData',
    },
  ],
);
export type QualityPipelineSpec = Static<typeof QualityPipelineSpec>;

export const RunState = StringEnum(['Running', 'Succeeded', 'Failed'] as const, {
  description:
    'Running; Succeeded (rules evaluated, score at or above minScore); Failed (the run could not finish, or scored below minScore).',
});

export const RunTrigger = StringEnum(['Schedule', 'MissedSchedule', 'Manual'] as const, {
  description:
    'What started the run: its schedule, a slot missed while the operator was down, or the seawall.dev/run-requested-at annotation.',
});

export const RuleResultSummary = Type.Object(
  {
    name: Type.String({ description: 'Rule_1, Rule_2, ... in ruleset order, as Glue names them.' }),
    rule: Type.String({ description: 'The rule as written.', maxLength: 1024 }),
    outcome: StringEnum(['PASS', 'FAIL', 'ERROR'] as const, {
      description: 'The rule outcome.',
    }),
    message: Type.Optional(Type.String({ description: 'Why it failed.', maxLength: 1024 })),
  },
  { description: 'The outcome of one rule.' },
);

export const RowCounts = Type.Object(
  {
    processed: Type.Integer({ description: 'Rows read.', minimum: 0 }),
    trusted: Type.Integer({ description: 'Rows written to the trusted prefix.', minimum: 0 }),
    quarantined: Type.Integer({
      description: 'Rows written to the quarantine prefix.',
      minimum: 0,
    }),
    malformed: Type.Optional(
      Type.Integer({
        description: 'Rows that could not be read as records (counted in quarantined).',
        minimum: 0,
      }),
    ),
  },
  { description: 'Row counts of a run.' },
);

export const RunOutputs = Type.Object(
  {
    trusted: Type.Optional(Type.String({ description: 's3:// folder of the trusted rows.' })),
    quarantine: Type.Optional(
      Type.String({ description: 's3:// folder of the quarantined rows.' }),
    ),
    results: Type.Optional(Type.String({ description: 's3:// URL of the results document.' })),
  },
  { description: 'Where the run wrote.' },
);

const runIdentity = {
  id: Type.String({ description: 'Run id (names the output folders and the results document).' }),
  engine: Type.String({ description: 'The engine that ran it.' }),
  trigger: Type.Optional(RunTrigger),
  startedAt: Type.String({ description: 'When the run started.', format: 'date-time' }),
};

export const RunSummary = Type.Object(
  {
    ...runIdentity,
    completedAt: Type.Optional(
      Type.String({ description: 'When the run finished.', format: 'date-time' }),
    ),
    state: RunState,
    score: Type.Optional(
      Type.Number({ description: 'Passed rules / all rules (0 to 1).', minimum: 0, maximum: 1 }),
    ),
    rules: Type.Optional(
      Type.Object(
        {
          total: Type.Integer({ description: 'Rules evaluated.', minimum: 0 }),
          passed: Type.Integer({ description: 'Rules that passed.', minimum: 0 }),
          failed: Type.Integer({ description: 'Rules that failed.', minimum: 0 }),
          errored: Type.Integer({ description: 'Rules that could not be evaluated.', minimum: 0 }),
        },
        { description: 'Rule outcome counts.' },
      ),
    ),
    ruleResults: Type.Optional(
      Type.Array(RuleResultSummary, {
        description: 'Per-rule outcomes (the first 50; the results document has them all).',
        maxItems: 50,
      }),
    ),
    rows: Type.Optional(RowCounts),
    outputs: Type.Optional(RunOutputs),
    glueJobRunId: Type.Optional(Type.String({ description: 'The Glue job run (engine glue).' })),
    message: Type.Optional(
      Type.String({ description: 'Why the run failed, or a summary.', maxLength: 4096 }),
    ),
  },
  { description: 'One run of the pipeline.' },
);
export type RunSummary = Static<typeof RunSummary>;

export const HistoryEntry = Type.Object(
  {
    id: Type.String({ description: 'Run id.' }),
    startedAt: Type.String({ description: 'When the run started.', format: 'date-time' }),
    completedAt: Type.Optional(
      Type.String({ description: 'When the run finished.', format: 'date-time' }),
    ),
    state: RunState,
    trigger: Type.Optional(RunTrigger),
    score: Type.Optional(
      Type.Number({ description: 'Passed rules / all rules.', minimum: 0, maximum: 1 }),
    ),
    trusted: Type.Optional(Type.Integer({ description: 'Rows trusted.', minimum: 0 })),
    quarantined: Type.Optional(Type.Integer({ description: 'Rows quarantined.', minimum: 0 })),
  },
  { description: 'A past run, in brief.' },
);
export type HistoryEntry = Static<typeof HistoryEntry>;

export const CurrentRun = Type.Object(
  {
    ...runIdentity,
    scheduledTime: Type.Optional(
      Type.String({
        description: 'The schedule slot this run is for (scheduled runs).',
        format: 'date-time',
      }),
    ),
    operator: Type.Optional(
      Type.String({
        description:
          'The operator process running it (engine embedded). Another process finding it here knows the run was cut short.',
      }),
    ),
    glueJobRunId: Type.Optional(Type.String({ description: 'The Glue job run (engine glue).' })),
  },
  {
    description:
      'The run in progress, recorded before it starts: found by a new operator process, it is marked Failed, never silently repeated.',
  },
);
export type CurrentRun = Static<typeof CurrentRun>;

export const GlueResources = Type.Object(
  {
    region: Type.Optional(Type.String({ description: 'Region of the Glue resources.' })),
    jobName: Type.Optional(Type.String({ description: 'Glue job.' })),
    workflowName: Type.Optional(Type.String({ description: 'Glue workflow.' })),
    triggerName: Type.Optional(Type.String({ description: 'Scheduled trigger.' })),
    crawlerName: Type.Optional(Type.String({ description: 'Crawler of the trusted prefix.' })),
    crawlerTriggerName: Type.Optional(
      Type.String({ description: 'Conditional trigger starting the crawler.' }),
    ),
    roleArn: Type.Optional(Type.String({ description: 'Role the job runs as.' })),
    scriptLocation: Type.Optional(Type.String({ description: 's3:// URL of the job script.' })),
  },
  { description: 'The Glue resources of engine glue.' },
);

export const QualityPipelineStatus = Type.Object(
  {
    ...commonStatusFields,
    engine: Type.Optional(Type.String({ description: 'The engine last reconciled.' })),
    nextRunTime: Type.Optional(
      Type.String({ description: 'When the next scheduled run starts.', format: 'date-time' }),
    ),
    lastScheduledTime: Type.Optional(
      Type.String({
        description:
          'The latest schedule slot that was run (or found missed and run once at start-up).',
        format: 'date-time',
      }),
    ),
    handledRunRequest: Type.Optional(
      Type.String({
        description: 'The last seawall.dev/run-requested-at value acted on.',
        maxLength: 256,
      }),
    ),
    currentRun: Type.Optional(CurrentRun),
    lastRun: Type.Optional(RunSummary),
    history: Type.Optional(
      Type.Array(HistoryEntry, {
        description: 'Past runs, newest first (spec.historyLimit of them).',
        maxItems: 50,
      }),
    ),
    glue: Type.Optional(GlueResources),
  },
  { description: 'What Seawall last observed, ran and found.' },
);
export type QualityPipelineStatus = Static<typeof QualityPipelineStatus>;

export type QualityPipeline = SeawallObject<QualityPipelineSpec, QualityPipelineStatus>;

export const qualityPipelineKind: KindDefinition = {
  kind: 'QualityPipeline',
  plural: 'qualitypipelines',
  singular: 'qualitypipeline',
  shortNames: ['qp'],
  description:
    'DQDL data-quality rules run on a schedule over raw data in S3: rows that pass go to a trusted prefix, rows that fail to a quarantine prefix, and each run’s results land in status. Runs on the embedded engine or on AWS Glue.',
  spec: QualityPipelineSpec,
  status: QualityPipelineStatus,
  printerColumns: [
    {
      name: 'Score',
      type: 'number',
      jsonPath: '.status.lastRun.score',
      description: 'Passed rules / all rules of the last run.',
    },
    {
      name: 'Last Run',
      type: 'date',
      jsonPath: '.status.lastRun.completedAt',
      description: 'When the last run finished.',
    },
    {
      // A string, not a date: kubectl shows a future date as <invalid>.
      name: 'Next Run',
      type: 'string',
      jsonPath: '.status.nextRunTime',
      description: 'When the next scheduled run starts (UTC).',
    },
    readyColumn,
    statusColumn,
    ageColumn,
    wide(driftColumn),
    wide(lastCorrectedColumn),
    wide({
      name: 'Engine',
      type: 'string',
      jsonPath: '.spec.engine',
      description: 'embedded or glue.',
    }),
    wide({
      name: 'Schedule',
      type: 'string',
      jsonPath: '.spec.schedule',
      description: 'Glue cron schedule (UTC).',
    }),
    wide({
      name: 'State',
      type: 'string',
      jsonPath: '.status.lastRun.state',
      description: 'Outcome of the last run.',
    }),
    wide({
      name: 'Trusted',
      type: 'integer',
      jsonPath: '.status.lastRun.rows.trusted',
      description: 'Rows trusted by the last run.',
    }),
    wide({
      name: 'Quarantined',
      type: 'integer',
      jsonPath: '.status.lastRun.rows.quarantined',
      description: 'Rows quarantined by the last run.',
    }),
  ],
};
