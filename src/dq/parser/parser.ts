import { durationMs, evaluateNumber } from '../evaluate/condition.ts';
import { compileFullMatch } from '../evaluate/regex.ts';
import { isRuleTypeName, RULE_TYPES, ruleTypeSpec } from '../rules/catalogue.ts';
import type {
  Analyzer,
  CompositeRule,
  Condition,
  ConditionKind,
  ConditionOperator,
  DateExpression,
  Duration,
  DurationUnit,
  NumberExpression,
  Operand,
  Rule,
  RuleParameter,
  Ruleset,
  RuleTag,
  SizeUnit,
  TopLevelRule,
  VariableValue,
} from './ast.ts';
import { type DqdlError, DqdlSyntaxError, type SourceLocation } from './errors.ts';
import { type Token, type TokenKind, tokenize } from './lexer.ts';
import { parseWhere } from './where.ts';

export type ParseResult = { ok: true; ruleset: Ruleset } | { ok: false; errors: DqdlError[] };

const DURATION_UNITS: readonly string[] = ['days', 'hours', 'minutes'];
const SIZE_UNITS: readonly string[] = ['B', 'KB', 'MB', 'GB', 'TB'];
const KEYWORDS: Record<string, 'NULL' | 'EMPTY' | 'WHITESPACES_ONLY'> = {
  NULL: 'NULL',
  null: 'NULL',
  EMPTY: 'EMPTY',
  empty: 'EMPTY',
  WHITESPACES_ONLY: 'WHITESPACES_ONLY',
  whitespaces_only: 'WHITESPACES_ONLY',
};
/** Words that end a rule's parameter list because a condition or clause starts. */
const CLAUSE_WORDS = new Set(['between', 'not', 'in', 'matches', 'with', 'where', 'labels']);
const DATE_STRING = /^\d{4}-\d{2}-\d{2}$/;
const TIME_STRING = /^(?:\d{1,2}:\d{2} (?:AM|PM)|\d{2}:\d{2})$/;
/** Guards recursion so hostile input such as 10,000 '(' fails cleanly instead of overflowing. */
const MAX_DEPTH = 200;

const isAnd = (t: Token): boolean => t.kind === 'word' && (t.text === 'and' || t.text === 'AND');
const isOr = (t: Token): boolean => t.kind === 'word' && (t.text === 'or' || t.text === 'OR');
const isOf = (t: Token): boolean => t.kind === 'word' && (t.text === 'of' || t.text === 'OF');

function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  if (token.kind === 'string') return `"${token.text}"`;
  return JSON.stringify(token.text);
}

/**
 * Parses a DQDL document (the grammar of awslabs/dqdl) and checks each rule against the
 * rule catalogue: known type, parameter count, a condition of a kind the rule returns.
 * Never throws: every failure is a list of errors with line and column.
 */
export function parseRuleset(source: string): ParseResult {
  let parser: Parser | undefined;
  try {
    parser = new Parser(source, tokenize(source));
    const ruleset = parser.document();
    // Syntax errors of single rules (the parser went on with the next rule), then what the
    // catalogue finds in the rules that did parse, in source order.
    const errors = [...parser.errors, ...checkRuleset(ruleset)].sort(
      (a, b) => a.line - b.line || a.column - b.column,
    );
    return errors.length > 0 ? { ok: false, errors } : { ok: true, ruleset };
  } catch (error) {
    if (error instanceof DqdlSyntaxError) {
      const earlier = parser?.errors ?? [];
      const last = error.toDqdlError();
      const known = earlier.some((e) => e.line === last.line && e.column === last.column);
      return { ok: false, errors: known ? earlier : [...earlier, last] };
    }
    throw error;
  }
}

class Parser {
  /** Syntax errors inside rules: the parser skips to the next rule and goes on. */
  readonly errors: DqdlError[] = [];
  private position = 0;
  private depth = 0;
  private readonly variables: Record<string, VariableValue> = {};
  private readonly source: string;
  private readonly tokens: Token[];

