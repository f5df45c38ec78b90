import type { ConditionKind } from '../parser/ast.ts';

/**
 * Every rule type of DQDL, mirroring awslabs/dqdl configuration/rules/rules-config.json,
 * plus what Seawall knows about each: whether the embedded engine evaluates it and whether
 * it judges single rows (row-level), which decides trusted/quarantine routing.
 */
export interface RuleTypeSpec {
  name: string;
  description: string;
  /** Parameter names; the last one repeats when `varArgs` (IsPrimaryKey "a" "b"). */
  parameters: string[];
  /** Fewest parameters (overloads such as DatasetMatch take 2 or 3). */
  minParameters: number;
  varArgs: boolean;
  /** Condition kinds the rule's value can be compared with; empty for boolean rules. */
  conditionKinds: ConditionKind[];
  /** Boolean rules take no condition; numeric ones need one; CustomSql may have either. */
  condition: 'required' | 'forbidden' | 'optional';
  thresholdSupported: boolean;
  whereSupported: boolean;
  scope: 'table' | 'column' | 'file';
  /** The embedded engine can compute it in one streaming pass over the rows. */
  embedded: boolean;
  /** Why not, for the validation message. */
  notEmbeddedBecause?: string;
  /** It has a per-row outcome (a row can pass or fail it). */
  rowLevel: boolean;
  /** Glue's is_excluded_at_row_level_in_composite_rules. */
  excludedAtRowLevelInComposite: boolean;
  analyzerOnly?: boolean;
}

const NUMBER: ConditionKind[] = ['number'];

type Partial_ = Pick<RuleTypeSpec, 'name' | 'description' | 'parameters'> &
  Partial<Omit<RuleTypeSpec, 'name' | 'description' | 'parameters'>>;

function spec(s: Partial_): RuleTypeSpec {
  return {
    minParameters: s.parameters.length,
    varArgs: false,
    conditionKinds: NUMBER,
    condition: 'required',
    thresholdSupported: false,
    whereSupported: false,
    scope: 'column',
    embedded: true,
    rowLevel: false,
    excludedAtRowLevelInComposite: false,
    ...s,
  };
}

const BOOLEAN = { conditionKinds: [] as ConditionKind[], condition: 'forbidden' as const };
const REFERENCE = 'it compares with a second (reference) dataset';

