/**
 * DQDL (the rule language of AWS Glue Data Quality) and Seawall's embedded engine.
 *
 *   parseRuleset(text)          -> { ok: true, ruleset } | { ok: false, errors: [{ line, column, message }] }
 *   validateForEmbedded(ruleset) -> [{ line, column, message }]   (empty: the embedded engine can run it)
 *   runEmbeddedPipeline(options) -> ResultsDocument               (also written to the store)
 *   startIsolatedRun(request)    -> the same in a child process with memory and time limits
 *
 * The QualityPipeline controller validates a spec with the first two and runs engine
 * `embedded` with the third; engine `glue` writes the same ResultsDocument.
 */

export {
  failedDocument,
  type IsolatedPipelineOptions,
  type IsolatedRun,
  type IsolatedRunRequest,
  type RunLimits,
  type S3Access,
  startIsolatedRun,
} from './engine/isolated.ts';
export {
  type EmbeddedPipelineOptions,
  FAILED_RULES_COLUMN,
  FAILURE_REASONS_COLUMN,
  type FailedRow,
  runEmbeddedPipeline,
  type S3Location,
  type SourceFormat,
} from './engine/pipeline.ts';
export { localStore, type ObjectStore, s3Store } from './engine/store.ts';
export { compileFullMatch } from './evaluate/regex.ts';
export type { CompositeRule, Condition, Rule, Ruleset, TopLevelRule } from './parser/ast.ts';
export type { DqdlError } from './parser/errors.ts';
export { type ParseResult, parseRuleset } from './parser/parser.ts';
export { default as resultsSchema } from './results.schema.json' with { type: 'json' };
export type { ObjectRef, ResultsDocument, RuleOutcome, RuleResult } from './results.ts';
export { RULE_TYPES, type RuleTypeSpec, ruleTypeSpec } from './rules/catalogue.ts';
export { validateForEmbedded } from './rules/embedded.ts';
export { referenceAliases, undefinedReferences } from './rules/reference.ts';
export { scoreOf } from './sql/plan.ts';