  constructor(source: string, tokens: Token[]) {
    this.source = source;
    this.tokens = tokens;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.position++;
    return token;
  }
  private previousEnd(): number {
    return this.position > 0 ? this.tokens[this.position - 1]!.end : 0;
  }
  private fail(expected: string, token = this.peek()): never {
    throw new DqdlSyntaxError(token.location, `expected ${expected}, found ${describe(token)}`);
  }
  private expect(kind: TokenKind, expected = JSON.stringify(kind)): Token {
    if (this.peek().kind !== kind) this.fail(expected);
    return this.next();
  }
  private isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.text === word;
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new DqdlSyntaxError(this.peek().location, 'nesting is too deep');
    }
  }

  document(): Ruleset {
    const ruleset: Ruleset = { variables: this.variables, rules: [], analyzers: [] };
    let sawRules = false;
    let sawAnalyzers = false;
    while (this.peek().kind !== 'eof') {
      const token = this.peek();
      if (token.kind !== 'word') this.fail('Rules = [ ... ]');
      if (token.text === 'Metadata' && this.peek(1).kind === '=') {
        this.next();
        this.next();
        ruleset.metadata = this.dictionary();
      } else if (token.text === 'DataSources' && this.peek(1).kind === '=') {
        this.next();
        this.next();
        ruleset.dataSources = this.dictionary();
      } else if (token.text === 'DefaultLabels' && this.peek(1).kind === '=') {
        this.next();
        this.next();
        ruleset.defaultLabels = this.labelList();
      } else if (token.text === 'Rules' && this.peek(1).kind === '=') {
        if (sawRules) this.fail('only one Rules section');
        sawRules = true;
        this.next();
        this.next();
        this.expect('[', '[ after Rules =');
        if (this.peek().kind !== ']') {
          this.recovering(ruleset.rules);
          while (this.peek().kind === ',') {
            this.next();
            this.recovering(ruleset.rules);
          }
        }
        this.expect(']', ', or ] after a rule');
      } else if (token.text === 'Analyzers' && this.peek(1).kind === '=') {
        if (sawAnalyzers) this.fail('only one Analyzers section');
        sawAnalyzers = true;
        this.next();
        this.next();
        this.expect('[', '[ after Analyzers =');
        if (this.peek().kind !== ']') {
          ruleset.analyzers.push(this.analyzer());
          while (this.peek().kind === ',') {
            this.next();
            ruleset.analyzers.push(this.analyzer());
          }
        }
        this.expect(']', ', or ] after an analyzer');
      } else if (this.peek(1).kind === '=' && !sawRules && !sawAnalyzers) {
        this.variableDeclaration();
      } else {
        this.fail(sawRules ? 'Analyzers = [ ... ] or the end of input' : 'Rules = [ ... ]');
      }
    }
    if (!sawRules && !sawAnalyzers) this.fail('Rules = [ ... ]');
    return ruleset;
  }

  /**
   * Parses one rule; on a syntax error, records it and skips to the `,` or `]` that ends
   * the rule at its own bracket depth, so every broken rule is reported, not only the
   * first. An error that reaches the end of input is thrown (nothing more to say).
   */
  private recovering(rules: TopLevelRule[]): void {
    const start = this.position;
    try {
      rules.push(this.topLevelRule());
      if (this.peek().kind !== ',' && this.peek().kind !== ']') this.fail(', or ] after a rule');
    } catch (error) {
      if (!(error instanceof DqdlSyntaxError)) throw error;
      this.errors.push(error.toDqdlError());
      this.depth = 0;
      let depth = 0;
      // Re-scan from the rule's start so brackets the rule opened are closed in the count.
      this.position = start;
      for (;;) {
        const token = this.peek();
        if (token.kind === 'eof') throw error;
        if (depth === 0 && (token.kind === ',' || token.kind === ']')) return;
        if (token.kind === '[' || token.kind === '(') depth++;
        if ((token.kind === ']' || token.kind === ')') && depth > 0) depth--;
        this.next();
      }
    }
  }

  private dictionary(): Record<string, string | string[]> {
    const result: Record<string, string | string[]> = {};
    this.expect('{', '{');
    do {
      const key = this.expect('string', 'a quoted key').text;
      this.expect(':', ':');
      if (this.peek().kind === '[') {
        this.next();
        const values = [this.expect('string', 'a quoted string').text];
        while (this.peek().kind === ',') {
          this.next();
          values.push(this.expect('string', 'a quoted string').text);
        }
        this.expect(']', ', or ]');
        result[key] = values;
      } else {
        result[key] = this.expect('string', 'a quoted string or [').text;
      }
    } while (this.peek().kind === ',' && this.next());
    this.expect('}', ', or }');
    return result;
  }

  private labelList(): Record<string, string> {
    const labels: Record<string, string> = {};
    this.expect('[', '[');
    if (this.peek().kind !== ']') {
      do {
        const key = this.expect('string', 'a quoted label key').text;
        this.expect('=', '= in a label');
        labels[key] = this.expect('string', 'a quoted label value').text;
      } while (this.peek().kind === ',' && this.next());
    }
    this.expect(']', ', or ] after a label');
    return labels;
  }

  private variableDeclaration(): void {
    const name = this.next();
    if (name.kind !== 'word') this.fail('a variable name', name);
    this.expect('=');
    if (this.peek().kind === '[') {
      this.next();
      const values = [this.stringValue()];
      while (this.peek().kind === ',') {
        this.next();
        values.push(this.stringValue());
      }
      this.expect(']', ', or ]');
      this.variables[name.text] = { kind: 'array', values };
    } else {
      const value = this.stringValue();
      if (value.kind === 'keyword') this.variables[name.text] = value;
      else if (value.kind === 'string')
        this.variables[name.text] = { kind: 'string', value: value.value };
      else this.variables[name.text] = { kind: 'array', values: [value] };
    }
  }

  /** quotedString | NULL | EMPTY | WHITESPACES_ONLY, as in variable declarations. */
  private stringValue(): Operand {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return { kind: 'string', value: token.text };
    }
    if (token.kind === 'word' && KEYWORDS[token.text]) {
      this.next();
      return { kind: 'keyword', keyword: KEYWORDS[token.text]! };
    }
    return this.fail('a quoted string, NULL, EMPTY or WHITESPACES_ONLY');
  }

  // topLevelRule: or-chain of and-chains of primaries; `and` binds tighter, as in the grammar.
  private topLevelRule(): TopLevelRule {
    this.enter();
    const start = this.peek();
    const first = this.andChain();
    const rules = [first];
    while (isOr(this.peek())) {
      this.next();
      rules.push(this.andChain());
    }
    this.depth--;
    if (rules.length === 1) return first;
    return this.composite('or', rules, start);
  }

  private andChain(): TopLevelRule {
    const start = this.peek();
    const first = this.primaryRule();
    const rules = [first];
    while (isAnd(this.peek())) {
      this.next();
      rules.push(this.primaryRule());
    }
    if (rules.length === 1) return first;
    return this.composite('and', rules, start);
  }

  private composite(type: 'and' | 'or', rules: TopLevelRule[], start: Token): CompositeRule {
    return {
      type,
      rules,
      text: this.source.slice(start.location.offset, this.previousEnd()),
      location: start.location,
    };
  }

  private primaryRule(): TopLevelRule {
    const token = this.peek();
    if (token.kind === '(') {
      this.next();
      const inner = this.topLevelRule();
      this.expect(')', ') to close the rule');
      if (this.isWord('labels') && this.peek(1).kind === '=') {
        this.next();
        this.next();
        const labels = this.labelList();
        if (inner.type === 'rule' || inner.type === 'and' || inner.type === 'or')
          inner.labels = labels;
      }
      // Keep the parentheses in the text so a composite reads as written.
      inner.text = this.source.slice(token.location.offset, this.previousEnd());
      inner.location = token.location;
      return inner;
    }
    return this.rule();
  }

  private rule(): Rule {
    const start = this.peek();
    if (start.kind !== 'word') this.fail('a rule type such as IsComplete or ColumnValues');
    this.next();
    const parameters = this.parameters();
    const rule: Rule = {
      type: 'rule',
      ruleType: start.text,
      parameters,
      tags: [],
      text: '',
      location: start.location,
    };
    if (this.startsCondition()) rule.condition = this.condition();
    if (this.isWord('where')) {
      this.next();
      const clause = this.expect('string', 'a quoted where clause');
      const parsed = parseWhere(clause.text);
      if (!parsed.ok) {
        const offset = clause.location.offset + 1 + parsed.offset;
        throw new DqdlSyntaxError(
          locate(this.source, offset),
          `in where clause: ${parsed.message}`,
        );
      }
      rule.where = { text: clause.text, expression: parsed.expression, location: clause.location };
    }
    if (this.isWord('labels') && this.peek(1).kind === '=') {
      this.next();
      this.next();
      rule.labels = this.labelList();
    }
    while (this.isWord('with')) {
      const withToken = this.next();
      const name = this.expect('word', 'a tag name such as threshold');
      if (!this.startsCondition()) this.fail(`a condition after "with ${name.text}"`);
      const tag: RuleTag = {
        name: name.text,
        condition: this.condition(),
        location: withToken.location,
      };
      rule.tags.push(tag);
      if (tag.name === 'threshold') rule.threshold = tag.condition;
    }
    rule.text = this.source.slice(start.location.offset, this.previousEnd());
    return rule;
  }

  private parameters(): RuleParameter[] {
    const parameters: RuleParameter[] = [];
    for (;;) {
      const token = this.peek();
      let connector: 'of' | 'and' | undefined;
      let parameterToken = token;
      if (isOf(token) || isAnd(token)) {
        // `and` is both a connector (ColumnCorrelation "a" and "b") and the composite
        // operator; it is a connector only when a parameter follows that cannot start a rule.
        const following = this.peek(1);
        const parameterFollows =
          following.kind === 'string' ||
          following.kind === 'variable' ||
          (following.kind === 'word' &&
            !isRuleTypeName(following.text) &&
            !CLAUSE_WORDS.has(following.text) &&
            !isAnd(following) &&
            !isOr(following));
        if (!parameterFollows) return parameters;
        connector = isOf(token) ? 'of' : 'and';
        parameterToken = following;
      }
      let parameter: RuleParameter | undefined;
      if (parameterToken.kind === 'string') {
        parameter = { value: parameterToken.text, quoted: true, location: parameterToken.location };
      } else if (parameterToken.kind === 'variable') {
        const value = this.variables[parameterToken.text];
        if (!value)
          throw new DqdlSyntaxError(
            parameterToken.location,
            `undefined variable $${parameterToken.text}`,
          );
        if (value.kind !== 'string') {
          throw new DqdlSyntaxError(
            parameterToken.location,
            `variable $${parameterToken.text} is not a string`,
          );
        }
        parameter = {
          value: value.value,
          quoted: true,
          variable: parameterToken.text,
          location: parameterToken.location,
        };
      } else if (
        parameterToken.kind === 'word' &&
        !CLAUSE_WORDS.has(parameterToken.text) &&
        !isAnd(parameterToken) &&
        !isOr(parameterToken) &&
        !KEYWORDS[parameterToken.text]
      ) {
        parameter = {
          value: parameterToken.text,
          quoted: false,
          location: parameterToken.location,
        };
      }
      if (!parameter) return parameters;
      if (connector) {
        parameter.connector = connector;
        this.next();
      }
      this.next();
      parameters.push(parameter);
    }
  }

  private startsCondition(): boolean {
    const token = this.peek();
    if (['=', '!', '>', '>=', '<', '<='].includes(token.kind)) return true;
    return token.kind === 'word' && ['between', 'not', 'in', 'matches'].includes(token.text);
  }

  private condition(): Condition {
    const start = this.peek();
    let negated = false;
    if (this.isWord('not')) {
      this.next();
      negated = true;
      if (!this.isWord('between') && !this.isWord('in') && !this.isWord('matches')) {
        this.fail('between, in or matches after not');
      }
    }
    let operator: ConditionOperator;
    let operands: Operand[];
    const token = this.next();
    if (token.kind === '!') {
      this.expect('=', '= after !');
      operator = '!=';
      operands = [this.operand()];
    } else if (
      token.kind === '=' ||
      token.kind === '>' ||
      token.kind === '>=' ||
      token.kind === '<' ||
      token.kind === '<='
    ) {
      operator = token.kind;
      operands = [this.operand()];
    } else if (token.kind === 'word' && token.text === 'between') {
      operator = negated ? 'not between' : 'between';
      const low = this.operand();
      if (!isAnd(this.peek())) this.fail('and between the two bounds');
      this.next();
      operands = [low, this.operand()];
    } else if (token.kind === 'word' && token.text === 'in') {
      operator = negated ? 'not in' : 'in';
      operands = this.operandList();
    } else if (token.kind === 'word' && token.text === 'matches') {
      operator = negated ? 'not matches' : 'matches';
      const pattern = this.peek();
      operands = [this.operand()];
      const only = operands[0]!;
      if (only.kind !== 'string') this.fail('a quoted regular expression after matches', pattern);
      const compiled = compileFullMatch(only.value);
      if (!compiled.ok) {
        throw new DqdlSyntaxError(
          pattern.location,
          `cannot use the regular expression ${JSON.stringify(only.value)}: ${compiled.reason}`,
        );
      }
    } else {
      return this.fail('a condition (=, !=, >, >=, <, <=, between, in, matches)', token);
    }
    const kind = conditionKind(operator, operands, start);
    return {
      kind,
      operator,
      operands,
      text: this.source.slice(start.location.offset, this.previousEnd()),
      location: start.location,
    };
  }

  private operandList(): Operand[] {
    const token = this.peek();
    if (token.kind === 'variable') {
      this.next();
      const value = this.variables[token.text];
      if (!value) throw new DqdlSyntaxError(token.location, `undefined variable $${token.text}`);
      if (value.kind === 'array') return value.values;
      return [value.kind === 'string' ? { kind: 'string', value: value.value } : value];
    }
    this.expect('[', '[ or a $variable after in');
    const operands = [this.operand()];
    while (this.peek().kind === ',') {
      this.next();
      operands.push(this.operand());
    }
    this.expect(']', ', or ] to close the list');
    return operands;
  }

  private operand(): Operand {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      if (DATE_STRING.test(token.text))
        return { kind: 'date', expression: { type: 'date', value: token.text } };
      if (TIME_STRING.test(token.text))
        return { kind: 'date', expression: { type: 'time', value: token.text } };
      return { kind: 'string', value: token.text };
    }
    if (token.kind === 'now') {
      this.next();
      return { kind: 'date', expression: { type: 'now' } };
    }
    if (token.kind === '(' && this.peek(1).kind === 'now') {
      return { kind: 'date', expression: this.nowArithmetic() };
    }
    if (token.kind === 'variable') {
      this.next();
      const value = this.variables[token.text];
      if (!value) throw new DqdlSyntaxError(token.location, `undefined variable $${token.text}`);
      if (value.kind === 'array')
        throw new DqdlSyntaxError(
          token.location,
          `variable $${token.text} is a list; use in $${token.text}`,
        );
      return value.kind === 'string' ? { kind: 'string', value: value.value } : value;
    }
    if (token.kind === 'word' && KEYWORDS[token.text]) {
      this.next();
      return { kind: 'keyword', keyword: KEYWORDS[token.text]! };
    }
    if (token.kind === 'int' && this.peek(1).kind === 'word') {
      const unit = this.peek(1).text;
      if (DURATION_UNITS.includes(unit)) return { kind: 'duration', duration: this.duration() };
      if (SIZE_UNITS.includes(unit)) {
        this.next();
        this.next();
        return { kind: 'size', amount: Number(token.text), unit: unit as SizeUnit };
      }
    }
    if (
      token.kind === 'int' ||
      token.kind === 'decimal' ||
      token.kind === '-' ||
      token.kind === '(' ||
      token.kind === 'word'
    ) {
      return { kind: 'number', expression: this.numberExpression() };
    }
    return this.fail('a value (number, "string", "YYYY-MM-DD", now(), duration, NULL)');
  }

  private duration(): Duration {
    const amount = this.expect('int', 'a whole number of days, hours or minutes');
    const unit = this.peek();
    if (unit.kind !== 'word' || !DURATION_UNITS.includes(unit.text))
      this.fail('days, hours or minutes');
    this.next();
    return { amount: Number(amount.text), unit: unit.text as DurationUnit };
  }

  private nowArithmetic(): DateExpression {
    this.expect('(');
    this.expect('now');
    const sign = this.next();
    if (sign.kind !== '+' && sign.kind !== '-') this.fail('+ or - after now()', sign);
    const duration = this.duration();
    this.expect(')', ') to close the date expression');
    return { type: 'now', offset: { sign: sign.kind, duration } };
  }

  // number: conventional precedence (* / over + -), left-associative.
  private numberExpression(): NumberExpression {
    this.enter();
    let left = this.term();
    while (this.peek().kind === '+' || this.peek().kind === '-') {
      const op = this.next().kind as '+' | '-';
      left = { type: 'binary', op, left, right: this.term() };
    }
    this.depth--;
    return left;
  }

  private term(): NumberExpression {
    let left = this.factor();
    while (this.peek().kind === '*' || this.peek().kind === '/') {
      const op = this.next().kind as '*' | '/';
      left = { type: 'binary', op, left, right: this.factor() };
    }
    return left;
  }

  private factor(): NumberExpression {
    const token = this.peek();
    if (token.kind === '-') {
      this.next();
      const number = this.peek();
      if (number.kind !== 'int' && number.kind !== 'decimal') this.fail('a number after -');
      this.next();
      return { type: 'literal', value: -Number(number.text) };
    }
    if (token.kind === 'int' || token.kind === 'decimal') {
      this.next();
      return { type: 'literal', value: Number(token.text) };
    }
    if (token.kind === '(') {
      this.next();
      const inner = this.numberExpression();
      this.expect(')', ') to close the expression');
      return inner;
    }
    if (token.kind === 'word' && this.peek(1).kind === '(') {
      this.enter();
      this.next();
      this.next();
      const args: NumberExpression[] = [];
      if (this.peek().kind !== ')') {
        args.push(this.numberExpression());
        while (this.peek().kind === ',') {
          this.next();
          args.push(this.numberExpression());
        }
      }
      this.expect(')', ', or ) to close the function call');
      this.depth--;
      return { type: 'call', name: token.text, args };
    }
    return this.fail('a number');
  }

  private analyzer(): Analyzer {
    const start = this.expect('word', 'an analyzer type such as Completeness');
    const parameters = this.parameters();
    return {
      analyzerType: start.text,
      parameters,
      text: this.source.slice(start.location.offset, this.previousEnd()),
      location: start.location,
    };
  }
}

