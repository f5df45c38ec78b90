import { describe, expect, it } from 'vitest';
import { parseWhere } from '../parser/where.ts';
import type { Cell, RowView } from './values.ts';
import { compileWhere } from './where.ts';

const row = (value: Record<string, Cell>): RowView => ({
  get: (c) => value[c],
  has: (c) => c in value,
});

const ROW = row({ a: '5', b: 'Harbor', c: null, d: '2024-03-01', e: 'x' });

describe('where clauses (Spark SQL subset)', () => {
  it.each([
    ['a > 4', true],
    ['a > 10', false],
    ['a = 5.0', true],
    ['a <> 5', false],
    ["b = 'Harbor'", true],
    ['b = "Harbor"', true],
    ['a between 5 and 6', true], // SQL BETWEEN is inclusive
    ['a not between 5 and 6', false],
    ["b in ('Uptown', 'Harbor')", true],
    ["b not in ('Uptown', 'Harbor')", false],
    ['c is null', true],
    ['c is not null', false],
    ['c = 1', false], // unknown, so not selected
    ['not (c = 1)', false], // still unknown
    ['c = 1 or a = 5', true],
    ['c = 1 and a = 5', false],
    ["b like 'Har%'", true],
    ["b like 'h%'", false],
    ["d >= '2024-01-01'", true],
    ['e > 1', false], // a string that is not a number compares as NULL
    ["`a` < 6 AND (b = 'Harbor' OR c IS NULL)", true],
  ])('%s -> %s', (text, expected) => {
    const parsed = parseWhere(text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(compileWhere(parsed.expression)(ROW)).toBe(expected);
  });

  it.each([
    ['a >', 3],
    ['a = 1 and', 9],
    ["b = 'x", 4],
    ['a in 1', 5],
    ['(a = 1', 6],
  ])('rejects %j at offset %i', (text, offset) => {
    const parsed = parseWhere(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.offset).toBe(offset);
  });
});
