// A rule's `where "..."` clause in SQL, with the semantics the engine gives it (and Spark
// gives the same predicate): SQL's three-valued logic, a row selected only when the clause
// is true, and comparisons after Spark's implicit casts — numerically when both sides are
// numbers (the text "10" and the number 9 compare as numbers), NULL when a number meets text
// that is not one, case-insensitive "true" against a boolean, text otherwise.
import type { WhereExpression, WhereOperand } from '../parser/where.ts';
import { type CellSql, type CellValues, DIRECT, isTag } from './cells.ts';
import { double, text } from './quote.ts';

/** A side of a comparison: a cell, a literal, or NULL. */
interface Side {
  text: string;
  number: string;
  isNumber: string;
  isBoolean: string;
  /** SQL NULL literal: the comparison is unknown. */
  isNull: boolean;
}

/** The engine's reading of a number in a where literal (Number() of number-like text). */
const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function literalNumber(value: string): number | undefined {
  return NUMBER_TEXT.test(value) ? Number(value) : undefined;
}

function side(operand: WhereOperand, cell: (column: string) => CellSql, values: CellValues): Side {
  switch (operand.type) {
    case 'column': {
      const c = cell(operand.name);
      return {
        text: c.text,
        number: values.number(c),
        isNumber: isTag(c, 'number'),
        isBoolean: isTag(c, 'boolean'),
        isNull: false,
      };
    }
    case 'null':
      return { text: 'NULL', number: 'NULL', isNumber: 'FALSE', isBoolean: 'FALSE', isNull: true };
    case 'number':
      return {
        text: text(String(operand.value)),
        number: double(operand.value),
        isNumber: 'TRUE',
        isBoolean: 'FALSE',
        isNull: false,
      };
    case 'string': {
      const n = literalNumber(operand.value);
      return {
        text: text(operand.value),
        number: n === undefined ? 'CAST(NULL AS DOUBLE)' : double(n),
        isNumber: 'FALSE',
        isBoolean: 'FALSE',
        isNull: false,
      };
    }
    case 'boolean':
      return {
        text: text(String(operand.value)),
        number: 'CAST(NULL AS DOUBLE)',
        isNumber: 'FALSE',
        isBoolean: 'TRUE',
        isNull: false,
      };
  }
}

const SQL_OP: Record<string, string> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function booleanOf(s: Side): string {
  return `(lower(${s.text}) = 'true')`;
}

/** BOOLEAN or NULL: `a op b` after the implicit casts. */
function compare(op: string, a: Side, b: Side): string {
  if (a.isNull || b.isNull) return 'CAST(NULL AS BOOLEAN)';
  const sqlOp = SQL_OP[op]!;
  return `(CASE
    WHEN ${a.text} IS NULL OR ${b.text} IS NULL THEN NULL
    WHEN ${a.number} IS NOT NULL AND ${b.number} IS NOT NULL THEN ${a.number} ${sqlOp} ${b.number}
    WHEN ${a.isNumber} OR ${b.isNumber} THEN NULL
    WHEN ${a.isBoolean} OR ${b.isBoolean} THEN ${booleanOf(a)} ${sqlOp} ${booleanOf(b)}
    ELSE ${a.text} ${sqlOp} ${b.text} END)`;
}

/** BOOLEAN or NULL, in three-valued logic. */
function compile(
  expression: WhereExpression,
  cell: (column: string) => CellSql,
  values: CellValues,
): string {
  const of = (o: WhereOperand) => side(o, cell, values);
  switch (expression.type) {
    case 'and':
      return `(${compile(expression.left, cell, values)} AND ${compile(expression.right, cell, values)})`;
    case 'or':
      return `(${compile(expression.left, cell, values)} OR ${compile(expression.right, cell, values)})`;
    case 'not':
      return `(NOT ${compile(expression.operand, cell, values)})`;
    case 'compare':
      return compare(expression.op, of(expression.left), of(expression.right));
    case 'between': {
      // SQL BETWEEN is inclusive (unlike DQDL's between); unknown when either end is.
      const value = of(expression.value);
      const low = compare('>=', value, of(expression.low));
      const high = compare('<=', value, of(expression.high));
      const inside = `(CASE WHEN ${low} IS NULL OR ${high} IS NULL THEN NULL ELSE ${low} AND ${high} END)`;
      return expression.negated ? `(NOT ${inside})` : inside;
    }
    case 'in': {
      const value = of(expression.value);
      if (value.isNull) return 'CAST(NULL AS BOOLEAN)';
      const equal = expression.list.map((item) => compare('=', value, of(item)));
      const found = equal.map((e) => `${e} IS TRUE`).join(' OR ');
      const unknown = equal.map((e) => `${e} IS NULL`).join(' OR ');
      return `(CASE WHEN ${value.text} IS NULL THEN NULL WHEN ${found} THEN ${!expression.negated} WHEN ${unknown} THEN NULL ELSE ${expression.negated} END)`;
    }
    case 'isNull': {
      const value = of(expression.value);
      if (value.isNull) return expression.negated ? 'FALSE' : 'TRUE';
      return `(${value.text} IS ${expression.negated ? 'NOT ' : ''}NULL)`;
    }
    case 'like': {
      // LIKE in DuckDB has no escape character, as the engine's: % any text, _ one character.
      const value = of(expression.value);
      if (value.isNull) return 'CAST(NULL AS BOOLEAN)';
      return `(${value.text} ${expression.negated ? 'NOT ' : ''}LIKE ${text(expression.pattern)})`;
    }
  }
}

/** BOOLEAN, never NULL: the row is selected (the clause is true). */
export function whereSql(
  expression: WhereExpression,
  cell: (column: string) => CellSql,
  values: CellValues = DIRECT,
): string {
  return `coalesce(${compile(expression, cell, values)}, FALSE)`;
}

/** The columns a where clause reads. */
export function whereColumns(expression: WhereExpression): string[] {
  const columns: string[] = [];
  const operand = (o: WhereOperand) => {
    if (o.type === 'column') columns.push(o.name);
  };
  const visit = (e: WhereExpression): void => {
    switch (e.type) {
      case 'and':
      case 'or':
        visit(e.left);
        visit(e.right);
        return;
      case 'not':
        visit(e.operand);
        return;
      case 'compare':
        operand(e.left);
        operand(e.right);
        return;
      case 'between':
        [e.value, e.low, e.high].forEach(operand);
        return;
      case 'in':
        [e.value, ...e.list].forEach(operand);
        return;
      case 'isNull':
      case 'like':
        operand(e.value);
        return;
    }
  };
  visit(expression);
  return columns;
}
