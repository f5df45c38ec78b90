// Each non-composite rule as SQL: the aggregates its metrics need, the check that judges a
// single row (row-level rules), and how the aggregates become its outcome, metrics and
// message. The outcomes are Deequ's (test/conformance checks them rule by rule): empty
// states fail, statistics over text fail, a rule on a missing column fails.
import { compileNumberTest, durationMs } from '../evaluate/condition.ts';
import { compileFullMatch } from '../evaluate/regex.ts';
import type { Condition, Rule } from '../parser/ast.ts';
import type { RuleOutcome } from '../results.ts';
import type { RuleTypeSpec } from '../rules/catalogue.ts';
import { type CellSql, type CellValues, castsTo, keyOf } from './cells.ts';
import {
  type Check,
  columnValuesCheck,
  DOES_NOT_MEET,
  missingReason,
  numberTestSql,
  presentCheck,
} from './conditions.ts';
import { anyOf, bool, double, text } from './quote.ts';
import { whereSql } from './where.ts';

export interface LeafResult {
  outcome: RuleOutcome;
  message?: string;
  metrics: Record<string, number>;
}

/** What the dataset is known to hold once every object was read. */
export interface DatasetInfo {
  /** Every column of the dataset, in first-seen order. */
  columns: string[];
}

/** A frequency table's summary: the state of the uniqueness family of rules. */
export interface FrequencySummary {
  /** Rows whose key has a non-NULL part (Uniqueness's denominator). */
  rows: number;
  distinct: number;
  /** Distinct keys seen exactly once. */
  singletons: number;
  entropy: number;
}

/** A frequency table shared by the rules on the same columns and where clause. */
export interface FrequencyRef {
  id: number;
  /** BIGINT per row: how often the row's key occurs, NULL when once (or the key is NULL). */
  repeats: string;
  /** VARCHAR per row: the key as messages print it. */
  keyText: string;
  entropy: boolean;
}

export interface LeafContext {
  now: Date;
  dataset: DatasetInfo;
  /** The cell of a column (an absent one when no object has it). */
  cell(column: string): CellSql;
  /** A per-row value computed once per row; returns the name rows carry it under. */
  derive(sql: string): string;
  /** Values read from cells, computed once per row. */
  values: CellValues;
  /** The frequency table of these columns under this where clause (created once). */
  frequencies(columns: string[], rule: Rule, wantsEntropy: boolean): FrequencyRef;
}

/** Aggregate values of a leaf, by the names it asked for. */
export type Aggregates = (name: string) => number | string | null;

/** One non-composite rule, compiled to SQL. */
export interface SqlLeaf {
  rule: Rule;
  spec: RuleTypeSpec;
  /** Has a per-row outcome (trusted/quarantine routing uses it). */
  rowLevel: boolean;
  /** BOOLEAN per row: the where clause selects the row (TRUE without one). */
  applies: string;
  /** Row-level leaves: whether a selected row fails, and why. */
  check?: Check;
  /**
   * Aggregates over every row, name to SQL. `{applies}` and `{fails}` stand for the names
   * rows carry this leaf's where clause and check under.
   */
  aggregates: Record<string, string>;
  finish(values: Aggregates, frequencies: ReadonlyMap<number, FrequencySummary>): LeafResult;
}

export function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

function failMessage(value: number): string {
  return `Value: ${round(value)}${DOES_NOT_MEET}`;
}

/** Deequ's answer when an analyzer saw no value at all: the rule fails, it is not skipped. */
function emptyState(): LeafResult {
  return {
    outcome: 'FAIL',
    message: 'Empty state: no values to compute the metric from (Glue fails the rule too)',
    metrics: {},
  };
}

/**
 * A statistic over a column holding text that is not a number. Glue reads such a CSV
 * column as a string column, where Mean, Sum, StandardDeviation and ColumnCorrelation
 * cannot run, and the rule fails; so it fails here, saying which value made it so.
 */
