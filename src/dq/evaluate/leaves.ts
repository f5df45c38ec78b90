import type { Condition, Rule } from '../parser/ast.ts';
import type { RuleOutcome } from '../results.ts';
import type { RuleTypeSpec } from '../rules/catalogue.ts';
import { compileNumberTest, compileValueCheck, durationMs } from './condition.ts';
import type { FrequencyTable } from './frequencies.ts';
import { compileFullMatch } from './regex.ts';
import {
  type Cell,
  castsTo,
  cellToNumber,
  cellToString,
  cellToTime,
  type RowView,
} from './values.ts';
import { compileWhere } from './where.ts';

export interface DatasetInfo {
  /** Every column seen, in first-seen order. */
  columns: string[];
}

export interface LeafResult {
  outcome: RuleOutcome;
  message?: string;
  metrics: Record<string, number>;
  rowsFailed?: number;
}

export interface LeafContext {
  now: Date;
  /** The shared table for these columns; `owner` is true for the first leaf, which fills it. */
  frequencies(
    columns: string[],
    where: string | undefined,
  ): { table: FrequencyTable; owner: boolean };
}

/** One non-composite rule, compiled for streaming. */
export abstract class Leaf {
  readonly rule: Rule;
  readonly spec: RuleTypeSpec;
  readonly columns: string[];
  readonly applies: (row: RowView) => boolean;
  /** Has a per-row outcome; routing uses it. */
  rowLevel = false;
  /** The row check needs the whole dataset first (duplicates): evaluate rows in a second pass. */
  needsFullPass = false;
  protected rowsFailed = 0;

  constructor(rule: Rule, spec: RuleTypeSpec) {
    this.rule = rule;
    this.spec = spec;
    this.columns = spec.scope === 'column' ? rule.parameters.map((p) => p.value) : [];
    this.applies = rule.where ? compileWhere(rule.where.expression) : () => true;
  }

  /** Failure reason of a row, for row-level leaves; undefined when the row passes. */
  check(_row: RowView): string | undefined {
    return undefined;
  }
  /** Feeds a row the where clause selected; `failure` is check()'s answer when known. */
  abstract observe(row: RowView, failure: string | undefined): void;
  abstract finish(dataset: DatasetInfo): LeafResult;

  /** Counted when routing decides a row failed this leaf. */
  countFailedRow(): void {
    this.rowsFailed++;
  }

  /** A rule on a column no object has fails, as on Deequ ("Input data does not include column"). */
  protected missingColumn(dataset: DatasetInfo): LeafResult | undefined {
    const missing = this.columns.filter((c) => !dataset.columns.includes(c));
    if (missing.length === 0) return undefined;
    return {
      outcome: 'FAIL',
      message: `Column ${missing.map((c) => JSON.stringify(c)).join(', ')} does not exist in the dataset`,
      metrics: {},
    };
  }

  protected metricName(metric: string): string {
    if (this.columns.length > 1) return `Multicolumn.${this.columns.join(',')}.${metric}`;
    return `Column.${this.columns[0]}.${metric}`;
  }
}

/**
 * A statistic over a column holding text that is not a number. Glue reads such a CSV
 * column as a string column, where Mean, Sum, StandardDeviation and ColumnCorrelation
 * cannot run, and the rule fails; so it fails here, saying which value made it so.
 */
function notNumeric(column: string, count: number, example: string | undefined): LeafResult {
  return {
    outcome: 'FAIL',
    message: `Column ${JSON.stringify(column)} holds ${count} value(s) that are not numbers (e.g. ${JSON.stringify(example ?? '')}): Glue reads it as a string column, where this statistic cannot run`,
    metrics: {},
  };
}

/** Deequ's answer when an analyzer saw no value at all: the rule fails, it is not skipped. */
function emptyState(metrics: Record<string, number> = {}): LeafResult {
  return {
    outcome: 'FAIL',
    message: 'Empty state: no values to compute the metric from (Glue fails the rule too)',
    metrics,
  };
}

