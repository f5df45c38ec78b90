// Where clauses in SQL against rows of text (CSV) and of typed values (JSON Lines).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/duckdb.ts';
import { parseWhere } from '../parser/where.ts';
import type { CellSql } from './cells.ts';
import { whereSql } from './where.ts';

let db: Database;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seawall-where-'));
  db = await Database.open({ memoryBytes: 64 * 1024 * 1024, tempDirectory: dir });
  await db.run(
    "CREATE TABLE t AS SELECT '5' AS a, 'Harbor' AS b, CAST(NULL AS VARCHAR) AS c, '2024-03-01' AS d, 'x' AS e, '7' AS n, 'true' AS f",
  );
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Text columns, as CSV reads them; n is a JSON number 7 and f a JSON boolean. */
function cell(column: string): CellSql {
  if (column === 'n') return { text: 'n', tag: 'number', present: 'TRUE' };
  if (column === 'f') return { text: 'f', tag: 'boolean', present: 'TRUE' };
  return { text: column, tag: 'string', present: 'TRUE' };
}

async function selects(text: string): Promise<boolean> {
  const parsed = parseWhere(text);
  if (!parsed.ok) throw new Error(parsed.message);
  const row = await db.row(`SELECT ${whereSql(parsed.expression, cell)} AS selected FROM t`);
  return row.selected as boolean;
}

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
    ["a = '5.0'", true], // text that is a number compares as a number
    ["b > 'A'", true],
    ['n = 7', true],
    ["n = 'x'", false], // a typed number against text that is not one: unknown
    ["a = 'x' or a = '5'", true],
    ["f = 'TRUE'", true], // a boolean against text: case-insensitive "true"
    ["e = 'X'", false],
    ['a in (4, 5)', true],
    ['c in (1, 2)', false],
    ['not (a in (1, c))', false], // unknown: c is NULL
    ['a not between 6 and 9', true],
    ["b not like 'H%'", false],
  ])('%s -> %s', async (text, expected) => {
    expect(await selects(text)).toBe(expected);
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