/** Decides what a condition compares against from its operands; mixing is an error. */
function conditionKind(
  operator: ConditionOperator,
  operands: Operand[],
  start: Token,
): ConditionKind {
  if (operator === 'matches' || operator === 'not matches') return 'string';
  const kinds = new Set<ConditionKind>();
  for (const operand of operands) {
    if (operand.kind === 'keyword' || operand.kind === 'variable') continue;
    kinds.add(operand.kind);
  }
  if (kinds.size > 1) {
    throw new DqdlSyntaxError(
      start.location,
      `cannot mix ${[...kinds].join(' and ')} values in one condition`,
    );
  }
  const [kind] = kinds;
  if (!kind) return 'string'; // only NULL / EMPTY / WHITESPACES_ONLY
  if (kind === 'string' && !['=', '!=', 'in', 'not in'].includes(operator)) {
    throw new DqdlSyntaxError(
      start.location,
      `expected a number or date with ${operator}, found a string`,
    );
  }
  return kind;
}

/** Line and column of an offset, for errors found inside a token (where clauses). */
function locate(source: string, offset: number): SourceLocation {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { line, column, offset };
}

/** What a rule's metric can be, for conditions that could never pass. */
const RATIO: [[number, number], string] = [[0, 1], 'is a ratio between 0 and 1'];
const COUNT: [[number, number], string] = [[0, Number.POSITIVE_INFINITY], 'is never negative'];
const METRIC_RANGES: Record<string, [[number, number], string]> = {
  Completeness: RATIO,
  Uniqueness: RATIO,
  UniqueValueRatio: RATIO,
  ColumnCorrelation: [[-1, 1], 'is a correlation between -1 and 1'],
  RowCount: COUNT,
  ColumnCount: COUNT,
  DistinctValuesCount: COUNT,
  Entropy: COUNT,
  ColumnLength: COUNT,
  StandardDeviation: COUNT,
  Variance: COUNT,
};