function failMessage(value: number): string {
  return `Value: ${round(value)} does not meet the constraint requirement!`;
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

/** A metric compared with the rule's condition; PASS/FAIL with Glue's message. */
function judgeMetric(
  condition: Condition | undefined,
  now: Date,
  value: number,
  metrics: Record<string, number>,
): LeafResult {
  if (!Number.isFinite(value))
    return { outcome: 'ERROR', message: 'The metric could not be computed (no values)', metrics };
  if (!condition) return { outcome: 'PASS', metrics };
  const pass = compileNumberTest(condition, now)(value);
  return pass
    ? { outcome: 'PASS', metrics }
    : { outcome: 'FAIL', message: failMessage(value), metrics };
}

// ---------------------------------------------------------------------------------------
// Rules judged row by row: the dataset outcome is the share of rows passing (compliance),
// which must be 1 unless `with threshold` says otherwise.

abstract class RowCheckLeaf extends Leaf {
  protected evaluated = 0;
  protected passed = 0;
  private readonly thresholdTest: ((value: number) => boolean) | undefined;
  protected readonly now: Date;

  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec);
    this.rowLevel = true;
    this.now = context.now;
    this.thresholdTest = rule.threshold
      ? compileNumberTest(rule.threshold, context.now)
      : undefined;
  }

  override check(row: RowView): string | undefined {
    const column = this.columns[0]!;
    if (!row.has(column)) return `Column ${JSON.stringify(column)} is missing`;
    return this.checkCell(row.get(column));
  }
  protected abstract checkCell(cell: Cell): string | undefined;
  protected extraMetrics(_metrics: Record<string, number>): void {}
  protected abstract complianceMetric(): string;

  observe(row: RowView, failure: string | undefined): void {
    this.evaluated++;
    if (failure === undefined) this.passed++;
    this.observeCell(row.get(this.columns[0]!));
  }
  protected observeCell(_cell: Cell): void {}

  /** Over no rows: Deequ fails (empty state) all but ColumnDataType ("no rows matched"). */
  protected passesWhenEmpty = false;

  finish(dataset: DatasetInfo): LeafResult {
    const missing = this.missingColumn(dataset);
    if (missing) return missing;
    if (this.evaluated === 0 && !this.passesWhenEmpty) return { ...emptyState(), rowsFailed: 0 };
    const compliance = this.evaluated === 0 ? 1 : this.passed / this.evaluated;
    const metrics: Record<string, number> = { [this.complianceMetric()]: round(compliance) };
    this.extraMetrics(metrics);
    const pass = this.thresholdTest
      ? this.thresholdTest(compliance)
      : this.passed === this.evaluated;
    const result: LeafResult = {
      outcome: pass ? 'PASS' : 'FAIL',
      metrics,
      rowsFailed: this.rowsFailed,
    };
    if (!pass) result.message = `${(compliance * 100).toFixed(2)} % of rows passed the threshold`;
    return result;
  }
}

class ColumnValuesLeaf extends RowCheckLeaf {
  private readonly valueCheck;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec, context);
    this.valueCheck = compileValueCheck(rule.condition!, context.now);
  }
  protected checkCell(cell: Cell): string | undefined {
    return this.valueCheck(cell);
  }
  protected override observeCell(cell: Cell): void {
    if (this.rule.condition!.kind !== 'number') return;
    const n = cellToNumber(cell);
    if (n === undefined) return;
    if (n < this.min) this.min = n;
    if (n > this.max) this.max = n;
  }
  protected complianceMetric(): string {
    const operator = this.rule.condition!.operator;
    // Deequ names the share of rows passing a pattern PatternMatch.
    if (operator === 'matches' || operator === 'not matches')
      return this.metricName('PatternMatch');
    return this.metricName('ColumnValues.Compliance');
  }
  protected override extraMetrics(metrics: Record<string, number>): void {
    if (this.min <= this.max) {
      metrics[this.metricName('Minimum')] = this.min;
      metrics[this.metricName('Maximum')] = this.max;
    }
  }
}

