import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../parser/parser.ts';
import { RULE_TYPES } from './catalogue.ts';
import { validateForEmbedded } from './embedded.ts';

function problems(text: string): string[] {
  const parsed = parseRuleset(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return validateForEmbedded(parsed.ruleset).map((e) => `${e.line}:${e.column} ${e.message}`);
}

describe('validateForEmbedded', () => {
  it('accepts the streaming rules', () => {
    expect(
      problems(`Rules = [
        RowCount > 0, ColumnCount = 3, ColumnExists "a", IsComplete "a", Completeness "a" > 0.9,
        IsUnique "a", Uniqueness "a" > 0.9, IsPrimaryKey "a" "b", ColumnValues "a" in ["x"],
        ColumnLength "a" < 5, ColumnDataType "a" = "INTEGER", DistinctValuesCount "a" > 1,
        UniqueValueRatio "a" > 0.1, Mean "a" > 1, Sum "a" > 1, StandardDeviation "a" < 3,
        Variance "a" < 9, Entropy "a" > 0, DataFreshness "d" <= 1 days,
        ColumnCorrelation "a" "b" > 0.5, ColumnNamesMatchPattern "[a-z]+",
        (IsComplete "a") and ((IsUnique "a") or (RowCount > 2))
      ]`),
    ).toEqual([]);
  });

  it.each([
    [
      'CustomSql "select count(*) from primary" > 0',
      'CustomSql cannot run on the embedded engine because it needs a SQL engine (Spark); use engine "glue"',
    ],
    [
      'ReferentialIntegrity "id" "ref.{id}" = 1.0',
      'ReferentialIntegrity cannot run on the embedded engine because it compares with a second (reference) dataset; use engine "glue"',
    ],
    ['DatasetMatch "ref" "id" >= 0.9', 'DatasetMatch cannot run'],
    ['RowCountMatch "ref" > 0.9', 'RowCountMatch cannot run'],
    ['SchemaMatch "ref" = 1.0', 'SchemaMatch cannot run'],
    ['AggregateMatch "sum(a)" "sum(b)" > 0.9', 'AggregateMatch cannot run'],
    ['DetectAnomalies "RowCount"', 'DetectAnomalies cannot run'],
    ['FileSize "s3://b/k" < 1 MB', 'FileSize cannot run'],
    ['RowCount > avg(last(10))', 'uses avg(): dynamic rules'],
    ['ColumnDataType "a" = "UUID"', 'unknown type "UUID"'],
    ['RowCount > 1 with severity > 2', 'unknown tag "with severity"'],
  ])('rejects %s', (rule, message) => {
    const [problem] = problems(`Rules = [\n  ${rule}\n]`);
    expect(problem).toContain('2:3 ');
    expect(problem).toContain(message);
  });

  it('finds rules inside composites', () => {
    expect(problems('Rules = [ (IsComplete "a") or (CustomSql "select 1" = 1) ]')).toHaveLength(1);
  });

  it('rejects analyzers', () => {
    expect(problems('Rules = [ ]\nAnalyzers = [ Completeness "a" ]')[0]).toContain(
      'Analyzer Completeness',
    );
  });

  it('knows every rule type of rules-config.json', () => {
    expect(RULE_TYPES.map((r) => r.name).sort()).toEqual(
      [
        'AggregateMatch',
        'AllStatistics',
        'ColumnCorrelation',
        'ColumnCount',
        'ColumnDataType',
        'ColumnExists',
        'ColumnLength',
        'ColumnNamesMatchPattern',
        'ColumnValues',
        'Completeness',
        'CustomSql',
        'DataFreshness',
        'DatasetMatch',
        'DetectAnomalies',
        'DistinctValuesCount',
        'Entropy',
        'FileFreshness',
        'FileMatch',
        'FileSize',
        'FileUniqueness',
        'IsComplete',
        'IsPrimaryKey',
        'IsUnique',
        'Mean',
        'ReferentialIntegrity',
        'RowCount',
        'RowCountMatch',
        'SchemaMatch',
        'StandardDeviation',
        'Sum',
        'UniqueValueRatio',
        'Uniqueness',
        'Variance',
      ].sort(),
    );
  });
});