function notNumeric(column: string, count: number, example: string | null): LeafResult {
  return {
    outcome: 'FAIL',
    message: `Column ${JSON.stringify(column)} holds ${count} value(s) that are not numbers (e.g. ${JSON.stringify(example ?? '')}): Glue reads it as a string column, where this statistic cannot run`,
    metrics: {},
  };
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
  return compileNumberTest(condition, now)(value)
    ? { outcome: 'PASS', metrics }
    : { outcome: 'FAIL', message: failMessage(value), metrics };
}

function num(value: number | string | null): number {
  return value === null ? Number.NaN : Number(value);
}

interface Base {
  rule: Rule;
  spec: RuleTypeSpec;
  columns: string[];
  applies: string;
  /** A rule on a column no object has fails, as on Deequ ("Input data does not include column"). */
  missing: LeafResult | undefined;
  metricName(metric: string): string;
}

function base(rule: Rule, spec: RuleTypeSpec, context: LeafContext): Base {
  const columns = spec.scope === 'column' ? rule.parameters.map((p) => p.value) : [];
  const absent = columns.filter((c) => !context.dataset.columns.includes(c));
  return {
    rule,
    spec,
    columns,
    applies: rule.where
      ? whereSql(rule.where.expression, (c) => context.cell(c), context.values)
      : 'TRUE',
    missing:
      absent.length === 0
        ? undefined
        : {
            outcome: 'FAIL',
            message: `Column ${absent.map((c) => JSON.stringify(c)).join(', ')} does not exist in the dataset`,
            metrics: {},
          },
    metricName: (metric) =>
      columns.length > 1
        ? `Multicolumn.${columns.join(',')}.${metric}`
        : `Column.${columns[0]}.${metric}`,
  };
}

// ---------------------------------------------------------------------------------------
// Rules judged row by row: the dataset outcome is the share of selected rows passing
// (compliance), which must be 1 unless `with threshold` says otherwise.

interface RowCheckOptions {
  check: Check;
  complianceMetric: string;
  /** Over no rows: Deequ fails (empty state) all but ColumnDataType ("no rows matched"). */
  passesWhenEmpty?: boolean;
  aggregates?: Record<string, string>;
  /** Metrics beyond compliance, or a result that replaces the usual one (empty state). */
  extra?: (values: Aggregates, metrics: Record<string, number>) => LeafResult | undefined;
}

function rowCheckLeaf(b: Base, context: LeafContext, options: RowCheckOptions): SqlLeaf {
  const threshold = b.rule.threshold ? compileNumberTest(b.rule.threshold, context.now) : undefined;
  return {
    rule: b.rule,
    spec: b.spec,
    rowLevel: true,
    applies: b.applies,
    check: options.check,
    aggregates: {
      evaluated: 'count(*) FILTER (WHERE {applies})',
      passed: 'count(*) FILTER (WHERE {applies} AND NOT {fails})',
      ...options.aggregates,
    },
    finish(values) {
      if (b.missing) return b.missing;
      const evaluated = num(values('evaluated'));
      const passed = num(values('passed'));
      if (evaluated === 0 && !options.passesWhenEmpty) return emptyState();
      const compliance = evaluated === 0 ? 1 : passed / evaluated;
      const metrics: Record<string, number> = { [options.complianceMetric]: round(compliance) };
      const replaced = options.extra?.(values, metrics);
      if (replaced) return replaced;
      const pass = threshold ? threshold(compliance) : passed === evaluated;
      const result: LeafResult = { outcome: pass ? 'PASS' : 'FAIL', metrics };
      if (!pass) result.message = `${(compliance * 100).toFixed(2)} % of rows passed the threshold`;
      return result;
    },
  };
}

function columnValues(b: Base, context: LeafContext): SqlLeaf {
  const column = b.columns[0]!;
  const cell = context.cell(column);
  const condition = b.rule.condition!;
  const pattern = condition.operator === 'matches' || condition.operator === 'not matches';
  const number = condition.kind === 'number' ? context.values.number(cell) : undefined;
  return rowCheckLeaf(b, context, {
    check: columnValuesCheck(condition, context.now, column, cell, context.values),
    // Deequ names the share of rows passing a pattern PatternMatch.
    complianceMetric: b.metricName(pattern ? 'PatternMatch' : 'ColumnValues.Compliance'),
    aggregates: number
      ? {
          minimum: `min(${number}) FILTER (WHERE {applies})`,
          maximum: `max(${number}) FILTER (WHERE {applies})`,
        }
      : {},
    extra(values, metrics) {
      if (!number || values('minimum') === null) return undefined;
      metrics[b.metricName('Minimum')] = num(values('minimum'));
      metrics[b.metricName('Maximum')] = num(values('maximum'));
      return undefined;
    },
  });
}

