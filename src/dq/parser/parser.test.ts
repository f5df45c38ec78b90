import { describe, expect, it } from 'vitest';
import type { Condition, Rule, TopLevelRule } from './ast.ts';
import { parseRuleset } from './parser.ts';

function rules(text: string): TopLevelRule[] {
  const result = parseRuleset(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ruleset.rules;
}

function only(ruleText: string): Rule {
  const [rule] = rules(`Rules = [ ${ruleText} ]`);
  if (rule?.type !== 'rule') throw new Error('expected one plain rule');
  return rule;
}

function condition(ruleText: string): Condition {
  const c = only(ruleText).condition;
  if (!c) throw new Error('no condition');
  return c;
}

// Examples from the DQDL reference (one or more per rule type).
const REFERENCE_EXAMPLES: [string, string][] = [
  ['RowCount', 'RowCount between 10 and 100'],
  ['RowCount', 'RowCount > 100 where "Customer_ID < 10"'],
  ['ColumnCount', 'ColumnCount >= 4'],
  ['ColumnDataType', 'ColumnDataType "colA" = "INTEGER"'],
  ['ColumnDataType', 'ColumnDataType "colA" = "INTEGER" with threshold > 0.9'],
  ['ColumnExists', 'ColumnExists "Load_Date"'],
  ['ColumnLength', 'ColumnLength "Postal_Code" = 5'],
  ['ColumnLength', 'ColumnLength "weightinkgs" = 2 where "weightinkgs > 10"'],
  ['ColumnNamesMatchPattern', 'ColumnNamesMatchPattern "aws_.*"'],
  ['ColumnValues', 'ColumnValues "Country" in [ "US", "CA", "UK", NULL, EMPTY, WHITESPACES_ONLY ]'],
  ['ColumnValues', 'ColumnValues "gender" in ["F", "M"] where "weightinkgs < 10"'],
  ['ColumnValues', 'ColumnValues "First_Name" matches "[a-zA-Z]*"'],
  ['ColumnValues', 'ColumnValues "Load_Date" > (now() - 3 days)'],
  ['ColumnValues', 'ColumnValues "Customer_ID" between 1 and 2000'],
  ['ColumnValues', 'ColumnValues "Age" not in [21, 22, 23, NULL]'],
  ['ColumnValues', 'ColumnValues "Age" != 21'],
  ['ColumnValues', 'ColumnValues "colA" in ["A", "B"] with threshold > 0.8'],
  ['ColumnCorrelation', 'ColumnCorrelation "height" "weight" > 0.8'],
  ['ColumnCorrelation', 'ColumnCorrelation "height" and "weight" > 0.8'],
  ['Completeness', 'Completeness "First_Name" > 0.95'],
  ['Completeness', 'Completeness "colA" between min(last(5)) - 1 and max(last(5)) + 1'],
  ['CustomSql', 'CustomSql "select count(*) from primary" between 10 and 20'],
  ['CustomSql', 'CustomSql "select count(*) from primary where age > 5" with threshold > 0.9'],
  ['DataFreshness', 'DataFreshness "Order_Date" <= 24 hours'],
  ['DataFreshness', 'DataFreshness "Order_Date" between 2 days and 5 days'],
  ['DatasetMatch', 'DatasetMatch "reference" "ID_1->ID_2" >= 0.9'],
  ['DatasetMatch', 'DatasetMatch "reference" "ID1,ID2" "Address" >= 0.9'],
  ['DistinctValuesCount', 'DistinctValuesCount "State" > 3'],
  ['Entropy', 'Entropy "Star_Rating" > 1'],
  ['IsComplete', 'IsComplete "email"'],
  ['IsComplete', 'IsComplete "Customer_ID" where "Customer_ID < 16 and Customer_ID != 12"'],
  ['IsPrimaryKey', 'IsPrimaryKey "Customer_ID"'],
  ['IsPrimaryKey', 'IsPrimaryKey "First_Name" "Last_Name"'],
  ['IsUnique', 'IsUnique "email"'],
  ['Mean', 'Mean "Star_Rating" > 3'],
  ['ReferentialIntegrity', 'ReferentialIntegrity "Customer_ID" "reference.Customer_ID" = 1.0'],
  ['RowCountMatch', 'RowCountMatch "reference" >= 0.9'],
  ['StandardDeviation', 'StandardDeviation "Star_Rating" < 1.5'],
  ['Sum', 'Sum "transaction_total" > 500000'],
  ['SchemaMatch', 'SchemaMatch "reference" = 1.0'],
  ['Uniqueness', 'Uniqueness "email" = 1.0'],
  ['UniqueValueRatio', 'UniqueValueRatio "test_score" between 0 and 0.5'],
  ['AggregateMatch', 'AggregateMatch "sum(col1)" "sum(col2)" > 0.9'],
  ['DetectAnomalies', 'DetectAnomalies "RowCount"'],
  ['Variance', 'Variance "Star_Rating" < 2'],
  ['FileFreshness', 'FileFreshness "s3://bucket/" >= (now() - 1 days)'],
  ['FileFreshness', 'FileFreshness "s3://bucket/f/" between "9:30 AM" and "21:30"'],
  ['FileSize', 'FileSize "s3://bucket/file.csv" < 10 MB'],
  ['FileMatch', 'FileMatch "s3://bucket/a" "s3://bucket/b"'],
  ['FileUniqueness', 'FileUniqueness "s3://bucket/" > 0.5'],
];

describe('parseRuleset: DQDL reference examples', () => {
  it.each(REFERENCE_EXAMPLES)('%s: %s', (type, text) => {
    const rule = only(text);
    expect(rule.ruleType).toBe(type);
    expect(rule.text).toBe(text);
  });
});

describe('parseRuleset: conditions', () => {
  it.each([
    ['RowCount = 5', 'number', '=', 1],
    ['ColumnValues "a" != 5', 'number', '!=', 1],
    ['RowCount between 1 and 2', 'number', 'between', 2],
    ['RowCount not between 1 and 2', 'number', 'not between', 2],
    ['ColumnValues "a" in [1, 2, 3]', 'number', 'in', 3],
    ['ColumnValues "a" not in ["x"]', 'string', 'not in', 1],
    ['ColumnValues "a" not matches "[0-9]+"', 'string', 'not matches', 1],
    ['ColumnValues "d" = "2024-01-31"', 'date', '=', 1],
    ['ColumnValues "d" between "2024-01-01" and now()', 'date', 'between', 2],
    ['ColumnValues "d" in ["2024-01-01", (now() + 1 hours)]', 'date', 'in', 2],
    ['ColumnValues "a" = NULL', 'string', '=', 1],
    ['DataFreshness "d" > 30 minutes', 'duration', '>', 1],
  ] as const)('%s', (text, kind, operator, operands) => {
    const c = condition(text);
    expect([c.kind, c.operator, c.operands.length]).toEqual([kind, operator, operands]);
  });

  it('folds negative numbers and arithmetic with the usual precedence', () => {
    const c = condition('RowCount > -1 + 2 * 3');
    expect(c.operands[0]).toEqual({
      kind: 'number',
      expression: {
        type: 'binary',
        op: '+',
        left: { type: 'literal', value: -1 },
        right: {
          type: 'binary',
          op: '*',
          left: { type: 'literal', value: 2 },
          right: { type: 'literal', value: 3 },
        },
      },
    });
  });

  it('reads now() arithmetic and durations', () => {
    expect(condition('ColumnValues "d" > (now() - 3 days)').operands[0]).toEqual({
      kind: 'date',
      expression: { type: 'now', offset: { sign: '-', duration: { amount: 3, unit: 'days' } } },
    });
  });

  it('keeps escaped quotes and backslashes in strings', () => {
    const c = condition('ColumnValues "a" matches "\\\\d+ \\"x\\""');
    expect(c.operands[0]).toEqual({ kind: 'string', value: '\\d+ "x"' });
  });

  it('pulls the threshold out of with-tags', () => {
    const rule = only('ColumnValues "a" > 1 with threshold between 0.5 and 0.9');
    expect(rule.threshold?.operator).toBe('between');
  });
});

describe('parseRuleset: composites', () => {
  it('binds and tighter than or', () => {
    const [rule] = rules('Rules = [ (RowCount > 1) or (IsComplete "a") and (IsUnique "a") ]');
    expect(rule?.type).toBe('or');
    if (rule?.type !== 'or') return;
    expect(rule.rules.map((r) => r.type)).toEqual(['rule', 'and']);
  });

  it('nests parentheses', () => {
    const [rule] = rules(
      'Rules = [ (RowCount > 0) or ((IsComplete "colA") and (IsUnique "colA")) ]',
    );
    expect(rule?.text).toBe('(RowCount > 0) or ((IsComplete "colA") and (IsUnique "colA"))');
  });

  it('chains one operator', () => {
    const [rule] = rules(
      'Rules = [ (Mean "Star_Rating" > 3) and (Mean "Order_Total" > 500) and (IsComplete "Order_Id") ]',
    );
    expect(rule?.type === 'and' && rule.rules.length).toBe(3);
  });

  it('tells the connector "and" from the composite "and"', () => {
    const [rule] = rules('Rules = [ IsPrimaryKey "a" and "b" ]');
    expect(rule?.type === 'rule' && rule.parameters.map((p) => [p.value, p.connector])).toEqual([
      ['a', undefined],
      ['b', 'and'],
    ]);
    const [composite] = rules('Rules = [ IsComplete "a" and IsComplete "b" ]');
    expect(composite?.type).toBe('and');
  });
});

describe('parseRuleset: document sections', () => {
  it('reads metadata, sources, variables, labels and analyzers', () => {
    const result = parseRuleset(`
      Metadata = { "Version": "1.0", "Owners": ["a", "b"] }
      DataSources = { "Primary": "orders" }
      allowed = ["US", "CA"]
      code = "X"
      DefaultLabels = ["team" = "data"]
      Rules = [
        ColumnValues "country" in $allowed,
        ColumnValues $code = "y" labels = ["severity" = "high"]
      ]
      Analyzers = [ Completeness "country" ]
    `);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { ruleset } = result;
    expect(ruleset.metadata).toEqual({ Version: '1.0', Owners: ['a', 'b'] });
    expect(ruleset.defaultLabels).toEqual({ team: 'data' });
    expect(ruleset.analyzers.map((a) => a.analyzerType)).toEqual(['Completeness']);
    const [first, second] = ruleset.rules as Rule[];
    expect(first?.condition?.operands).toEqual([
      { kind: 'string', value: 'US' },
      { kind: 'string', value: 'CA' },
    ]);
    expect(second?.parameters[0]).toMatchObject({ value: 'X', variable: 'code' });
    expect(second?.labels).toEqual({ severity: 'high' });
  });

  it('accepts an empty ruleset and comments anywhere', () => {
    expect(parseRuleset('# nothing yet\nRules = [\n# still nothing\n]\n# end').ok).toBe(true);
  });
});

describe('parseRuleset: errors carry line, column and what was expected', () => {
  it.each([
    ['Rules = [ IsComplete "a" ', 1, 26, 'expected , or ] after a rule, found end of input'],
    ['Rules = [\n  ColumnValues "a" >\n]', 3, 1, 'expected a value'],
    ['Rules = [ RowCount between 1 2 ]', 1, 30, 'expected and between the two bounds, found "2"'],
    ['Rules [ IsComplete "a" ]', 1, 1, 'expected Rules = [ ... ]'],
    ['Rules = [ Foo "a" ]', 1, 11, 'unknown rule type "Foo"'],
    ['Rules = [ Completeness "a" ]', 1, 11, 'Completeness needs a condition'],
    ['Rules = [ IsComplete "a" > 1 ]', 1, 26, 'IsComplete takes no condition'],
    ['Rules = [ IsComplete ]', 1, 11, 'IsComplete takes 1 parameter(s) (TargetColumn), found 0'],
    ['Rules = [ RowCount "x" > 1 ]', 1, 11, 'RowCount takes no parameters, found 1'],
    ['Rules = [ Mean "a" > "x" ]', 1, 20, 'expected a number or date with >, found a string'],
    ['Rules = [ ColumnValues "a" in [1, "x"] ]', 1, 28, 'cannot mix number and string'],
    ['Rules = [ DataFreshness "d" > 5 ]', 1, 29, 'DataFreshness compares duration values'],
    ['Rules = [ Mean "a" > 1 with threshold > 0.5 ]', 1, 24, 'Mean does not take "with threshold"'],
    [
      'Rules = [ ColumnExists "a" where "a > 1" ]',
      1,
      34,
      'ColumnExists does not take a where clause',
    ],
    [
      'Rules = [ IsComplete "a" where "a >" ]',
      1,
      36,
      'in where clause: expected a column name or a value',
    ],
    ['Rules = [ ColumnValues "a" matches "(" ]', 1, 36, 'cannot use the regular expression "("'],
    ['Rules = [ ColumnValues "a" in $nope ]', 1, 31, 'undefined variable $nope'],
    ['Rules = [ IsComplete "a ]', 1, 22, 'unterminated string'],
    ['Rules = [ IsComplete "a" ] junk', 1, 28, 'expected Analyzers = [ ... ] or the end of input'],
  ])('%j', (text, line, column, message) => {
    const result = parseRuleset(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ line, column });
    expect(result.errors[0]?.message).toContain(message);
  });

  it('reports every catalogue problem, not only the first', () => {
    const result = parseRuleset('Rules = [ Foo "a", Bar "b" ]');
    expect(result.ok === false && result.errors.map((e) => e.message)).toEqual([
      'unknown rule type "Foo"',
      'unknown rule type "Bar"',
    ]);
  });

  it('fails cleanly on deep nesting instead of overflowing the stack', () => {
    const result = parseRuleset(`Rules = [ ${'('.repeat(5000)}RowCount > 1${')'.repeat(5000)} ]`);
    expect(result.ok === false && result.errors[0]?.message).toBe('nesting is too deep');
  });
});