/** The constant value of an operand (numbers, dates, durations), or undefined. */
function constantOf(operand: Operand): number | undefined {
  try {
    if (operand.kind === 'number') return evaluateNumber(operand.expression);
    if (operand.kind === 'duration') return durationMs(operand.duration);
    if (operand.kind === 'date' && operand.expression.type === 'date')
      return Date.parse(`${operand.expression.value}T00:00:00Z`);
  } catch {
    // a dynamic rule (avg(last(3))): no constant to check
  }
  return undefined;
}

/**
 * Conditions that can never pass: an inverted range (`between 10 and 5`; between is
 * exclusive, so `between 5 and 5` too), or a bound outside what the metric can be
 * (`Completeness > 1.5`).
 */
export function rangeProblems(
  condition: Condition,
  range: [number, number] | undefined,
  what: string | undefined,
): string[] {
  const values = condition.operands.map(constantOf);
  if (values.some((v) => v === undefined)) return [];
  const [a, b] = values as number[];
  const op = condition.operator;
  if ((op === 'between' || op === 'not between') && a !== undefined && b !== undefined && a >= b) {
    return [
      `"${condition.text}" is an inverted range: between is exclusive and takes the lower bound first, so ${op === 'between' ? 'no value is' : 'every value is'} inside it`,
    ];
  }
  if (!range || a === undefined) return [];
  const [lo, hi] = range;
  const possible =
    op === '>'
      ? a < hi
      : op === '>='
        ? a <= hi
        : op === '<'
          ? a > lo
          : op === '<='
            ? a >= lo
            : op === '='
              ? a >= lo && a <= hi
              : op === 'between'
                ? a < hi && b! > lo
                : op === 'in'
                  ? (values as number[]).some((v) => v >= lo && v <= hi)
                  : true;
  return possible ? [] : [`${what}: "${condition.text}" can never pass`];
}

