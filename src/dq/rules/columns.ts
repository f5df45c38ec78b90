import type { Ruleset, TopLevelRule } from '../parser/ast.ts';
import { whereColumns } from '../sql/where.ts';
import { ruleTypeSpec } from './catalogue.ts';

/** Every column a ruleset reads: the rules' columns and those of their where clauses. */
export function referencedColumns(ruleset: Ruleset): string[] {
  const columns = new Set<string>();
  const visit = (rule: TopLevelRule): void => {
    if (rule.type !== 'rule') {
      rule.rules.forEach(visit);
      return;
    }
    if (ruleTypeSpec(rule.ruleType)?.scope === 'column')
      for (const p of rule.parameters) columns.add(p.value);
    if (rule.where) for (const c of whereColumns(rule.where.expression)) columns.add(c);
  };
  ruleset.rules.forEach(visit);
  return [...columns];
}
