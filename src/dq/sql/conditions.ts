// DQDL conditions over a row's value, in SQL: when a value fails and what the row's reason
// says, word for word as the engine wrote them before it ran on DuckDB (quarantined rows
// carry them in DataQualityFailureReasons).

import { NEGATIVE, nullPasses, operandNumber } from '../evaluate/condition.ts';
import { compileFullMatch } from '../evaluate/regex.ts';
import type { Condition } from '../parser/ast.ts';
import type { CellSql, CellValues } from './cells.ts';
import { anyOf, bool, double, text } from './quote.ts';

/** A row-level check: `fail` is a non-NULL BOOLEAN, `reason` is read only where it is true. */
export interface Check {
  fail: string;
  reason: string;
}

export const DOES_NOT_MEET = ' does not meet the constraint requirement!';

/**
 * BOOLEAN (never NULL): a number passes a numeric condition. `between` is exclusive, as the
 * DQDL reference defines it; a NULL operand (`= NULL`) never equals a number.
 */
export function numberTestSql(condition: Condition, now: Date, value: string): string {
  const values = condition.operands.map((o) => operandNumber(o, now));
  const [a, b] = values;
  const set = values.filter((v): v is number => v !== null);
  const lit = (v: number | null | undefined) => (v === null || v === undefined ? null : double(v));
  const la = lit(a);
  const lb = lit(b);
  switch (condition.operator) {
    case '=':
      return la === null ? 'FALSE' : `(${value} = ${la})`;
    case '!=':
      return la === null ? 'TRUE' : `(${value} <> ${la})`;
    case '>':
    case '>=':
    case '<':
    case '<=':
      return la === null ? 'FALSE' : `(${value} ${condition.operator} ${la})`;
    case 'between':
      return la === null || lb === null ? 'FALSE' : `(${value} > ${la} AND ${value} < ${lb})`;
    case 'not between':
      return la === null || lb === null ? 'FALSE' : `(NOT (${value} > ${la} AND ${value} < ${lb}))`;
    case 'in':
      return set.length === 0 ? 'FALSE' : `(${value} IN (${set.map(double).join(', ')}))`;
    case 'not in':
      return set.length === 0 ? 'TRUE' : `(${value} NOT IN (${set.map(double).join(', ')}))`;
    default:
      throw new Error(`${condition.operator} does not compare numbers`);
  }
}

/** The part of a check after the NULL test: the value is present and not NULL. */
function valueCheck(condition: Condition, now: Date, cell: CellSql, values: CellValues): Check {
  const t = cell.text;
  if (condition.kind === 'number') {
    const n = values.number(cell);
    return {
      fail: `(${n} IS NULL OR NOT ${numberTestSql(condition, now, n)})`,
      reason: `CASE WHEN ${n} IS NULL THEN 'Value: ' || sw_json(${t}) || ' is not a number' ELSE 'Value: ' || sw_js_number(${n}) || ${text(DOES_NOT_MEET)} END`,
    };
  }
  if (condition.kind === 'date') {
    const time = values.time(cell);
    return {
      fail: `(${time} IS NULL OR NOT ${numberTestSql(condition, now, time)})`,
      reason: `CASE WHEN ${time} IS NULL THEN 'Value: ' || sw_json(${t}) || ' is not a date' ELSE 'Value: ' || ${t} || ${text(DOES_NOT_MEET)} END`,
    };
  }
  if (condition.kind !== 'string')
    throw new Error(`a ${condition.kind} condition does not apply to column values`);
  const pattern = condition.operator === 'matches' || condition.operator === 'not matches';
  const matchers = condition.operands.map((operand) => {
    if (operand.kind === 'keyword') {
      if (operand.keyword === 'NULL') return 'FALSE';
      if (operand.keyword === 'EMPTY') return `(${t} = '')`;
      return `(length(${t}) > 0 AND ${values.trimmed(cell)} = '')`;
    }
    if (operand.kind !== 'string') throw new Error(`a ${operand.kind} value in a string condition`);
    if (pattern) {
      // The whole value must match, so "[a-z]*" rejects "abc1" rather than finding "abc".
      const compiled = compileFullMatch(operand.value);
      if (!compiled.ok)
        throw new Error(`invalid pattern ${JSON.stringify(operand.value)}: ${compiled.reason}`);
      return `regexp_full_match(${t}, ${text(operand.value)})`;
    }
    return `(${t} = ${text(operand.value)})`;
  });
  const negative = NEGATIVE.has(condition.operator);
  // Deequ finds patterns by extracting the match, and an empty match counts as none: the
  // empty string passes neither `matches` nor `not matches` there, so not here either.
  const matched = anyOf(matchers);
  const fails = negative ? `(${matched})` : `(NOT (${matched}))`;
  return {
    fail: pattern ? `(${t} = '' OR ${fails})` : fails,
    reason: `'Value: ' || sw_json(${t}) || ${text(DOES_NOT_MEET)}`,
  };
}

/** `Column "x" is missing`: a row of an object without the column fails every rule on it. */
export function missingReason(column: string): string {
  return text(`Column ${JSON.stringify(column)} is missing`);
}

/**
 * The row check of ColumnValues: the column must be present; NULL passes only where Deequ
 * lets it (nullPasses); the value must meet the condition.
 */
export function columnValuesCheck(
  condition: Condition,
  now: Date,
  column: string,
  cell: CellSql,
  values: CellValues,
): Check {
  const value = valueCheck(condition, now, cell, values);
  return {
    fail: `CASE WHEN NOT ${cell.present} THEN TRUE WHEN ${cell.text} IS NULL THEN ${bool(!nullPasses(condition))} ELSE ${value.fail} END`,
    reason: `CASE WHEN NOT ${cell.present} THEN ${missingReason(column)} WHEN ${cell.text} IS NULL THEN ${text(`Value: NULL${DOES_NOT_MEET}`)} ELSE ${value.reason} END`,
  };
}

/** A check that only needs the column to be present and `fail`/`reason` on the value. */
export function presentCheck(column: string, cell: CellSql, check: Check): Check {
  return {
    fail: `CASE WHEN NOT ${cell.present} THEN TRUE ELSE ${check.fail} END`,
    reason: `CASE WHEN NOT ${cell.present} THEN ${missingReason(column)} ELSE ${check.reason} END`,
  };
}
