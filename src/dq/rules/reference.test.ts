import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../parser/parser.ts';
import { referenceAliases, undefinedReferences } from './reference.ts';

function ruleset(text: string) {
  const parsed = parseRuleset(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.ruleset;
}

describe('reference datasets named by rules', () => {
  const rules = ruleset(
    'Rules = [ ReferentialIntegrity "id" "registry.{id,zone}" = 1.0, (RowCountMatch "prior" >= 0.9) and (SchemaMatch "registry" = 1.0), DatasetMatch "prior" "id" >= 0.9, IsComplete "id" ]',
  );

  it('finds the alias of every comparing rule, composites included', () => {
    expect(referenceAliases(rules).map((r) => `${r.rule.ruleType}:${r.alias}`)).toEqual([
      'ReferentialIntegrity:registry',
      'RowCountMatch:prior',
      'SchemaMatch:registry',
      'DatasetMatch:prior',
    ]);
  });

  it('reports the rules naming an alias spec.referenceData lacks', () => {
    expect(undefinedReferences(rules, ['registry', 'prior'])).toEqual([]);
    expect(undefinedReferences(rules, ['registry']).map((e) => e.message)).toEqual([
      'RowCountMatch compares with reference dataset "prior", which spec.referenceData does not define (it has "registry")',
      'DatasetMatch compares with reference dataset "prior", which spec.referenceData does not define (it has "registry")',
    ]);
  });
});