export const RULE_TYPES: readonly RuleTypeSpec[] = [
  spec({
    name: 'RowCount',
    description: 'Number of rows in the dataset',
    parameters: [],
    scope: 'table',
    whereSupported: true,
  }),
  spec({
    name: 'RowCountMatch',
    description: 'Row count as a ratio of a reference dataset',
    parameters: ['ReferenceDatasetAlias'],
    embedded: false,
    notEmbeddedBecause: REFERENCE,
  }),
  spec({
    name: 'ColumnCount',
    description: 'Number of columns in the dataset',
    parameters: [],
    scope: 'table',
  }),
  spec({
    name: 'Completeness',
    description: 'Fraction of non-null values in a column',
    parameters: ['TargetColumn'],
    whereSupported: true,
    rowLevel: true,
    excludedAtRowLevelInComposite: true,
  }),
  spec({
    name: 'IsComplete',
    description: 'Every value in a column is non-null',
    parameters: ['TargetColumn'],
    ...BOOLEAN,
    whereSupported: true,
    rowLevel: true,
  }),
  spec({
    name: 'ColumnDataType',
    description:
      'Values of a column can be cast to a type (Boolean, Date, Timestamp, Integer, Double, Float, Long)',
    parameters: ['TargetColumn'],
    conditionKinds: ['string'],
    thresholdSupported: true,
    whereSupported: true,
    rowLevel: true,
  }),
  spec({
    name: 'ColumnNamesMatchPattern',
    description: 'Column names match a regular expression',
    parameters: ['PatternToMatch'],
    ...BOOLEAN,
    scope: 'table',
  }),
  spec({
    name: 'ColumnExists',
    description: 'A column exists',
    parameters: ['TargetColumn'],
    ...BOOLEAN,
  }),
  spec({
    name: 'ColumnCorrelation',
    description: 'Pearson correlation of two columns',
    parameters: ['TargetColumn1', 'TargetColumn2'],
    whereSupported: true,
  }),
  spec({
    name: 'Uniqueness',
    description: 'Fraction of non-null values that occur exactly once',
    parameters: ['TargetColumn'],
    varArgs: true,
    whereSupported: true,
    rowLevel: true,
    excludedAtRowLevelInComposite: true,
  }),
  spec({
    name: 'IsUnique',
    description: 'Every non-null value of a column occurs once',
    parameters: ['TargetColumn'],
    varArgs: true,
    ...BOOLEAN,
    whereSupported: true,
    rowLevel: true,
  }),
  spec({
    name: 'Mean',
    description: 'Mean of a numeric column',
    parameters: ['TargetColumn'],
    whereSupported: true,
  }),
  spec({
    name: 'Sum',
    description: 'Sum of a numeric column',
    parameters: ['TargetColumn'],
    whereSupported: true,
  }),
  spec({
    name: 'StandardDeviation',
    description: 'Population standard deviation of a numeric column',
    parameters: ['TargetColumn'],
    whereSupported: true,
    excludedAtRowLevelInComposite: true,
  }),
  spec({
    name: 'Variance',
    description: 'Population variance of a numeric column',
    parameters: ['TargetColumn'],
    whereSupported: true,
  }),
  spec({
    name: 'Entropy',
    description: 'Entropy (natural log) of the value distribution of a column',
    parameters: ['TargetColumn'],
    whereSupported: true,
  }),
  spec({
    name: 'DistinctValuesCount',
    description: 'Number of distinct non-null values in a column',
    parameters: ['TargetColumn'],
    whereSupported: true,
  }),
  spec({
    name: 'UniqueValueRatio',
    description: 'Values occurring once divided by distinct values',
    parameters: ['TargetColumn'],
    whereSupported: true,
  }),
  spec({
    name: 'ColumnLength',
    description: 'Length of the string values of a column (NULL counts as 0)',
    parameters: ['TargetColumn'],
    thresholdSupported: true,
    whereSupported: true,
    rowLevel: true,
  }),
  spec({
    name: 'IsPrimaryKey',
    description: 'A column (or columns together) is complete and unique',
    parameters: ['TargetColumn'],
    varArgs: true,
    ...BOOLEAN,
    whereSupported: true,
    rowLevel: true,
  }),
  spec({
    name: 'ColumnValues',
    description: 'Every value of a column meets a condition',
    parameters: ['TargetColumn'],
    conditionKinds: ['number', 'string', 'date'],
    thresholdSupported: true,
    whereSupported: true,
    rowLevel: true,
  }),
  spec({
    name: 'DataFreshness',
    description: 'Age of the values of a date column (now minus value)',
    parameters: ['TargetColumn'],
    conditionKinds: ['duration'],
    thresholdSupported: true,
    whereSupported: true,
    rowLevel: true,
  }),
  spec({
    name: 'CustomSql',
    description: 'A SQL statement over the dataset returning one value',
    parameters: ['CustomSqlStatement'],
    condition: 'optional',
    thresholdSupported: true,
    scope: 'table',
    embedded: false,
    notEmbeddedBecause: 'it needs a SQL engine (Spark)',
  }),
  spec({
    name: 'ReferentialIntegrity',
    description: 'Values of columns exist in a reference dataset',
    parameters: ['PrimaryDatasetColumns', 'ReferenceDatasetColumns'],
    scope: 'table',
    embedded: false,
    notEmbeddedBecause: REFERENCE,
    excludedAtRowLevelInComposite: true,
  }),
  spec({
    name: 'DatasetMatch',
    description: 'Fraction of records equal to a reference dataset, joined on keys',
    parameters: ['ReferenceDatasetAlias', 'KeyColumnMappings', 'MatchColumnMappings'],
    minParameters: 2,
    scope: 'table',
    embedded: false,
    notEmbeddedBecause: REFERENCE,
    excludedAtRowLevelInComposite: true,
  }),
  spec({
    name: 'SchemaMatch',
    description: 'Schema match with a reference dataset',
    parameters: ['ReferenceDatasetAlias'],
    scope: 'table',
    embedded: false,
    notEmbeddedBecause: REFERENCE,
  }),
  spec({
    name: 'AggregateMatch',
    description: 'Ratio of two aggregate expressions',
    parameters: ['AggregateExpression1', 'AggregateExpression2'],
    embedded: false,
    notEmbeddedBecause: 'its aggregate expressions are Spark SQL',
  }),
  spec({
    name: 'DetectAnomalies',
    description: 'A metric is anomalous against its history',
    parameters: ['MetricParameter'],
    varArgs: true,
    ...BOOLEAN,
    embedded: false,
    notEmbeddedBecause: 'it needs the metric history Glue keeps',
  }),
  spec({
    name: 'AllStatistics',
    description: 'Analyzer only: a collection of statistics for a column',
    parameters: ['TargetColumn'],
    condition: 'forbidden',
    conditionKinds: [],
    analyzerOnly: true,
    embedded: false,
    notEmbeddedBecause: 'it is an analyzer, not a rule',
  }),
  spec({
    name: 'FileMatch',
    description: 'Files match other files or a checksum',
    parameters: ['DataPath', 'CompareDataPath'],
    minParameters: 0,
    conditionKinds: ['string'],
    condition: 'optional',
    scope: 'file',
    embedded: false,
    notEmbeddedBecause: 'file rules are experimental and Glue-only',
  }),
  spec({
    name: 'FileUniqueness',
    description: 'Fraction of unique files',
    parameters: ['DataPath'],
    minParameters: 0,
    scope: 'file',
    embedded: false,
    notEmbeddedBecause: 'file rules are experimental and Glue-only',
  }),
  spec({
    name: 'FileFreshness',
    description: 'Files were modified within a time',
    parameters: ['DataPath'],
    minParameters: 0,
    conditionKinds: ['date'],
    thresholdSupported: true,
    scope: 'file',
    embedded: false,
    notEmbeddedBecause: 'file rules are experimental and Glue-only',
  }),
  spec({
    name: 'FileSize',
    description: 'Size of files',
    parameters: ['DataPath'],
    minParameters: 0,
    conditionKinds: ['size'],
    thresholdSupported: true,
    scope: 'file',
    embedded: false,
    notEmbeddedBecause: 'file rules are experimental and Glue-only',
  }),
];

const BY_NAME = new Map(RULE_TYPES.map((rule) => [rule.name, rule]));

export function ruleTypeSpec(name: string): RuleTypeSpec | undefined {
  return BY_NAME.get(name);
}

export function isRuleTypeName(name: string): boolean {
  return BY_NAME.has(name);
}
