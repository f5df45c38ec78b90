import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from './parser.ts';
import { parseWhere } from './where.ts';

// Pieces people (and typos) put in rulesets; mutations mix them into valid documents.
const FRAGMENTS = [
  'Rules',
  '=',
  '[',
  ']',
  '(',
  ')',
  ',',
  '"',
  '"a"',
  'and',
  'or',
  'not',
  'in',
  'between',
  'matches',
  'with',
  'threshold',
  'where',
  'labels',
  'NULL',
  'EMPTY',
  'now()',
  '-',
  '+',
  '*',
  '/',
  '>',
  '>=',
  '<',
  '<=',
  '!',
  '$x',
  '#',
  '\n',
  ' ',
  '0',
  '1.5',
  '3 days',
  '"2024-01-01"',
  'IsComplete',
  'ColumnValues',
  'RowCount',
  'Completeness',
  'IsPrimaryKey',
  '{',
  '}',
  ':',
  'min(last(3))',
  '\\',
  '"\\"',
  'Metadata',
  'Analyzers',
];

const VALID = [
  'Rules = [ IsComplete "a", ColumnValues "b" between 1 and 10 with threshold > 0.9 ]',
  'Rules = [ (IsComplete "id") and (IsUnique "id"), (RowCount > 0) or ((IsComplete "x") and (IsUnique "x")) ]',
  'x = ["A", "B"]\nRules = [ ColumnValues "c" in $x where "d > 1 and e is not null", DataFreshness "t" <= 24 hours ]',
];

/** parseRuleset must return, never throw, for any input. */
function parsesWithoutThrowing(text: string): void {
  const result = parseRuleset(text);
  if (!result.ok) {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
      expect(error.message).not.toBe('');
    }
  }
}

describe('parser fuzzing', () => {
  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), parsesWithoutThrowing), { numRuns: 2000 });
  });

  it('never throws on random token soups', () => {
    const soup = fc
      .array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 })
      .map((parts) => parts.join(' '));
    fc.assert(fc.property(soup, parsesWithoutThrowing), { numRuns: 3000 });
  });

  it('never throws on mutated valid rulesets', () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(...VALID),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.constantFrom('', ...FRAGMENTS)), {
          minLength: 1,
          maxLength: 6,
        }),
      )
      .map(([base, edits]) =>
        edits.reduce((text, [at, remove, insert]) => {
          const i = at % (text.length + 1);
          return text.slice(0, i) + insert + text.slice(i + remove);
        }, base),
      );
    fc.assert(fc.property(mutated, parsesWithoutThrowing), { numRuns: 3000 });
  });

  it('parses generated valid rulesets and keeps each rule text', () => {
    const column = fc
      .stringMatching(/^[A-Za-z_][A-Za-z0-9_ -]{0,10}$/)
      .map((c) => JSON.stringify(c));
    const number = fc.integer({ min: -1000, max: 1000 }).map(String);
    const rule = fc.oneof(
      column.map((c) => `IsComplete ${c}`),
      // A valid range has its lower bound first (an inverted one is refused).
      fc
        .tuple(column, fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 500 }))
        .map(([c, a, width]) => `ColumnValues ${c} between ${a} and ${a + width}`),
      fc
        .tuple(column, fc.array(column, { minLength: 1, maxLength: 4 }))
        .map(([c, values]) => `ColumnValues ${c} in [${values.join(', ')}]`),
      number.map((n) => `RowCount > ${n}`),
      fc
        .tuple(column, fc.integer({ min: 1, max: 99 }))
        .map(([c, d]) => `DataFreshness ${c} <= ${d} days`),
    );
    const ruleset = fc.array(rule, { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(ruleset, (list) => {
        const result = parseRuleset(`Rules = [\n  ${list.join(',\n  ')}\n]`);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.ruleset.rules.map((r) => r.text)).toEqual(list);
      }),
      { numRuns: 500 },
    );
  });

  it('where clauses never throw', () => {
    const soup = fc
      .array(
        fc.constantFrom(
          'a',
          '1',
          "'x'",
          'and',
          'or',
          'not',
          '(',
          ')',
          '=',
          '<>',
          'in',
          'between',
          'is',
          'null',
          ',',
          'like',
          '`c`',
          '-',
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 80 })), (text) => {
        const result = parseWhere(text);
        if (!result.ok) expect(result.offset).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 3000 },
    );
  });
});