function columnLength(b: Base, context: LeafContext): SqlLeaf {
  const column = b.columns[0]!;
  const cell = context.cell(column);
  // NULL has length 0 for the rule, as the DQDL reference says; the metrics are over values.
  const length = context.derive(`coalesce(length(${cell.text}), 0)`);
  return rowCheckLeaf(b, context, {
    check: presentCheck(column, cell, {
      fail: `NOT ${numberTestSql(b.rule.condition!, context.now, length)}`,
      reason: `'Length: ' || ${length} || ${text(DOES_NOT_MEET)}`,
    }),
    complianceMetric: b.metricName('ColumnLength.Compliance'),
    aggregates: {
      minimum: `min(${length}) FILTER (WHERE {applies} AND ${cell.text} IS NOT NULL)`,
      maximum: `max(${length}) FILTER (WHERE {applies} AND ${cell.text} IS NOT NULL)`,
    },
    extra(values, metrics) {
      // Only NULLs: Deequ's length analyzers are empty, and the rule fails.
      if (values('minimum') === null) return emptyState();
      metrics[b.metricName('MinimumLength')] = num(values('minimum'));
      metrics[b.metricName('MaximumLength')] = num(values('maximum'));
      return undefined;
    },
  });
}

function columnDataType(b: Base, context: LeafContext): SqlLeaf {
  const column = b.columns[0]!;
  const cell = context.cell(column);
  const condition = b.rule.condition!;
  const types = condition.operands.flatMap((o) =>
    o.kind === 'string' ? [o.value.toUpperCase()] : [],
  );
  const negated = condition.operator === '!=' || condition.operator === 'not in';
  const casts = anyOf(types.map((t) => castsTo(cell, t, context.values)));
  return rowCheckLeaf(b, context, {
    check: presentCheck(column, cell, {
      // NULL is not a value of any type, as Deequ counts it.
      fail: `(${cell.text} IS NULL OR (${casts}) = ${bool(negated)})`,
      reason: `CASE WHEN ${cell.text} IS NULL THEN 'Value: NULL is not of any type' ELSE 'Value: ' || sw_json(${cell.text}) || ${text(` is not of type ${types.join(' or ')}`)} END`,
    }),
    complianceMetric: b.metricName('ColumnDataType.Compliance'),
    passesWhenEmpty: true,
  });
}

function dataFreshness(b: Base, context: LeafContext): SqlLeaf {
  const column = b.columns[0]!;
  const cell = context.cell(column);
  const time = context.values.time(cell);
  const age = `(${double(context.now.getTime())} - ${time})`;
  const hours = `(${age} / ${double(durationMs({ amount: 1, unit: 'hours' }))})`;
  return rowCheckLeaf(b, context, {
    check: presentCheck(column, cell, {
      fail: `(${cell.text} IS NULL OR ${time} IS NULL OR NOT ${numberTestSql(b.rule.condition!, context.now, age)})`,
      reason: `CASE WHEN ${cell.text} IS NULL THEN ${text(`Value: NULL${DOES_NOT_MEET}`)}
        WHEN ${time} IS NULL THEN 'Value: ' || sw_json(${cell.text}) || ' is not a date'
        ELSE 'Value: ' || ${cell.text} || ' is ' || CASE WHEN ${hours} >= 48 THEN sw_fixed1(${hours} / 24) || ' days' ELSE sw_fixed1(${hours}) || ' hours' END || ' old' END`,
    }),
    complianceMetric: b.metricName('DataFreshness.Compliance'),
  });
}

