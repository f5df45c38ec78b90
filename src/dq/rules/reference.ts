import type { Rule, Ruleset, TopLevelRule } from '../parser/ast.ts';
import type { DqdlError } from '../parser/errors.ts';

/** The reference dataset (alias) each rule that compares two datasets names. */
export function referenceAliases(ruleset: Ruleset): { alias: string; rule: Rule }[] {
  const found: { alias: string; rule: Rule }[] = [];
  const visit = (node: TopLevelRule): void => {
    if (node.type !== 'rule') {
      node.rules.forEach(visit);
      return;
    }
    const [first, second] = node.parameters;
    switch (node.ruleType) {
      case 'RowCountMatch':
      case 'SchemaMatch':
      case 'DatasetMatch':
        if (first) found.push({ alias: first.value, rule: node });
        break;
      case 'ReferentialIntegrity':
        // "reference.col" or "reference.{a,b}": the alias is before the first dot.
        if (second?.value.includes('.'))
          found.push({ alias: second.value.slice(0, second.value.indexOf('.')), rule: node });
        break;
    }
  };
  ruleset.rules.forEach(visit);
  return found;
}

/** Rules naming a reference dataset the pipeline does not define (spec.referenceData). */
export function undefinedReferences(ruleset: Ruleset, defined: readonly string[]): DqdlError[] {
  return referenceAliases(ruleset)
    .filter(({ alias }) => !defined.includes(alias))
    .map(({ alias, rule }) => ({
      line: rule.location.line,
      column: rule.location.column,
      message: `${rule.ruleType} compares with reference dataset ${JSON.stringify(alias)}, which spec.referenceData does not define${defined.length ? ` (it has ${defined.map((d) => JSON.stringify(d)).join(', ')})` : ''}`,
    }));
}