class ColumnLengthLeaf extends RowCheckLeaf {
  private readonly test;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec, context);
    this.test = compileNumberTest(rule.condition!, context.now);
  }
  /** NULL has length 0, as the DQDL reference says. */
  private length(cell: Cell): number {
    return [...(cellToString(cell) ?? '')].length;
  }
  protected checkCell(cell: Cell): string | undefined {
    const length = this.length(cell);
    return this.test(length)
      ? undefined
      : `Length: ${length} does not meet the constraint requirement!`;
  }
  /** Minimum and maximum length over non-NULL values, as Deequ's MinLength/MaxLength. */
  protected override observeCell(cell: Cell): void {
    if (cell === null || cell === undefined) return;
    const length = this.length(cell);
    if (length < this.min) this.min = length;
    if (length > this.max) this.max = length;
  }
  protected complianceMetric(): string {
    return this.metricName('ColumnLength.Compliance');
  }
  override finish(dataset: DatasetInfo): LeafResult {
    const missing = this.missingColumn(dataset);
    if (missing) return missing;
    if (this.min > this.max) return { ...emptyState(), rowsFailed: 0 };
    return super.finish(dataset);
  }
  protected override extraMetrics(metrics: Record<string, number>): void {
    if (this.min <= this.max) {
      metrics[this.metricName('MinimumLength')] = this.min;
      metrics[this.metricName('MaximumLength')] = this.max;
    }
  }
}

class ColumnDataTypeLeaf extends RowCheckLeaf {
  private readonly types: string[];
  private readonly negated: boolean;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec, context);
    const condition = rule.condition!;
    this.types = condition.operands.flatMap((o) =>
      o.kind === 'string' ? [o.value.toUpperCase()] : [],
    );
    this.negated = condition.operator === '!=' || condition.operator === 'not in';
    this.passesWhenEmpty = true;
  }
  protected checkCell(cell: Cell): string | undefined {
    // NULL is not a value of any type, as Deequ counts it.
    if (cell === null || cell === undefined) return 'Value: NULL is not of any type';
    const casts = this.types.some((type) => castsTo(cell, type));
    if (casts !== this.negated) return undefined;
    return `Value: ${JSON.stringify(cellToString(cell))} is not of type ${this.types.join(' or ')}`;
  }
  protected complianceMetric(): string {
    return this.metricName('ColumnDataType.Compliance');
  }
}

class DataFreshnessLeaf extends RowCheckLeaf {
  private readonly test;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec, context);
    this.test = compileNumberTest(rule.condition!, context.now);
  }
  protected checkCell(cell: Cell): string | undefined {
    if (cell === null) return 'Value: NULL does not meet the constraint requirement!';
    const time = cellToTime(cell);
    if (time === undefined) return `Value: ${JSON.stringify(cellToString(cell))} is not a date`;
    const ageMs = this.now.getTime() - time;
    if (this.test(ageMs)) return undefined;
    const hours = ageMs / durationMs({ amount: 1, unit: 'hours' });
    const age = hours >= 48 ? `${(hours / 24).toFixed(1)} days` : `${hours.toFixed(1)} hours`;
    return `Value: ${cellToString(cell)} is ${age} old`;
  }
  protected complianceMetric(): string {
    return this.metricName('DataFreshness.Compliance');
  }
}