/** Completeness and IsComplete: a row fails when its value is NULL. */
function completeness(b: Base, context: LeafContext): SqlLeaf {
  const column = b.columns[0]!;
  const cell = context.cell(column);
  const leaf = rowCheckLeaf(b, context, {
    check: presentCheck(column, cell, { fail: `(${cell.text} IS NULL)`, reason: "'Value: NULL'" }),
    complianceMetric: b.metricName('Completeness'),
  });
  return {
    ...leaf,
    finish(values) {
      if (b.missing) return b.missing;
      const evaluated = num(values('evaluated'));
      if (evaluated === 0) return emptyState();
      const value = num(values('passed')) / evaluated;
      const metrics = { [b.metricName('Completeness')]: round(value) };
      if (b.rule.ruleType !== 'IsComplete')
        return judgeMetric(b.rule.condition, context.now, value, metrics);
      return value === 1
        ? { outcome: 'PASS', metrics }
        : { outcome: 'FAIL', message: failMessage(value), metrics };
    },
  };
}

// ---------------------------------------------------------------------------------------
// Rules over the distribution of values: they share exact frequency tables.

const ENTROPY_TYPES = new Set(['Entropy']);

function frequencyLeaf(b: Base, context: LeafContext): SqlLeaf {
  const type = b.rule.ruleType;
  const table = context.frequencies(b.columns, b.rule, ENTROPY_TYPES.has(type));
  const cells = b.columns.map((c) => context.cell(c));
  const anyNull = anyOf(cells.map((c) => `${c.text} IS NULL`));
  const single = b.columns.length === 1;
  let check: Check | undefined;
  if (b.spec.rowLevel) {
    const missingCases = b.columns
      .map((c, i) => `WHEN NOT ${cells[i]!.present} THEN ${missingReason(c)}`)
      .join(' ');
    const anyMissing = anyOf(cells.map((c) => `NOT ${c.present}`));
    // A one-column primary key must be complete; Deequ checks a key of several columns for
    // duplicates only.
    const nullKey = type === 'IsPrimaryKey' && single ? `${cells[0]!.text} IS NULL` : 'FALSE';
    check = {
      fail: `(${anyMissing} OR ${nullKey} OR coalesce(${table.repeats} > 1, FALSE))`,
      reason: `CASE ${missingCases} WHEN ${nullKey} THEN 'Value: NULL in a primary key' ELSE 'Value: ' || ${table.keyText} || ' occurs ' || ${table.repeats} || ' times' END`,
    };
  }
  const leaf: SqlLeaf = {
    rule: b.rule,
    spec: b.spec,
    rowLevel: b.spec.rowLevel,
    applies: b.applies,
    aggregates: {
      rows: 'count(*) FILTER (WHERE {applies})',
      nullRows: `count(*) FILTER (WHERE {applies} AND (${anyNull}))`,
    },
    finish(values, frequencies) {
      if (b.missing) return b.missing;
      const rows = num(values('rows'));
      const nullRows = num(values('nullRows'));
      const summary = frequencies.get(table.id)!;
      // No value at all: Deequ's analyzers are in their empty state and the rule fails.
      if (summary.rows === 0 && type !== 'DistinctValuesCount') return emptyState();
      const uniqueness = summary.singletons / summary.rows;
      const metrics: Record<string, number> = {};
      const condition = b.rule.condition;
      switch (type) {
        case 'Uniqueness':
          metrics[b.metricName('Uniqueness')] = round(uniqueness);
          return judgeMetric(condition, context.now, uniqueness, metrics);
        case 'IsUnique':
          metrics[b.metricName('Uniqueness')] = round(uniqueness);
          return uniqueness === 1
            ? { outcome: 'PASS', metrics }
            : { outcome: 'FAIL', message: failMessage(uniqueness), metrics };
        case 'IsPrimaryKey': {
          const complete = single ? (rows - nullRows) / rows : 1;
          if (single) metrics[b.metricName('Completeness')] = round(complete);
          metrics[b.metricName('Uniqueness')] = round(uniqueness);
          if (complete === 1 && uniqueness === 1) return { outcome: 'PASS', metrics };
          return {
            outcome: 'FAIL',
            message: complete < 1 ? failMessage(complete) : failMessage(uniqueness),
            metrics,
          };
        }
        case 'DistinctValuesCount': {
          // Deequ counts NULL as one more value when the column has any.
          const distinct = summary.distinct + (nullRows > 0 ? 1 : 0);
          metrics[b.metricName('DistinctValuesCount')] = distinct;
          return judgeMetric(condition, context.now, distinct, metrics);
        }
        case 'UniqueValueRatio': {
          const ratio = summary.singletons / summary.distinct;
          metrics[b.metricName('UniqueValueRatio')] = round(ratio);
          return judgeMetric(condition, context.now, ratio, metrics);
        }
        default:
          metrics[b.metricName('Entropy')] = round(summary.entropy);
          return judgeMetric(condition, context.now, summary.entropy, metrics);
      }
    },
  };
  if (check) leaf.check = check;
  return leaf;
}

