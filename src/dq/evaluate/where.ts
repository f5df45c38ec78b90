import { RE2JS } from 're2js';
import type { WhereExpression, WhereOperand } from '../parser/where.ts';
import { type Cell, cellToNumber, cellToString, type RowView } from './values.ts';

type Value = string | number | boolean | null;

/**
 * Compiles a where clause to a row filter with SQL's three-valued logic: a comparison with
 * NULL is unknown, and a row is selected only when the clause is true.
 */
export function compileWhere(expression: WhereExpression): (row: RowView) => boolean {
  const test = compile(expression);
  return (row) => test(row) === true;
}

function operandValue(operand: WhereOperand, row: RowView): Value {
  switch (operand.type) {
    case 'column':
      return normalize(row.get(operand.name));
    case 'null':
      return null;
    default:
      return operand.value;
  }
}

function normalize(cell: Cell): Value {
  return cell === undefined ? null : cell;
}

/** Compares like Spark does after implicit casts: numerically when both sides are numbers. */
function compareValues(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  const na = typeof a === 'boolean' ? undefined : cellToNumber(a);
  const nb = typeof b === 'boolean' ? undefined : cellToNumber(b);
  if (na !== undefined && nb !== undefined) return na === nb ? 0 : na < nb ? -1 : 1;
  // Spark casts a string compared with a number to a number; one that is not becomes NULL.
  if (typeof a === 'number' || typeof b === 'number') return null;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const ba = typeof a === 'boolean' ? a : String(a).toLowerCase() === 'true';
    const bb = typeof b === 'boolean' ? b : String(b).toLowerCase() === 'true';
    return ba === bb ? 0 : ba ? 1 : -1;
  }
  const sa = cellToString(a)!;
  const sb = cellToString(b)!;
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

/** SQL LIKE as an RE2 pattern (linear time, like every pattern the engine runs). */
function likeToRegex(pattern: string): RE2JS {
  let source = '';
  for (const ch of pattern) {
    if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += RE2JS.quote(ch);
  }
  return RE2JS.compile(source, RE2JS.DOTALL);
}

function compile(expression: WhereExpression): (row: RowView) => boolean | null {
  switch (expression.type) {
    case 'and': {
      const left = compile(expression.left);
      const right = compile(expression.right);
      return (row) => {
        const l = left(row);
        if (l === false) return false;
        const r = right(row);
        if (r === false) return false;
        return l === null || r === null ? null : true;
      };
    }
    case 'or': {
      const left = compile(expression.left);
      const right = compile(expression.right);
      return (row) => {
        const l = left(row);
        if (l === true) return true;
        const r = right(row);
        if (r === true) return true;
        return l === null || r === null ? null : false;
      };
    }
    case 'not': {
      const operand = compile(expression.operand);
      return (row) => {
        const v = operand(row);
        return v === null ? null : !v;
      };
    }
    case 'compare': {
      const { op, left, right } = expression;
      return (row) => {
        const c = compareValues(operandValue(left, row), operandValue(right, row));
        if (c === null) return null;
        if (op === '=') return c === 0;
        if (op === '!=') return c !== 0;
        if (op === '<') return c < 0;
        if (op === '<=') return c <= 0;
        if (op === '>') return c > 0;
        return c >= 0;
      };
    }
    case 'between': {
      // SQL BETWEEN is inclusive (unlike DQDL's between).
      const { value, low, high, negated } = expression;
      return (row) => {
        const v = operandValue(value, row);
        const lo = compareValues(v, operandValue(low, row));
        const hi = compareValues(v, operandValue(high, row));
        if (lo === null || hi === null) return null;
        const inside = lo >= 0 && hi <= 0;
        return negated ? !inside : inside;
      };
    }
    case 'in': {
      const { value, list, negated } = expression;
      return (row) => {
        const v = operandValue(value, row);
        if (v === null) return null;
        let unknown = false;
        for (const item of list) {
          const c = compareValues(v, operandValue(item, row));
          if (c === 0) return !negated;
          if (c === null) unknown = true;
        }
        return unknown ? null : negated;
      };
    }
    case 'isNull': {
      const { value, negated } = expression;
      return (row) => (operandValue(value, row) === null) !== negated;
    }
    case 'like': {
      const regex = likeToRegex(expression.pattern);
      const { value, negated } = expression;
      return (row) => {
        const v = operandValue(value, row);
        if (v === null) return null;
        return regex.matches(String(v)) !== negated;
      };
    }
  }
}