/** Completeness and IsComplete: a row fails when its value is NULL. */
class CompletenessLeaf extends RowCheckLeaf {
  protected checkCell(cell: Cell): string | undefined {
    return cell === null ? 'Value: NULL' : undefined;
  }
  protected complianceMetric(): string {
    return this.metricName('Completeness');
  }
  override finish(dataset: DatasetInfo): LeafResult {
    const missing = this.missingColumn(dataset);
    if (missing) return missing;
    if (this.evaluated === 0) return { ...emptyState(), rowsFailed: 0 };
    const completeness = this.passed / this.evaluated;
    const metrics = { [this.complianceMetric()]: round(completeness) };
    const result =
      this.rule.ruleType === 'IsComplete'
        ? completeness === 1
          ? { outcome: 'PASS' as const, metrics }
          : { outcome: 'FAIL' as const, message: failMessage(completeness), metrics }
        : judgeMetric(this.rule.condition, this.now, completeness, metrics);
    return { ...result, rowsFailed: this.rowsFailed };
  }
}

// ---------------------------------------------------------------------------------------
// Rules over the distribution of values: they share exact frequency tables.

class FrequencyLeaf extends Leaf {
  private readonly table: FrequencyTable;
  private readonly now: Date;
  private rows = 0;
  private nullRows = 0;

  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec);
    this.now = context.now;
    const shared = context.frequencies(this.columns, rule.where?.text);
    this.table = shared.table;
    this.owner = shared.owner;
    this.rowLevel = spec.rowLevel;
    this.needsFullPass = spec.rowLevel;
  }
  private readonly owner: boolean;

  override check(row: RowView): string | undefined {
    for (const column of this.columns) {
      if (!row.has(column)) return `Column ${JSON.stringify(column)} is missing`;
    }
    const key = this.table.key(row);
    // A one-column key must be complete; Deequ checks a key of several columns for
    // duplicates only.
    if (
      this.rule.ruleType === 'IsPrimaryKey' &&
      this.columns.length === 1 &&
      row.get(this.columns[0]!) === null
    ) {
      return 'Value: NULL in a primary key';
    }
    if (key === null) return undefined;
    const count = this.table.count(key);
    return count > 1 ? `Value: ${key} occurs ${count} times` : undefined;
  }

  observe(row: RowView): void {
    this.rows++;
    if (this.columns.some((c) => row.get(c) === null || row.get(c) === undefined)) this.nullRows++;
    if (this.owner) this.table.add(row);
  }

  finish(dataset: DatasetInfo): LeafResult {
    const missing = this.missingColumn(dataset);
    if (missing) return missing;
    const t = this.table;
    const type = this.rule.ruleType;
    // No value at all: Deequ's analyzers are in their empty state and the rule fails.
    if (t.nonNullRows === 0 && type !== 'DistinctValuesCount') {
      const result = emptyState();
      if (this.rowLevel) result.rowsFailed = this.rowsFailed;
      return result;
    }
    const uniqueness = t.singletons() / t.nonNullRows;
    const metrics: Record<string, number> = {};
    let result: LeafResult;
    switch (type) {
      case 'Uniqueness':
        metrics[this.metricName('Uniqueness')] = round(uniqueness);
        result = judgeMetric(this.rule.condition, this.now, uniqueness, metrics);
        break;
      case 'IsUnique':
        metrics[this.metricName('Uniqueness')] = round(uniqueness);
        result =
          uniqueness === 1
            ? { outcome: 'PASS', metrics }
            : { outcome: 'FAIL', message: failMessage(uniqueness), metrics };
        break;
      case 'IsPrimaryKey': {
        const completeness = this.columns.length > 1 ? 1 : (this.rows - this.nullRows) / this.rows;
        if (this.columns.length === 1)
          metrics[this.metricName('Completeness')] = round(completeness);
        metrics[this.metricName('Uniqueness')] = round(uniqueness);
        const pass = completeness === 1 && uniqueness === 1;
        result = pass
          ? { outcome: 'PASS', metrics }
          : {
              outcome: 'FAIL',
              message: completeness < 1 ? failMessage(completeness) : failMessage(uniqueness),
              metrics,
            };
        break;
      }
      case 'DistinctValuesCount': {
        // Deequ counts NULL as one more value when the column has any.
        const distinct = t.distinct() + (this.nullRows > 0 ? 1 : 0);
        metrics[this.metricName('DistinctValuesCount')] = distinct;
        result = judgeMetric(this.rule.condition, this.now, distinct, metrics);
        break;
      }
      case 'UniqueValueRatio': {
        const ratio = t.singletons() / t.distinct();
        metrics[this.metricName('UniqueValueRatio')] = round(ratio);
        result = judgeMetric(this.rule.condition, this.now, ratio, metrics);
        break;
      }
      default: {
        const entropy = t.entropy();
        metrics[this.metricName('Entropy')] = round(entropy);
        result = judgeMetric(this.rule.condition, this.now, entropy, metrics);
      }
    }
    if (this.rowLevel) result.rowsFailed = this.rowsFailed;
    return result;
  }
}