// ---------------------------------------------------------------------------------------
// Aggregates over values.

function statistics(b: Base, context: LeafContext): SqlLeaf {
  const column = b.columns[0]!;
  const cell = context.cell(column);
  const n = context.values.number(cell);
  const type = b.rule.ruleType;
  const notNumber = `{applies} AND ${cell.text} IS NOT NULL AND ${n} IS NULL`;
  const statistic: Record<string, string> = {
    Mean: `avg(${n})`,
    Sum: `sum(${n})`,
    Variance: `var_pop(${n})`,
    StandardDeviation: `stddev_pop(${n})`,
  };
  return {
    rule: b.rule,
    spec: b.spec,
    rowLevel: false,
    applies: b.applies,
    aggregates: {
      count: `count(${n}) FILTER (WHERE {applies})`,
      notNumbers: `count(*) FILTER (WHERE ${notNumber})`,
      example: `arg_min(${cell.text}, _rid) FILTER (WHERE ${notNumber})`,
      value: `${statistic[type]} FILTER (WHERE {applies})`,
    },
    finish(values) {
      if (b.missing) return b.missing;
      const notNumbers = num(values('notNumbers'));
      if (notNumbers > 0) return notNumeric(column, notNumbers, values('example') as string | null);
      if (num(values('count')) === 0) return emptyState();
      const value = num(values('value'));
      const metrics = Number.isFinite(value) ? { [b.metricName(type)]: round(value) } : {};
      return judgeMetric(b.rule.condition, context.now, value, metrics);
    },
  };
}

function correlation(b: Base, context: LeafContext): SqlLeaf {
  const [cx, cy] = b.columns.map((c) => context.cell(c)) as [CellSql, CellSql];
  const x = context.values.number(cx);
  const y = context.values.number(cy);
  const badX = `{applies} AND ${cx.text} IS NOT NULL AND ${x} IS NULL`;
  const badY = `{applies} AND ${cy.text} IS NOT NULL AND ${y} IS NULL`;
  const both = `{applies} AND ${x} IS NOT NULL AND ${y} IS NOT NULL`;
  return {
    rule: b.rule,
    spec: b.spec,
    rowLevel: false,
    applies: b.applies,
    aggregates: {
      n: `count(*) FILTER (WHERE ${both})`,
      badX: `count(*) FILTER (WHERE ${badX})`,
      badY: `count(*) FILTER (WHERE ${badY})`,
      exampleX: `arg_min(${cx.text}, _rid) FILTER (WHERE ${badX})`,
      exampleY: `arg_min(${cy.text}, _rid) FILTER (WHERE ${badY})`,
      firstX: `min(_rid) FILTER (WHERE ${badX})`,
      firstY: `min(_rid) FILTER (WHERE ${badY})`,
      r: `corr(${y}, ${x}) FILTER (WHERE ${both})`,
    },
    finish(values) {
      if (b.missing) return b.missing;
      const bad = num(values('badX')) + num(values('badY'));
      if (bad > 0) {
        // The first offending value in row order; on one row, the first column's.
        const firstX = values('firstX');
        const firstY = values('firstY');
        const useX = firstX !== null && (firstY === null || num(firstX) <= num(firstY));
        return notNumeric(
          b.columns[useX ? 0 : 1]!,
          bad,
          values(useX ? 'exampleX' : 'exampleY') as string | null,
        );
      }
      if (num(values('n')) === 0) return emptyState();
      const r = num(values('r'));
      const metrics = Number.isFinite(r) ? { [b.metricName('ColumnCorrelation')]: round(r) } : {};
      return judgeMetric(b.rule.condition, context.now, r, metrics);
    },
  };
}