/** The rule type nearest to a misspelt one (edit distance, case ignored), if near enough. */
export function nearestRuleType(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const spec of RULE_TYPES) {
    const distance = editDistance(name.toLowerCase(), spec.name.toLowerCase());
    if (!best || distance < best.distance) best = { name: spec.name, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Catalogue checks: the rule exists, its parameters and condition fit its type. */
function checkRuleset(ruleset: Ruleset): DqdlError[] {
  const errors: DqdlError[] = [];
  const at = (location: SourceLocation, message: string): void => {
    errors.push({ line: location.line, column: location.column, message });
  };
  const visit = (rule: TopLevelRule): void => {
    if (rule.type !== 'rule') {
      rule.rules.forEach(visit);
      return;
    }
    const spec = ruleTypeSpec(rule.ruleType);
    if (!spec) {
      const guess = nearestRuleType(rule.ruleType);
      at(
        rule.location,
        `unknown rule type ${JSON.stringify(rule.ruleType)}${guess ? ` (did you mean ${guess}?)` : ''}`,
      );
      return;
    }
    if (spec.analyzerOnly)
      at(rule.location, `${spec.name} is an analyzer; put it under Analyzers = [ ... ]`);
    const count = rule.parameters.length;
    const max = spec.varArgs ? Number.POSITIVE_INFINITY : spec.parameters.length;
    if (count < spec.minParameters || count > max) {
      const expected =
        spec.parameters.length === 0
          ? 'no parameters'
          : `${spec.minParameters === max ? spec.minParameters : `${spec.minParameters}${spec.varArgs ? ' or more' : `-${max}`}`} parameter(s) (${spec.parameters.join(', ')})`;
      at(rule.location, `${spec.name} takes ${expected}, found ${count}`);
    }
    if (rule.condition) {
      if (spec.condition === 'forbidden')
        at(rule.condition.location, `${spec.name} takes no condition`);
      else if (!spec.conditionKinds.includes(rule.condition.kind)) {
        at(
          rule.condition.location,
          `${spec.name} compares ${spec.conditionKinds.join(' or ')} values, found a ${rule.condition.kind} condition`,
        );
      }
    } else if (spec.condition === 'required') {
      at(
        rule.location,
        `${spec.name} needs a condition, such as ${spec.conditionKinds[0] === 'duration' ? '<= 24 hours' : '> 0'}`,
      );
    }
    for (const tag of rule.tags) {
      if (tag.name !== 'threshold') {
        continue; // other tags are Glue metadata; validateForEmbedded decides about them
      }
      if (!spec.thresholdSupported) at(tag.location, `${spec.name} does not take "with threshold"`);
      else if (tag.condition.kind !== 'number')
        at(tag.location, 'a threshold compares a number between 0 and 1');
      else
        for (const problem of rangeProblems(
          tag.condition,
          [0, 1],
          'a threshold is a share of rows, between 0 and 1',
        ))
          at(tag.location, problem);
    }
    if (rule.condition) {
      const range = METRIC_RANGES[spec.name];
      const subject = range ? `${spec.name} ${range[1]}` : undefined;
      for (const problem of rangeProblems(rule.condition, range?.[0], subject))
        at(rule.condition.location, problem);
    }
    if (spec.name === 'ColumnNamesMatchPattern' && rule.parameters[0]) {
      const compiled = compileFullMatch(rule.parameters[0].value);
      if (!compiled.ok)
        at(
          rule.parameters[0].location,
          `cannot use the regular expression ${JSON.stringify(rule.parameters[0].value)}: ${compiled.reason}`,
        );
    }
    if (rule.where && !spec.whereSupported)
      at(rule.where.location, `${spec.name} does not take a where clause`);
  };
  ruleset.rules.forEach(visit);
  for (const analyzer of ruleset.analyzers) {
    if (!ruleTypeSpec(analyzer.analyzerType)) {
      at(analyzer.location, `unknown analyzer type ${JSON.stringify(analyzer.analyzerType)}`);
    }
  }
  return errors;
}