describe('parseRuleset: conditions that can never pass, misspelt types, every syntax error', () => {
  const messages = (text: string) => {
    const result = parseRuleset(text);
    return result.ok ? [] : result.errors.map((e) => e.message);
  };

  it.each([
    ['Completeness "a" > 1.5', 'Completeness is a ratio between 0 and 1: "> 1.5" can never pass'],
    ['Uniqueness "a" between 1 and 2', 'Uniqueness is a ratio between 0 and 1'],
    ['RowCount < 0', 'RowCount is never negative: "< 0" can never pass'],
    ['ColumnCorrelation "a" and "b" > 1', 'ColumnCorrelation is a correlation between -1 and 1'],
    ['RowCount between 10 and 5', '"between 10 and 5" is an inverted range'],
    ['ColumnValues "n" between 3 and 3', '"between 3 and 3" is an inverted range'],
    ['ColumnValues "n" not between 7 and 2', 'every value is inside it'],
    ['ColumnValues "d" between "2025-01-01" and "2024-01-01"', 'is an inverted range'],
    ['DataFreshness "d" between 5 days and 2 days', 'is an inverted range'],
    ['ColumnValues "n" > 0 with threshold > 1.5', 'a threshold is a share of rows'],
    ['ColumnLength "n" < 0', 'ColumnLength is never negative'],
  ])('refuses %s', (rule, message) => {
    expect(messages(`Rules = [ ${rule} ]`).join('\n')).toContain(message);
  });

  it.each([
    'Completeness "a" >= 1',
    'Completeness "a" between 0.9 and 1.2',
    'RowCount >= 0',
    'ColumnValues "n" < -5',
    'Mean "n" between -10 and -5',
    'RowCount > avg(last(3))',
  ])('accepts %s', (rule) => {
    expect(messages(`Rules = [ ${rule} ]`)).toEqual([]);
  });

  it('suggests the nearest rule type for a misspelt one, and none for nonsense', () => {
    expect(messages('Rules = [ Completenes "a" > 0.5, iscomplete "a", Frobnicate "a" ]')).toEqual([
      'unknown rule type "Completenes" (did you mean Completeness?)',
      'unknown rule type "iscomplete" (did you mean IsComplete?)',
      'unknown rule type "Frobnicate"',
    ]);
  });

  it('reports a syntax error in each broken rule, and the checks of the rules that parsed', () => {
    const result = parseRuleset(
      'Rules = [\n  IsComplete "a" >,\n  ColumnValues "b" in [1, 2 x],\n  Completeness "c" > 2,\n  RowCount > 0\n]',
    );
    expect(result.ok === false && result.errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'expected a value (number, "string", "YYYY-MM-DD", now(), duration, NULL), found ","'],
      [3, 'expected , or ] to close the list, found "x"'],
      [4, 'Completeness is a ratio between 0 and 1: "> 2" can never pass'],
    ]);
  });
});