function rowCount(b: Base, context: LeafContext): SqlLeaf {
  return {
    rule: b.rule,
    spec: b.spec,
    rowLevel: false,
    applies: b.applies,
    aggregates: { rows: 'count(*) FILTER (WHERE {applies})' },
    finish(values) {
      const rows = num(values('rows'));
      return judgeMetric(b.rule.condition, context.now, rows, { 'Dataset.*.RowCount': rows });
    },
  };
}

/** Rules about the schema: ColumnCount, ColumnExists, ColumnNamesMatchPattern. */
function schema(b: Base, context: LeafContext): SqlLeaf {
  const columns = context.dataset.columns;
  return {
    rule: b.rule,
    spec: b.spec,
    rowLevel: false,
    applies: 'TRUE',
    aggregates: {},
    finish() {
      const type = b.rule.ruleType;
      if (type === 'ColumnCount') {
        const count = columns.length;
        return judgeMetric(b.rule.condition, context.now, count, {
          'Dataset.*.ColumnCount': count,
        });
      }
      if (type === 'ColumnExists') {
        const column = b.rule.parameters[0]!.value;
        const exists = columns.includes(column);
        const metrics = { [`Dataset.${column}.ColumnExists`]: exists ? 1 : 0 };
        return exists
          ? { outcome: 'PASS', metrics }
          : {
              outcome: 'FAIL',
              message: `Column ${JSON.stringify(column)} does not exist`,
              metrics,
            };
      }
      const pattern = compileFullMatch(b.rule.parameters[0]!.value);
      if (!pattern.ok) return { outcome: 'ERROR', message: pattern.reason, metrics: {} };
      const mismatched = columns.filter((c) => !pattern.matches(c));
      const ratio = columns.length === 0 ? 1 : 1 - mismatched.length / columns.length;
      const metrics = { 'Dataset.*.ColumnNamesPatternMatchRatio': round(ratio) };
      return mismatched.length === 0
        ? { outcome: 'PASS', metrics }
        : {
            outcome: 'FAIL',
            message: `Columns not matching the pattern: ${mismatched.join(', ')}`,
            metrics,
          };
    },
  };
}

type LeafCompiler = (b: Base, context: LeafContext) => SqlLeaf;

const LEAVES: Record<string, LeafCompiler> = {
  RowCount: rowCount,
  ColumnCount: schema,
  ColumnExists: schema,
  ColumnNamesMatchPattern: schema,
  Completeness: completeness,
  IsComplete: completeness,
  ColumnValues: columnValues,
  ColumnLength: columnLength,
  ColumnDataType: columnDataType,
  DataFreshness: dataFreshness,
  Uniqueness: frequencyLeaf,
  IsUnique: frequencyLeaf,
  IsPrimaryKey: frequencyLeaf,
  DistinctValuesCount: frequencyLeaf,
  UniqueValueRatio: frequencyLeaf,
  Entropy: frequencyLeaf,
  Mean: statistics,
  Sum: statistics,
  StandardDeviation: statistics,
  Variance: statistics,
  ColumnCorrelation: correlation,
};

export function embeddedLeafTypes(): string[] {
  return Object.keys(LEAVES);
}

export function compileLeaf(rule: Rule, spec: RuleTypeSpec, context: LeafContext): SqlLeaf {
  const compile = LEAVES[rule.ruleType];
  if (!compile) throw new Error(`${rule.ruleType} is not evaluated by the embedded engine`);
  return compile(base(rule, spec, context), context);
}

/** The key of a frequency table's columns, for its GROUP BY and for joining rows back. */
export function frequencyKeys(cells: CellSql[]): string[] {
  return cells.map(keyOf);
}
