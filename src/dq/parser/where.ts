/**
 * The `where "..."` clause of a DQDL rule is a Spark SQL predicate that Glue hands to
 * Spark. The embedded engine understands the subset people write in filters: column
 * comparisons, BETWEEN, IN, IS [NOT] NULL, LIKE, AND/OR/NOT and parentheses. Anything
 * else is a parse error here, so it is caught when the spec is validated, not mid-run.
 */

export type WhereOperand =
  | { type: 'column'; name: string }
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' };

export type WhereExpression =
  | { type: 'and' | 'or'; left: WhereExpression; right: WhereExpression }
  | { type: 'not'; operand: WhereExpression }
  | {
      type: 'compare';
      op: '=' | '!=' | '<' | '<=' | '>' | '>=';
      left: WhereOperand;
      right: WhereOperand;
    }
  | {
      type: 'between';
      negated: boolean;
      value: WhereOperand;
      low: WhereOperand;
      high: WhereOperand;
    }
  | { type: 'in'; negated: boolean; value: WhereOperand; list: WhereOperand[] }
  | { type: 'isNull'; negated: boolean; value: WhereOperand }
  | { type: 'like'; negated: boolean; value: WhereOperand; pattern: string };

export type WhereParseResult =
  | { ok: true; expression: WhereExpression }
  | { ok: false; offset: number; message: string };

interface WhereToken {
  kind: 'ident' | 'number' | 'string' | 'op' | '(' | ')' | ',' | 'eof';
  text: string;
  offset: number;
}

class WhereError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

function tokenizeWhere(text: string): WhereToken[] {
  const tokens: WhereToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"') {
      // SQL doubles the quote character to escape it.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new WhereError(start, `unterminated string: expected ${ch}`);
        if (text[i] === ch) {
          if (text[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'string', text: value, offset: start });
      continue;
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) throw new WhereError(start, 'unterminated `column`: expected a closing `');
      tokens.push({ kind: 'ident', text: text.slice(i + 1, close), offset: start });
      i = close + 1;
      continue;
    }
    const number = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    const previous = tokens.at(-1);
    const negativeAllowed =
      !previous || previous.kind === 'op' || previous.kind === '(' || previous.kind === ',';
    if (number && (ch !== '-' || negativeAllowed)) {
      tokens.push({ kind: 'number', text: number[0], offset: start });
      i += number[0].length;
      continue;
    }
    const op = /^(<=|>=|<>|!=|==|=|<|>)/.exec(text.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[0], offset: start });
      i += op[0].length;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, offset: start });
      i++;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], offset: start });
      i += ident[0].length;
      continue;
    }
    throw new WhereError(start, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'eof', text: '', offset: text.length });
  return tokens;
}

const COMPARISON: Record<string, '=' | '!=' | '<' | '<=' | '>' | '>='> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** Parses a where clause; the offset of an error is inside the clause text. */
export function parseWhere(text: string): WhereParseResult {
  let tokens: WhereToken[];
  try {
    tokens = tokenizeWhere(text);
  } catch (error) {
    if (error instanceof WhereError)
      return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
  let position = 0;
  const peek = (): WhereToken => tokens[position]!;
  const isKeyword = (token: WhereToken, word: string): boolean =>
    token.kind === 'ident' && token.text.toUpperCase() === word;
  const next = (): WhereToken => tokens[position++]!;
  const fail = (token: WhereToken, expected: string): never => {
    const found = token.kind === 'eof' ? 'end of clause' : JSON.stringify(token.text);
    throw new WhereError(token.offset, `expected ${expected}, found ${found}`);
  };
  const expectKeyword = (word: string): void => {
    const token = next();
    if (!isKeyword(token, word)) fail(token, word);
  };

  const operand = (): WhereOperand => {
    const token = next();
    if (token.kind === 'number') return { type: 'number', value: Number(token.text) };
    if (token.kind === 'string') return { type: 'string', value: token.text };
    if (token.kind === 'ident') {
      const upper = token.text.toUpperCase();
      if (upper === 'NULL') return { type: 'null' };
      if (upper === 'TRUE' || upper === 'FALSE')
        return { type: 'boolean', value: upper === 'TRUE' };
      if (['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'LIKE'].includes(upper)) {
        fail(token, 'a column name or a value');
      }
      return { type: 'column', name: token.text };
    }
    return fail(token, 'a column name or a value');
  };

  const predicate = (): WhereExpression => {
    if (peek().kind === '(') {
      next();
      const inner = orExpression();
      if (next().kind !== ')') fail(tokens[position - 1]!, ')');
      return inner;
    }
    const left = operand();
    const token = peek();
    if (token.kind === 'op') {
      next();
      return { type: 'compare', op: COMPARISON[token.text]!, left, right: operand() };
    }
    if (isKeyword(token, 'IS')) {
      next();
      let negated = false;
      if (isKeyword(peek(), 'NOT')) {
        next();
        negated = true;
      }
      expectKeyword('NULL');
      return { type: 'isNull', negated, value: left };
    }
    let negated = false;
    if (isKeyword(token, 'NOT')) {
      next();
      negated = true;
    }
    const keyword = peek();
    if (isKeyword(keyword, 'BETWEEN')) {
      next();
      const low = operand();
      expectKeyword('AND');
      return { type: 'between', negated, value: left, low, high: operand() };
    }
    if (isKeyword(keyword, 'IN')) {
      next();
      if (next().kind !== '(') fail(tokens[position - 1]!, '( after IN');
      const list = [operand()];
      while (peek().kind === ',') {
        next();
        list.push(operand());
      }
      if (next().kind !== ')') fail(tokens[position - 1]!, ', or )');
      return { type: 'in', negated, value: left, list };
    }
    if (isKeyword(keyword, 'LIKE')) {
      next();
      const pattern = next();
      if (pattern.kind !== 'string') fail(pattern, 'a quoted LIKE pattern');
      return { type: 'like', negated, value: left, pattern: pattern.text };
    }
    if (left.type === 'boolean' || (left.type === 'column' && !negated)) {
      // A bare boolean column or literal is a predicate of its own: `where "is_active"`.
      return { type: 'compare', op: '=', left, right: { type: 'boolean', value: true } };
    }
    return fail(keyword, 'a comparison (=, <, >, BETWEEN, IN, IS NULL, LIKE)');
  };

  const notExpression = (): WhereExpression => {
    if (isKeyword(peek(), 'NOT')) {
      next();
      return { type: 'not', operand: notExpression() };
    }
    return predicate();
  };
  const andExpression = (): WhereExpression => {
    let left = notExpression();
    while (isKeyword(peek(), 'AND')) {
      next();
      left = { type: 'and', left, right: notExpression() };
    }
    return left;
  };
  const orExpression = (): WhereExpression => {
    let left = andExpression();
    while (isKeyword(peek(), 'OR')) {
      next();
      left = { type: 'or', left, right: andExpression() };
    }
    return left;
  };

  try {
    const expression = orExpression();
    if (peek().kind !== 'eof') fail(peek(), 'AND, OR or the end of the clause');
    return { ok: true, expression };
  } catch (error) {
    if (error instanceof WhereError)
      return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}