// ---------------------------------------------------------------------------------------
// Aggregates in constant memory.

class StatisticsLeaf extends Leaf {
  private count = 0;
  private mean = 0;
  private m2 = 0;
  private sum = 0;
  private notNumbers = 0;
  private example: string | undefined;
  private readonly now: Date;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec);
    this.now = context.now;
  }
  observe(row: RowView): void {
    const cell = row.get(this.columns[0]!);
    if (cell === null || cell === undefined) return; // NULLs are ignored, as in Glue
    const value = cellToNumber(cell);
    if (value === undefined) {
      this.notNumbers++;
      this.example ??= cellToString(cell) ?? '';
      return;
    }
    // Welford's update keeps the variance exact enough without a second pass.
    this.count++;
    this.sum += value;
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (value - this.mean);
  }
  finish(dataset: DatasetInfo): LeafResult {
    const missing = this.missingColumn(dataset);
    if (missing) return missing;
    const type = this.rule.ruleType;
    const variance = this.count === 0 ? Number.NaN : this.m2 / this.count;
    const value =
      this.count === 0
        ? Number.NaN
        : type === 'Mean'
          ? this.mean
          : type === 'Sum'
            ? this.sum
            : type === 'Variance'
              ? variance
              : Math.sqrt(variance);
    if (this.notNumbers > 0) return notNumeric(this.columns[0]!, this.notNumbers, this.example);
    if (this.count === 0) return emptyState();
    const metrics = Number.isFinite(value) ? { [this.metricName(type)]: round(value) } : {};
    return judgeMetric(this.rule.condition, this.now, value, metrics);
  }
}

class CorrelationLeaf extends Leaf {
  private n = 0;
  private meanX = 0;
  private meanY = 0;
  private cxy = 0;
  private m2x = 0;
  private m2y = 0;
  private readonly now: Date;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec);
    this.now = context.now;
  }
  private notNumbers = 0;
  private example: { column: string; value: string } | undefined;
  observe(row: RowView): void {
    const cx = row.get(this.columns[0]!);
    const cy = row.get(this.columns[1]!);
    const x = cellToNumber(cx);
    const y = cellToNumber(cy);
    for (const [column, cell, n] of [
      [this.columns[0]!, cx, x],
      [this.columns[1]!, cy, y],
    ] as const) {
      if (n === undefined && cell !== null && cell !== undefined) {
        this.notNumbers++;
        this.example ??= { column, value: cellToString(cell) ?? '' };
      }
    }
    if (x === undefined || y === undefined) return;
    this.n++;
    const dx = x - this.meanX;
    this.meanX += dx / this.n;
    const dy = y - this.meanY;
    this.meanY += dy / this.n;
    this.cxy += dx * (y - this.meanY);
    this.m2x += dx * (x - this.meanX);
    this.m2y += dy * (y - this.meanY);
  }
  finish(dataset: DatasetInfo): LeafResult {
    const missing = this.missingColumn(dataset);
    if (missing) return missing;
    if (this.example) return notNumeric(this.example.column, this.notNumbers, this.example.value);
    if (this.n === 0) return emptyState();
    const r = this.cxy / Math.sqrt(this.m2x * this.m2y);
    const metrics = Number.isFinite(r) ? { [this.metricName('ColumnCorrelation')]: round(r) } : {};
    return judgeMetric(this.rule.condition, this.now, r, metrics);
  }
}

