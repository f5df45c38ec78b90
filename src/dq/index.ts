/**
 * DQDL (the rule language of AWS Glue Data Quality) and Seawall's embedded engine.
 *
 *   parseRuleset(text)          -> { ok: true, ruleset } | { ok: false, errors: [{ line, column, message }] }
 *   validateForEmbedded(ruleset) -> [{ line, column, message }]   (empty: the embedded engine can run it)
 *   runEmbeddedPipeline(options) -> ResultsDocument               (also written to S3)
 *
 * The QualityPipeline controller validates a spec with the first two and runs engine
 * `embedded` with the third; engine `glue` writes the same ResultsDocument.
 */

export {
  type EmbeddedPipelineOptions,
  FAILED_RULES_COLUMN,
  FAILURE_REASONS_COLUMN,
  runEmbeddedPipeline,
  type S3Location,
} from './engine/pipeline.ts';
export { type RowFailure, RulesetEvaluator, scoreOf } from './evaluate/evaluator.ts';
export type { Cell, RowView } from './evaluate/values.ts';
export type { CompositeRule, Condition, Rule, Ruleset, TopLevelRule } from './parser/ast.ts';
export type { DqdlError } from './parser/errors.ts';
export { type ParseResult, parseRuleset } from './parser/parser.ts';
export { default as resultsSchema } from './results.schema.json' with { type: 'json' };
export type { ObjectRef, ResultsDocument, RuleOutcome, RuleResult } from './results.ts';
export { RULE_TYPES, type RuleTypeSpec, ruleTypeSpec } from './rules/catalogue.ts';
export { validateForEmbedded } from './rules/embedded.ts';
