import type {
  Condition,
  DateExpression,
  Duration,
  NumberExpression,
  Operand,
} from '../parser/ast.ts';
import { compileFullMatch } from './regex.ts';
import { type Cell, cellToNumber, cellToString, cellToTime } from './values.ts';

/** Why a value failed, or undefined when it passed. */
export type ValueCheck = (cell: Cell) => string | undefined;

const DURATION_MS: Record<Duration['unit'], number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
};

export function durationMs(duration: Duration): number {
  return duration.amount * DURATION_MS[duration.unit];
}

/** Constant-folds a number expression; function calls (dynamic rules) are rejected earlier. */
export function evaluateNumber(expression: NumberExpression): number {
  switch (expression.type) {
    case 'literal':
      return expression.value;
    case 'binary': {
      const left = evaluateNumber(expression.left);
      const right = evaluateNumber(expression.right);
      if (expression.op === '+') return left + right;
      if (expression.op === '-') return left - right;
      if (expression.op === '*') return left * right;
      return left / right;
    }
    case 'call':
      throw new Error(`${expression.name}() needs the run history; it is not a constant`);
  }
}

export function evaluateDate(expression: DateExpression, now: Date): number {
  if (expression.type === 'date') return Date.parse(`${expression.value}T00:00:00Z`);
  if (expression.type === 'time') throw new Error('a time of day only applies to FileFreshness');
  const base = now.getTime();
  if (!expression.offset) return base;
  const delta = durationMs(expression.offset.duration);
  return expression.offset.sign === '+' ? base + delta : base - delta;
}

/** Compares a number with a numeric condition (metric values, thresholds, lengths). */
export function compileNumberTest(condition: Condition, now: Date): (value: number) => boolean {
  const values = condition.operands.map((operand) => operandNumber(operand, now));
  return compileOrdered(condition, values);
}

function operandNumber(operand: Operand, now: Date): number | null {
  switch (operand.kind) {
    case 'number':
      return evaluateNumber(operand.expression);
    case 'date':
      return evaluateDate(operand.expression, now);
    case 'duration':
      return durationMs(operand.duration);
    case 'keyword':
      return null;
    default:
      throw new Error(`a ${operand.kind} value cannot be compared as a number`);
  }
}

/**
 * Builds the comparison for ordered values. `between` is exclusive at both ends, as the
 * DQDL reference defines it. A NULL operand (`= NULL`) never equals a present number.
 */
function compileOrdered(
  condition: Condition,
  values: (number | null)[],
): (value: number) => boolean {
  const [a, b] = values;
  const set = values.filter((v): v is number => v !== null);
  switch (condition.operator) {
    case '=':
      return (v) => a !== null && v === a;
    case '!=':
      return (v) => a === null || v !== a;
    case '>':
      return (v) => a !== null && a !== undefined && v > a;
    case '>=':
      return (v) => a !== null && a !== undefined && v >= a;
    case '<':
      return (v) => a !== null && a !== undefined && v < a;
    case '<=':
      return (v) => a !== null && a !== undefined && v <= a;
    case 'between':
      return (v) => a != null && b != null && v > a && v < b;
    case 'not between':
      return (v) => a != null && b != null && !(v > a && v < b);
    case 'in':
      return (v) => set.includes(v);
    case 'not in':
      return (v) => !set.includes(v);
    default:
      throw new Error(`${condition.operator} does not compare numbers`);
  }
}

const NEGATIVE = new Set(['!=', 'not in', 'not between', 'not matches']);

function mentionsKeyword(condition: Condition, keyword: string): boolean {
  return condition.operands.some((o) => o.kind === 'keyword' && o.keyword === keyword);
}

/**
 * Whether NULL passes a value condition, as Deequ's DQDL evaluator decides (checked by
 * the conformance suite): a condition naming NULL decides by itself (`= NULL`, `in [..,
 * NULL]` accept it, `!= NULL`, `not in [.., NULL]` reject it); otherwise NULL passes only
 * `!=` and `not in` with values — never `not between`, `not matches` or a condition on
 * EMPTY / WHITESPACES_ONLY.
 */
export function nullPasses(condition: Condition): boolean {
  const negative = NEGATIVE.has(condition.operator);
  if (mentionsKeyword(condition, 'NULL')) return !negative;
  if (mentionsKeyword(condition, 'EMPTY') || mentionsKeyword(condition, 'WHITESPACES_ONLY'))
    return false;
  return condition.operator === '!=' || condition.operator === 'not in';
}

/**
 * The per-value test of ColumnValues (and the value part of DataFreshness); NULL as
 * nullPasses() says.
 */
export function compileValueCheck(condition: Condition, now: Date): ValueCheck {
  const passesNull = nullPasses(condition);
  const nullCheck = (cell: Cell): string | undefined | false => {
    if (cell === null)
      return passesNull ? undefined : 'Value: NULL does not meet the constraint requirement!';
    return false;
  };
  if (condition.kind === 'string') return stringCheck(condition, nullCheck);
  if (condition.kind === 'number') {
    const test = compileNumberTest(condition, now);
    return (cell) => {
      const n = nullCheck(cell);
      if (n !== false) return n;
      const value = cellToNumber(cell);
      if (value === undefined)
        return `Value: ${JSON.stringify(cellToString(cell))} is not a number`;
      return test(value) ? undefined : `Value: ${value} does not meet the constraint requirement!`;
    };
  }
  if (condition.kind === 'date') {
    const test = compileNumberTest(condition, now);
    return (cell) => {
      const n = nullCheck(cell);
      if (n !== false) return n;
      const time = cellToTime(cell);
      if (time === undefined) return `Value: ${JSON.stringify(cellToString(cell))} is not a date`;
      return test(time)
        ? undefined
        : `Value: ${cellToString(cell)} does not meet the constraint requirement!`;
    };
  }
  throw new Error(`a ${condition.kind} condition does not apply to column values`);
}

function stringCheck(
  condition: Condition,
  nullCheck: (cell: Cell) => string | undefined | false,
): ValueCheck {
  const matchers = condition.operands.map((operand): ((text: string | null) => boolean) => {
    if (operand.kind === 'keyword') {
      if (operand.keyword === 'NULL') return (text) => text === null;
      if (operand.keyword === 'EMPTY') return (text) => text === '';
      return (text) => text !== null && text.length > 0 && text.trim() === '';
    }
    if (operand.kind !== 'string') throw new Error(`a ${operand.kind} value in a string condition`);
    if (condition.operator === 'matches' || condition.operator === 'not matches') {
      // The whole value must match, so "[a-z]*" rejects "abc1" rather than finding "abc".
      const pattern = compileFullMatch(operand.value);
      if (!pattern.ok)
        throw new Error(`invalid pattern ${JSON.stringify(operand.value)}: ${pattern.reason}`);
      return (text) => text !== null && pattern.matches(text);
    }
    const expected = operand.value;
    return (text) => text === expected;
  });
  const negative = NEGATIVE.has(condition.operator);
  const pattern = condition.operator === 'matches' || condition.operator === 'not matches';
  return (cell) => {
    const n = nullCheck(cell);
    if (n !== false) return n;
    const text = cellToString(cell);
    // Deequ finds patterns by extracting the match, and an empty match counts as none: the
    // empty string passes neither `matches` nor `not matches` there, so not here either.
    if (pattern && text === '') return 'Value: "" does not meet the constraint requirement!';
    const matched = matchers.some((m) => m(text));
    if (matched !== negative) return undefined;
    return `Value: ${JSON.stringify(text)} does not meet the constraint requirement!`;
  };
}
