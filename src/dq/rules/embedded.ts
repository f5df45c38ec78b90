import type { Condition, NumberExpression, Rule, Ruleset, TopLevelRule } from '../parser/ast.ts';
import type { DqdlError } from '../parser/errors.ts';
import { DATA_TYPES } from '../sql/cells.ts';
import { ruleTypeSpec } from './catalogue.ts';

const GLUE = 'use engine "glue"';

function callsIn(expression: NumberExpression): string[] {
  if (expression.type === 'call') return [expression.name, ...expression.args.flatMap(callsIn)];
  if (expression.type === 'binary')
    return [...callsIn(expression.left), ...callsIn(expression.right)];
  return [];
}

function conditionProblems(condition: Condition): string[] {
  const problems: string[] = [];
  for (const operand of condition.operands) {
    if (operand.kind === 'number') {
      const calls = callsIn(operand.expression);
      if (calls.length > 0) {
        problems.push(
          `uses ${calls[0]}(): dynamic rules compare with earlier runs' metrics, which only Glue keeps; ${GLUE}`,
        );
      }
    }
    if (operand.kind === 'date' && operand.expression.type === 'time') {
      problems.push('a time of day only applies to file rules');
    }
  }
  return problems;
}

/**
 * Checks that the embedded engine can evaluate every rule of a parsed ruleset. Each error
 * names the rule and says why, pointing to engine "glue" when Glue can run it.
 */
export function validateForEmbedded(ruleset: Ruleset): DqdlError[] {
  const errors: DqdlError[] = [];
  const at = (rule: { location: { line: number; column: number } }, message: string): void => {
    errors.push({ line: rule.location.line, column: rule.location.column, message });
  };
  const visit = (node: TopLevelRule): void => {
    if (node.type !== 'rule') {
      node.rules.forEach(visit);
      return;
    }
    const rule: Rule = node;
    const spec = ruleTypeSpec(rule.ruleType);
    if (!spec) {
      at(rule, `unknown rule type ${JSON.stringify(rule.ruleType)}`);
      return;
    }
    if (!spec.embedded) {
      at(
        rule,
        `${rule.ruleType} cannot run on the embedded engine because ${spec.notEmbeddedBecause}; ${GLUE}`,
      );
      return;
    }
    const conditions = [rule.condition, ...rule.tags.map((t) => t.condition)];
    for (const condition of conditions) {
      if (!condition) continue;
      for (const problem of conditionProblems(condition)) at(rule, `${rule.text}: ${problem}`);
    }
    for (const tag of rule.tags) {
      if (tag.name !== 'threshold') {
        at(
          rule,
          `${rule.ruleType}: unknown tag "with ${tag.name}" (only "with threshold" is defined)`,
        );
      }
    }
    if (rule.ruleType === 'ColumnDataType' && rule.condition) {
      for (const operand of rule.condition.operands) {
        if (operand.kind === 'string' && !DATA_TYPES.includes(operand.value.toUpperCase())) {
          at(
            rule,
            `ColumnDataType: unknown type ${JSON.stringify(operand.value)} (one of ${DATA_TYPES.join(', ')})`,
          );
        }
      }
      if (!['=', '!=', 'in', 'not in'].includes(rule.condition.operator)) {
        at(rule, 'ColumnDataType compares with = "TYPE" or in ["TYPE", ...]');
      }
    }
  };
  ruleset.rules.forEach(visit);
  for (const analyzer of ruleset.analyzers) {
    errors.push({
      line: analyzer.location.line,
      column: analyzer.location.column,
      message: `Analyzer ${analyzer.analyzerType} is not evaluated by the embedded engine; ${GLUE}`,
    });
  }
  return errors;
}
