/**
 * The run-results document: one per QualityPipeline run, written by both engines under the
 * results prefix, read by the operator to fill status.lastRun. JSON Schema:
 * results.schema.json (kept in step by a test).
 */
export type RuleOutcome = 'PASS' | 'FAIL' | 'ERROR';

export interface RuleResult {
  /** Rule_1, Rule_2, ... in the order of the ruleset, as Glue names them. */
  name: string;
  /** The rule as written. */
  rule: string;
  outcome: RuleOutcome;
  message?: string;
  /** Metric name (as Glue names it, e.g. Column.rate.Completeness) to value. */
  evaluatedMetrics: Record<string, number>;
  /** Whether the rule judged single rows (false: skipped for row-level outcomes). */
  rowLevel: boolean;
  /** Rows that failed this rule, for row-level rules. */
  rowsFailed?: number;
  labels?: Record<string, string>;
}

export interface ObjectRef {
  bucket: string;
  key: string;
  rows: number;
  bytes?: number;
}

export interface ResultsDocument {
  apiVersion: 'seawall.io/v1alpha1';
  kind: 'DataQualityRunResult';
  runId: string;
  engine: 'embedded' | 'glue';
  /** SUCCEEDED: rules evaluated (whatever their outcome). FAILED: the run could not finish. */
  status: 'SUCCEEDED' | 'FAILED';
  error?: string;
  startedAt: string;
  finishedAt: string;
  /** Passed rules / all rules, 0..1; null when the run failed before evaluating. */
  score: number | null;
  rules: { total: number; passed: number; failed: number; errored: number };
  rows: {
    processed: number;
    passed: number;
    failed: number;
    /** Rows that could not be read as records (bad CSV quoting, invalid JSON, ...). */
    malformed: number;
  };
  ruleResults: RuleResult[];
  source: {
    bucket: string;
    prefix: string;
    format: 'csv' | 'jsonl' | 'parquet';
    objects: ObjectRef[];
  };
  outputs: { trusted: ObjectRef[]; quarantine: ObjectRef[] };
}
