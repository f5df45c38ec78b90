import type {
  Condition,
  DateExpression,
  Duration,
  NumberExpression,
  Operand,
} from '../parser/ast.ts';

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

/** An operand as a number (dates and durations in milliseconds); null for a keyword. */
export function operandNumber(operand: Operand, now: Date): number | null {
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

export const NEGATIVE = new Set(['!=', 'not in', 'not between', 'not matches']);

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
