// The macros against the JavaScript they stand for: the engine decided these in JavaScript
// before it ran on DuckDB, and the conformance suite checked those decisions against Deequ.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/duckdb.ts';
import { text } from './quote.ts';

let db: Database;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seawall-macros-'));
  db = await Database.open({ memoryBytes: 64 * 1024 * 1024, tempDirectory: dir });
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Evaluates `expression(x)` in SQL for each input, in one query. */
async function each(expression: (x: string) => string, inputs: string[]): Promise<unknown[]> {
  if (inputs.length === 0) return [];
  const values = inputs.map((v, i) => `(${i}, ${v})`).join(', ');
  const rows = await db.rows(
    `SELECT i, ${expression('x')} AS y FROM (VALUES ${values}) t(i, x) ORDER BY i`,
  );
  return rows.map((r) => (typeof r.y === 'bigint' ? Number(r.y) : r.y));
}

// The JavaScript definitions (from the engine before DuckDB).
const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const jsNumber = (t: string): number | null => (NUMBER_TEXT.test(t) ? Number(t) : null);
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
function jsTime(cell: string): number | null {
  const t = cell.trim();
  const date = DATE_ONLY.exec(t);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const time = Date.UTC(y, m - 1, d);
    const check = new Date(time);
    return check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d
      ? time
      : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.test(t))
    return null;
  const zone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(t);
  const time = Date.parse(`${t.replace(' ', 'T')}${zone ? '' : 'Z'}`);
  return Number.isNaN(time) ? null : time;
}

const numberLike = fc.oneof(
  fc.double({ noNaN: true }).map(String),
  fc.integer().map(String),
  fc.constantFrom(' 7 ', '+5', '-.5', '5.', '1e3', '1E+05', '\u00a012\u3000', '1_000', '0x10'),
  fc.constantFrom('inf', 'NaN', 'Infinity', '', ' ', '12a', '--1', '.', 'e5', '١٢'),
  fc.string({ maxLength: 6 }),
);

describe('sw_number is Number() on text that looks like a number', () => {
  it('agrees on generated text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(numberLike, { minLength: 1, maxLength: 60 }), async (inputs) => {
        const got = await each((_x) => `sw_number(x)`, inputs.map(text));
        expect(got).toEqual(inputs.map(jsNumber));
      }),
      { numRuns: 30 },
    );
  });
});

describe('sw_js_number is String(number)', () => {
  it('agrees on generated doubles', async () => {
    const special = [
      0,
      -0,
      1e21,
      1e-7,
      123.456,
      1e-5,
      1e20,
      12345678901234567000,
      2 ** 53,
      2 ** 53 + 2,
      5e-324,
      1.7976931348623157e308,
      0.1 + 0.2,
      -1.5e-7,
      1e16,
      100,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), {
          minLength: 1,
          maxLength: 60,
        }),
        async (numbers) => {
          const inputs = [...special, ...numbers];
          const got = await each(
            (_x) => `sw_js_number(x)`,
            inputs.map((n) => `CAST('${String(n)}' AS DOUBLE)`),
          );
          expect(got).toEqual(inputs.map((n) => String(n)));
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('sw_fixed1 is toFixed(1)', () => {
  it('agrees, ties included', async () => {
    const quarters = Array.from({ length: 40 }, (_, i) => (i - 20) / 4);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 40 }),
        async (numbers) => {
          const inputs = [...quarters, 1.05, 1.15, 2.45, -0.04, 47.95, ...numbers];
          const got = await each(
            (_x) => `sw_fixed1(x)`,
            inputs.map((n) => `CAST('${String(n)}' AS DOUBLE)`),
          );
          expect(got).toEqual(inputs.map((n) => n.toFixed(1)));
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('sw_json is JSON.stringify', () => {
  it('agrees on every character below U+0300 and generated text', async () => {
    const chars = Array.from({ length: 0x300 }, (_, i) => String.fromCharCode(i)).filter(
      (c) => c !== '\u0000',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 8 }), { maxLength: 30 }),
        async (strings) => {
          const inputs = [...chars, 'a"b\\c/d', '\u2028\u2029\ufeff', ...strings].filter(
            (s) =>
              !s.includes('\u0000') &&
              !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')),
          );
          const got = await each((_x) => `sw_json(x)`, inputs.map(text));
          expect(got).toEqual(inputs.map((s) => JSON.stringify(s)));
          const lists = await each((_x) => `sw_json_list([x, NULL, 'b'])`, inputs.map(text));
          expect(lists).toEqual(inputs.map((s) => JSON.stringify([s, null, 'b'])));
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('sw_time reads dates and timestamps as the engine did', () => {
  it.each([
    ['2024-03-01', Date.UTC(2024, 2, 1)],
    [' 2024-03-01 ', Date.UTC(2024, 2, 1)],
    ['2024-02-30', null],
    ['2025-13-01', null],
    ['2024-03-01T10:30:00Z', Date.UTC(2024, 2, 1, 10, 30)],
    ['2024-03-01 10:30', Date.UTC(2024, 2, 1, 10, 30)],
    ['2024-03-01T10:30Z', Date.UTC(2024, 2, 1, 10, 30)],
    ['2024-03-01T10:30:00+01:00', Date.UTC(2024, 2, 1, 9, 30)],
    ['2024-03-01T10:30:00-0130', Date.UTC(2024, 2, 1, 12, 0)],
    ['2024-03-01T10:30:00.1239Z', Date.UTC(2024, 2, 1, 10, 30, 0, 123)],
    ['2024-3-1', null],
    ['yesterday', null],
    ['20240301', null],
  ])('%j -> %s', async (input, expected) => {
    expect(jsTime(input)).toBe(expected);
    expect(await each((_x) => `sw_time(sw_trim(x))`, [text(input)])).toEqual([expected]);
  });
});

describe('casts, as ColumnDataType checks text', () => {
  it.each([
    ['boolean', ['true', ' FALSE ', 't', 'Yes', 'n', '1', '0'], ['2', 'truth', '']],
    ['integer', ['5', '+5', '-2147483648', ' 007 '], ['2147483648', '1.0', '1_000', '']],
    ['long', ['9223372036854775807', '-5'], ['9223372036854775808', '1e3']],
    ['date', ['2024-02-29', ' 2024-01-01'], ['2023-02-29', '2024-01-01T00:00:00Z', '24-01-01']],
  ])('sw_casts_%s', async (type, yes, no) => {
    const got = await each((_x) => `sw_casts_${type}(sw_trim(x))`, [...yes, ...no].map(text));
    expect(got).toEqual([...yes.map(() => true), ...no.map(() => false)]);
  });
});