class RowCountLeaf extends Leaf {
  private rows = 0;
  private readonly now: Date;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec);
    this.now = context.now;
  }
  observe(): void {
    this.rows++;
  }
  finish(): LeafResult {
    return judgeMetric(this.rule.condition, this.now, this.rows, {
      'Dataset.*.RowCount': this.rows,
    });
  }
}

/** Rules about the schema: ColumnCount, ColumnExists, ColumnNamesMatchPattern. */
class SchemaLeaf extends Leaf {
  private readonly now: Date;
  constructor(rule: Rule, spec: RuleTypeSpec, context: LeafContext) {
    super(rule, spec);
    this.now = context.now;
  }
  observe(): void {}
  finish(dataset: DatasetInfo): LeafResult {
    const type = this.rule.ruleType;
    if (type === 'ColumnCount') {
      const count = dataset.columns.length;
      return judgeMetric(this.rule.condition, this.now, count, { 'Dataset.*.ColumnCount': count });
    }
    if (type === 'ColumnExists') {
      const column = this.rule.parameters[0]!.value;
      const metrics = {
        [`Dataset.${column}.ColumnExists`]: dataset.columns.includes(column) ? 1 : 0,
      };
      return dataset.columns.includes(column)
        ? { outcome: 'PASS', metrics }
        : {
            outcome: 'FAIL',
            message: `Column ${JSON.stringify(column)} does not exist`,
            metrics,
          };
    }
    const pattern = compileFullMatch(this.rule.parameters[0]!.value);
    if (!pattern.ok) return { outcome: 'ERROR', message: pattern.reason, metrics: {} };
    const mismatched = dataset.columns.filter((c) => !pattern.matches(c));
    const ratio = dataset.columns.length === 0 ? 1 : 1 - mismatched.length / dataset.columns.length;
    const metrics = { 'Dataset.*.ColumnNamesPatternMatchRatio': round(ratio) };
    return mismatched.length === 0
      ? { outcome: 'PASS', metrics }
      : {
          outcome: 'FAIL',
          message: `Columns not matching the pattern: ${mismatched.join(', ')}`,
          metrics,
        };
  }
}

type LeafConstructor = new (rule: Rule, spec: RuleTypeSpec, context: LeafContext) => Leaf;

const LEAVES: Record<string, LeafConstructor> = {
  RowCount: RowCountLeaf,
  ColumnCount: SchemaLeaf,
  ColumnExists: SchemaLeaf,
  ColumnNamesMatchPattern: SchemaLeaf,
  Completeness: CompletenessLeaf,
  IsComplete: CompletenessLeaf,
  ColumnValues: ColumnValuesLeaf,
  ColumnLength: ColumnLengthLeaf,
  ColumnDataType: ColumnDataTypeLeaf,
  DataFreshness: DataFreshnessLeaf,
  Uniqueness: FrequencyLeaf,
  IsUnique: FrequencyLeaf,
  IsPrimaryKey: FrequencyLeaf,
  DistinctValuesCount: FrequencyLeaf,
  UniqueValueRatio: FrequencyLeaf,
  Entropy: FrequencyLeaf,
  Mean: StatisticsLeaf,
  Sum: StatisticsLeaf,
  StandardDeviation: StatisticsLeaf,
  Variance: StatisticsLeaf,
  ColumnCorrelation: CorrelationLeaf,
};

export function embeddedLeafTypes(): string[] {
  return Object.keys(LEAVES);
}

export function compileLeaf(rule: Rule, spec: RuleTypeSpec, context: LeafContext): Leaf {
  const Constructor = LEAVES[rule.ruleType];
  if (!Constructor) throw new Error(`${rule.ruleType} is not evaluated by the embedded engine`);
  return new Constructor(rule, spec, context);
}
