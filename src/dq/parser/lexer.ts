import { DqdlSyntaxError, type SourceLocation } from './errors.ts';

/**
 * Token kinds of DQDL. The grammar (awslabs/dqdl CommonLexerRules.g4) lexes keywords and
 * identifiers from one character class, so keywords are `word` tokens here and the parser
 * decides by context; that keeps `threshold`, `days` or a column named `in_use` working.
 */
export type TokenKind =
  | 'word' // IDENTIFIER and keywords: [A-Za-z0-9_.]+ that is not a number
  | 'int'
  | 'decimal'
  | 'string' // QUOTED_STRING, value unescaped
  | 'now' // now()
  | 'variable' // $name
  | '['
  | ']'
  | '('
  | ')'
  | '{'
  | '}'
  | ','
  | ':'
  | '='
  | '!'
  | '>'
  | '>='
  | '<'
  | '<='
  | '+'
  | '-'
  | '*'
  | '/'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The text as written (for strings: the unescaped value). */
  text: string;
  location: SourceLocation;
  /** Offset just past the token, so the parser can slice the source of a rule. */
  end: number;
}

const WORD_CHAR = /[A-Za-z0-9_.]/;
const SINGLE_CHAR: Record<string, TokenKind> = {
  '[': '[',
  ']': ']',
  '(': '(',
  ')': ')',
  '{': '{',
  '}': '}',
  ',': ',',
  ':': ':',
  '=': '=',
  '!': '!',
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
};

/** Splits DQDL text into tokens; `#` comments and whitespace are dropped. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let column = 1;

  const advance = (count: number): void => {
    for (let i = 0; i < count; i++) {
      if (source[offset] === '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      offset++;
    }
  };
  const here = (): SourceLocation => ({ line, column, offset });
  const push = (kind: TokenKind, text: string, location: SourceLocation): void => {
    tokens.push({ kind, text, location, end: offset });
  };

  while (offset < source.length) {
    const ch = source[offset]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      advance(1);
      continue;
    }
    if (ch === '#') {
      while (offset < source.length && source[offset] !== '\n') advance(1);
      continue;
    }
    const start = here();
    if (ch === '"') {
      advance(1);
      let value = '';
      for (;;) {
        if (offset >= source.length) {
          throw new DqdlSyntaxError(start, 'unterminated string: expected a closing "');
        }
        const c = source[offset]!;
        // The grammar's only escapes are \" and \\; any other backslash is literal text,
        // which is what regular expressions in `matches` need.
        if (c === '\\' && (source[offset + 1] === '"' || source[offset + 1] === '\\')) {
          value += source[offset + 1];
          advance(2);
          continue;
        }
        if (c === '"') {
          advance(1);
          break;
        }
        value += c;
        advance(1);
      }
      push('string', value, start);
      continue;
    }
    if (ch === '>' || ch === '<') {
      if (source[offset + 1] === '=') {
        advance(2);
        push(ch === '>' ? '>=' : '<=', `${ch}=`, start);
      } else {
        advance(1);
        push(ch, ch, start);
      }
      continue;
    }
    if (ch === '$') {
      advance(1);
      let name = '';
      while (offset < source.length && WORD_CHAR.test(source[offset]!)) {
        name += source[offset];
        advance(1);
      }
      if (name === '') throw new DqdlSyntaxError(start, 'expected a variable name after $');
      push('variable', name, start);
      continue;
    }
    const single = SINGLE_CHAR[ch];
    if (single) {
      advance(1);
      push(single, ch, start);
      continue;
    }
    if (WORD_CHAR.test(ch)) {
      let text = '';
      while (offset < source.length && WORD_CHAR.test(source[offset]!)) {
        text += source[offset];
        advance(1);
      }
      if (text === 'now' && source.startsWith('()', offset)) {
        advance(2);
        push('now', 'now()', start);
      } else if (/^[0-9]+$/.test(text)) {
        push('int', text, start);
      } else if (/^[0-9]+\.[0-9]+$/.test(text)) {
        push('decimal', text, start);
      } else {
        push('word', text, start);
      }
      continue;
    }
    throw new DqdlSyntaxError(start, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'eof', text: '', location: here(), end: offset });
  return tokens;
}
