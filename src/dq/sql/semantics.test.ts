// DQDL semantics, rule by rule and row by row, through the whole engine (DuckDB included):
// the outcomes and metrics Deequ gives (test/conformance checks them against Deequ
// itself), the reasons rows carry into quarantine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FailedRow, runEmbeddedPipeline } from '../engine/pipeline.ts';
import { localStore } from '../engine/store.ts';
import type { RuleResult } from '../results.ts';

const NOW = new Date('2026-01-15T12:00:00Z');

/** A value in a test row: text, a typed JSON value, NULL, or (undefined) no such key. */
type Cell = string | number | boolean | null | undefined;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Runs rules over rows as the engine does. JSON Lines by default (values keep their type;
 * a key a row lacks is NULL); CSV when a test is about columns an object lacks.
 */
async function evaluate(
  rules: string,
  rows: Record<string, Cell>[],
  options: { format?: 'jsonl' | 'csv'; memoryBytes?: number } = {},
) {
  const format = options.format ?? 'jsonl';
  const dir = mkdtempSync(join(tmpdir(), 'seawall-semantics-'));
  dirs.push(dir);
  const file = `data.${format}`;
  if (format === 'jsonl') {
    writeFileSync(
      join(dir, file),
      rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : ''),
    );
  } else {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    writeFileSync(
      join(dir, file),
      [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))]
        .map((l) => `${l}\n`)
        .join(''),
    );
  }
  const failed = new Map<number, FailedRow>();
  const document = await runEmbeddedPipeline({
    store: localStore(dir),
    source: { bucket: '.', prefix: '', objects: [file], format },
    trusted: { bucket: '.', prefix: 'trusted' },
    quarantine: { bucket: '.', prefix: 'quarantine' },
    results: { bucket: '.', prefix: 'results' },
    rules: `Rules = [ ${rules} ]`,
    runId: 'semantics',
    now: NOW,
    writeOutputs: false,
    ...(options.memoryBytes ? { memoryBytes: options.memoryBytes } : {}),
    onFailedRow: (row) => failed.set(row.record, row),
  });
  if (document.status === 'FAILED') throw new Error(document.error);
  const failures = rows.map((_, i) => failed.get(i + 1)?.failures ?? []);
  return {
    document,
    results: document.ruleResults,
    rowFailures: failures.map((f) => f.map((x) => x.name)),
    reasons: failures.map((f) => f.map((x) => x.reason)),
  };
}

async function first(rules: string, rows: Record<string, Cell>[]): Promise<RuleResult> {
  return (await evaluate(rules, rows)).results[0]!;
}

const col = (name: string, values: Cell[]) => values.map((v) => ({ [name]: v }));

describe('ColumnValues row by row', () => {
  // [rule, value, passes]
  const cases: [string, Cell, boolean][] = [
    ['ColumnValues "a" between 1 and 10', '1', false], // exclusive
    ['ColumnValues "a" between 1 and 10', '10', false],
    ['ColumnValues "a" between 1 and 10', '5.5', true],
    ['ColumnValues "a" not between 1 and 10', '1', true],
    ['ColumnValues "a" > 3', '3', false],
    ['ColumnValues "a" >= 3', '3', true],
    ['ColumnValues "a" < 3', ' 2 ', true],
    ['ColumnValues "a" <= 3', 4, false],
    ['ColumnValues "a" = 3', '3.0', true],
    ['ColumnValues "a" != 3', '3', false],
    ['ColumnValues "a" in [1, 2]', '2', true],
    ['ColumnValues "a" not in [1, 2]', '3', true],
    ['ColumnValues "a" > 3', 'abc', false], // wrong type
    // NULL fails everything except != and not in
    ['ColumnValues "a" > 3', null, false],
    ['ColumnValues "a" = "x"', null, false],
    ['ColumnValues "a" in ["x"]', null, false],
    ['ColumnValues "a" matches "x"', null, false],
    ['ColumnValues "a" between 1 and 2', null, false],
    ['ColumnValues "a" != 3', null, true],
    ['ColumnValues "a" != "x"', null, true],
    ['ColumnValues "a" not in [1, 2]', null, true],
    ['ColumnValues "a" not in [1, 2, NULL]', null, false],
    ['ColumnValues "a" = NULL', null, true],
    ['ColumnValues "a" in ["x", NULL]', null, true],
    ['ColumnValues "a" != NULL', null, false],
    ['ColumnValues "a" != NULL', 'x', true],
    // EMPTY and WHITESPACES_ONLY
    ['ColumnValues "a" = EMPTY', '', true],
    ['ColumnValues "a" = EMPTY', ' ', false],
    ['ColumnValues "a" in [WHITESPACES_ONLY]', '  ', true],
    ['ColumnValues "a" in [WHITESPACES_ONLY]', '', false],
    ['ColumnValues "a" in ["US", "CA"]', 'us', false],
    ['ColumnValues "a" not in ["US", "CA"]', 'UK', true],
    // matches wants the whole value
    ['ColumnValues "a" matches "[a-z]+"', 'abc', true],
    ['ColumnValues "a" matches "[a-z]+"', 'abc1', false],
    ['ColumnValues "a" not matches "[0-9]+"', 'x', true],
    // dates, now() arithmetic
    ['ColumnValues "d" > "2026-01-01"', '2026-01-02', true],
    ['ColumnValues "d" > "2026-01-01"', '2025-12-31', false],
    ['ColumnValues "d" > (now() - 3 days)', '2026-01-13', true],
    ['ColumnValues "d" > (now() - 3 days)', '2026-01-12', false],
    ['ColumnValues "d" <= now()', '2026-01-15T12:00:00Z', true],
    ['ColumnValues "d" between "2026-01-01" and "2026-02-01"', '2026-01-01', false],
    ['ColumnValues "d" > "2026-01-01"', '2026-02-30', false], // not a date
    ['ColumnValues "d" in ["2026-01-01", "2026-01-02"]', '2026-01-02', true],
  ];
  it.each(cases)('%s with %j passes: %s', async (rule, value, passes) => {
    const column = rule.includes('"d"') ? 'd' : 'a';
    const { results, rowFailures } = await evaluate(rule, [{ [column]: value }]);
    expect(rowFailures[0]).toEqual(passes ? [] : ['Rule_1']);
    expect(results[0]?.outcome).toBe(passes ? 'PASS' : 'FAIL');
  });

  it('judges the share of passing rows against a threshold', async () => {
    const rows = col('a', ['1', '2', '3', '4', '50']);
    expect(await first('ColumnValues "a" < 10 with threshold > 0.7', rows)).toMatchObject({
      outcome: 'PASS',
      evaluatedMetrics: {
        'Column.a.ColumnValues.Compliance': 0.8,
        'Column.a.Minimum': 1,
        'Column.a.Maximum': 50,
      },
    });
    expect(await first('ColumnValues "a" < 10 with threshold > 0.9', rows)).toMatchObject({
      outcome: 'FAIL',
      message: '80.00 % of rows passed the threshold',
    });
  });

  it('only looks at rows the where clause selects', async () => {
    const rows = [
      { area: 'Harbor', rate: '3' },
      { area: 'Harbor', rate: '5' },
      { area: 'Uptown', rate: '9' },
      { area: null, rate: '9' },
    ];
    const { results, rowFailures } = await evaluate(
      `ColumnValues "rate" < 4 where "area = 'Harbor'"`,
      rows,
    );
    expect(rowFailures).toEqual([[], ['Rule_1'], [], []]);
    expect(results[0]?.evaluatedMetrics['Column.rate.ColumnValues.Compliance']).toBe(0.5);
  });

  it('fails rows of objects that lack the column, and the rule when no object has it (as Deequ)', async () => {
    const { results, reasons } = await evaluate('ColumnValues "missing" > 1', [{ a: '1' }], {
      format: 'csv',
    });
    expect(reasons[0]).toEqual(['Column "missing" is missing']);
    expect(results[0]).toMatchObject({
      outcome: 'FAIL',
      message: 'Column "missing" does not exist in the dataset',
    });
  });
});

describe('dataset rules', () => {
  const rates = col('r', ['1', '2', '3', '4', null, '4']);
  it.each([
    ['RowCount = 6', 'PASS', { 'Dataset.*.RowCount': 6 }],
    ['RowCount between 6 and 10', 'FAIL', { 'Dataset.*.RowCount': 6 }],
    ['RowCount > 1 where "r > 2"', 'PASS', { 'Dataset.*.RowCount': 3 }],
    ['ColumnCount = 1', 'PASS', { 'Dataset.*.ColumnCount': 1 }],
    ['Completeness "r" > 0.8', 'PASS', { 'Column.r.Completeness': 0.833333333333 }],
    ['Completeness "r" >= 0.9', 'FAIL', { 'Column.r.Completeness': 0.833333333333 }],
    ['IsComplete "r"', 'FAIL', { 'Column.r.Completeness': 0.833333333333 }],
    ['Mean "r" = 2.8', 'PASS', { 'Column.r.Mean': 2.8 }],
    ['Sum "r" = 14', 'PASS', { 'Column.r.Sum': 14 }],
    [
      'StandardDeviation "r" between 1.16 and 1.17',
      'PASS',
      { 'Column.r.StandardDeviation': 1.16619037897 },
    ],
    ['Variance "r" = 1.36', 'PASS', { 'Column.r.Variance': 1.36 }],
    // Deequ counts NULL as one more distinct value.
    ['DistinctValuesCount "r" = 5', 'PASS', { 'Column.r.DistinctValuesCount': 5 }],
    // NULL has length 0 for the rule; the metrics are over values.
    ['ColumnLength "r" <= 1', 'PASS', { 'Column.r.MinimumLength': 1, 'Column.r.MaximumLength': 1 }],
    ['ColumnExists "r"', 'PASS', { 'Dataset.r.ColumnExists': 1 }],
    ['ColumnExists "q"', 'FAIL', { 'Dataset.q.ColumnExists': 0 }],
    ['ColumnNamesMatchPattern "[a-z]"', 'PASS', { 'Dataset.*.ColumnNamesPatternMatchRatio': 1 }],
    [
      'ColumnDataType "r" = "INTEGER"',
      'FAIL',
      { 'Column.r.ColumnDataType.Compliance': 0.833333333333 },
    ],
    ['ColumnDataType "r" = "INTEGER" with threshold > 0.8', 'PASS', {}],
    ['ColumnDataType "r" = "INTEGER" with threshold > 0.9', 'FAIL', {}],
  ] as const)('%s -> %s', async (rule, outcome, metrics) => {
    const result = await first(rule, rates);
    expect(result.outcome).toBe(outcome);
    expect(result.evaluatedMetrics).toMatchObject(metrics);
  });

  it('fails an aggregate over no values, as Deequ does (empty state)', async () => {
    for (const rule of ['Mean "r" > 1', 'Uniqueness "r" > 0', 'Entropy "r" > 0', 'IsUnique "r"'])
      expect((await first(rule, col('r', [null, null]))).message, rule).toMatch(/^Empty state/);
    const none = `where "r = 'none'"`;
    expect((await first(`IsComplete "r" ${none}`, col('r', ['1']))).message).toMatch(
      /^Empty state/,
    );
    expect((await first(`ColumnDataType "r" = "INTEGER" ${none}`, col('r', ['1']))).outcome).toBe(
      'PASS',
    );
  });

  it('fails a statistic over a column holding text, as Glue reads such a column', async () => {
    const result = await first('Mean "r" > 0', col('r', ['1', '2', 'n/a']));
    expect(result).toMatchObject({ outcome: 'FAIL', evaluatedMetrics: {} });
    expect(result.message).toContain('"n/a"');
  });

  it('counts uniqueness like Glue: values seen once over non-null rows', async () => {
    const rows = col('k', ['a', 'a', 'b', 'c', null]);
    expect(await first('Uniqueness "k" = 0.5', rows)).toMatchObject({
      outcome: 'PASS',
      evaluatedMetrics: { 'Column.k.Uniqueness': 0.5 },
    });
    expect((await first('UniqueValueRatio "k" between 0.66 and 0.67', rows)).outcome).toBe('PASS');
    expect((await first('Entropy "k" > 1', rows)).evaluatedMetrics['Column.k.Entropy']).toBeCloseTo(
      1.0397,
      4,
    );
  });

  it('computes a Pearson correlation', async () => {
    const rows = [1, 2, 3, 4].map((x) => ({ x: String(x), y: String(2 * x + 1) }));
    expect((await first('ColumnCorrelation "x" "y" > 0.99', rows)).evaluatedMetrics).toEqual({
      'Multicolumn.x,y.ColumnCorrelation': 1,
    });
  });

  it('checks data freshness against now', async () => {
    const rows = col('t', ['2026-01-15T00:00:00Z', '2026-01-14', '2025-12-01', null]);
    const { results, rowFailures } = await evaluate('DataFreshness "t" <= 24 hours', rows);
    expect(rowFailures).toEqual([[], ['Rule_1'], ['Rule_1'], ['Rule_1']]);
    expect(results[0]?.evaluatedMetrics['Column.t.DataFreshness.Compliance']).toBe(0.25);
  });
});

describe('uniqueness at row level needs the whole dataset', () => {
  it('fails every duplicate, not only the later ones', async () => {
    const { results, rowFailures } = await evaluate(
      'IsUnique "k"',
      col('k', ['a', 'b', 'a', null]),
    );
    expect(rowFailures).toEqual([['Rule_1'], [], ['Rule_1'], []]);
    expect(results[0]).toMatchObject({ outcome: 'FAIL', rowsFailed: 2 });
  });

  it('IsPrimaryKey of several columns fails duplicates of tuples (Deequ does not ask for completeness)', async () => {
    const rows = [
      { a: '1', b: 'x' },
      { a: '1', b: 'y' },
      { a: '1', b: 'x' },
      { a: null, b: 'z' },
    ];
    const { results, rowFailures } = await evaluate('IsPrimaryKey "a" "b"', rows);
    expect(rowFailures).toEqual([['Rule_1'], [], ['Rule_1'], []]);
    expect(results[0]?.evaluatedMetrics).toEqual({ 'Multicolumn.a,b.Uniqueness': 0.5 });
  });

  it('IsPrimaryKey of one column fails NULLs too', async () => {
    const { rowFailures } = await evaluate('IsPrimaryKey "a"', col('a', ['1', '2', null, '2']));
    expect(rowFailures).toEqual([[], ['Rule_1'], ['Rule_1'], ['Rule_1']]);
  });
});

describe('composite rules and row outcomes', () => {
  const rows = [
    { a: '5', b: 'x' },
    { a: '50', b: 'x' },
    { a: '50', b: null },
  ];

  it('combines dataset outcomes with and / or', async () => {
    const { results } = await evaluate(
      '(ColumnValues "a" < 10) and (IsComplete "b"), (ColumnValues "a" < 100) or (IsComplete "b"), (RowCount = 1) or (RowCount = 2)',
      rows,
    );
    expect(results.map((r) => r.outcome)).toEqual(['FAIL', 'PASS', 'FAIL']);
  });

  it('judges rows by the composite, and skips rules that are not row-level', async () => {
    const { results, rowFailures } = await evaluate(
      '(ColumnValues "a" < 10) or (ColumnValues "b" = "x"), RowCount > 10, Mean "a" > 1000',
      rows,
    );
    expect(rowFailures).toEqual([[], [], ['Rule_1']]);
    expect(results.map((r) => r.rowLevel)).toEqual([true, false, false]);
    expect(results.map((r) => r.outcome)).toEqual(['FAIL', 'FAIL', 'FAIL']);
  });

  it('leaves Completeness out of row-level composites, as Glue does', async () => {
    const { results, rowFailures } = await evaluate(
      '(Completeness "b" > 0.5) and (ColumnValues "a" < 10)',
      rows,
    );
    expect(results[0]?.rowLevel).toBe(false);
    expect(rowFailures).toEqual([[], [], []]);
  });

  it('passes a row that passes every row-level rule', async () => {
    const { rowFailures } = await evaluate('IsComplete "b", ColumnValues "a" < 100', rows);
    expect(rowFailures).toEqual([[], [], ['Rule_1']]);
  });
});

describe('runs', () => {
  it('refuse rulesets the embedded engine cannot run', async () => {
    await expect(evaluate('CustomSql "select 1" = 1', [{ a: '1' }])).rejects.toThrow(
      /CustomSql cannot run/,
    );
  });

  it('merge default labels with rule labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seawall-semantics-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a.jsonl'), '{"a":"1"}\n');
    const document = await runEmbeddedPipeline({
      store: localStore(dir),
      source: { bucket: '.', prefix: '', objects: ['a.jsonl'], format: 'jsonl' },
      trusted: { bucket: '.', prefix: 't' },
      quarantine: { bucket: '.', prefix: 'q' },
      results: { bucket: '.', prefix: 'r' },
      rules:
        'DefaultLabels = ["team" = "a", "tier" = "1"]\nRules = [ RowCount > 0 labels = ["tier" = "2"] ]',
      runId: 'labels',
      writeOutputs: false,
    });
    expect(document.ruleResults[0]?.labels).toEqual({ team: 'a', tier: '2' });
  });
});

describe('examples of the DQDL reference, evaluated', () => {
  it('Sum ignores NULL rows: 0 + 20 + 40', async () => {
    const rows = col('units', ['0', null, '20', null, '40']);
    expect(await first('Sum "units" = 60', rows)).toMatchObject({
      outcome: 'PASS',
      evaluatedMetrics: { 'Column.units.Sum': 60 },
    });
  });

  it('ColumnLength treats NULL as length 0', async () => {
    const rows = col('Postal_Code', [null, 'V5K0A1']);
    expect((await first('ColumnLength "Postal_Code" > 4', rows)).outcome).toBe('FAIL');
    expect((await first('ColumnLength "Postal_Code" <= 6', rows)).outcome).toBe('PASS');
    // Only NULLs: Deequ's length analyzers are empty, and the rule fails.
    expect(
      (await first('ColumnLength "Postal_Code" < 6', col('Postal_Code', [null]))).outcome,
    ).toBe('FAIL');
  });

  it('allows NULL explicitly with or, and rejects it explicitly with and', async () => {
    const rows = col('Age', ['30', null, '10']);
    expect(
      (await evaluate('(ColumnValues "Age" > 21) or (ColumnValues "Age" = NULL)', rows))
        .rowFailures,
    ).toEqual([[], [], ['Rule_1']]);
    expect(
      (await evaluate('(ColumnValues "Age" != 21) and (ColumnValues "Age" != NULL)', rows))
        .rowFailures,
    ).toEqual([[], ['Rule_1'], []]);
    expect(
      (await evaluate('ColumnValues "Age" not in [21, 22, 23, NULL]', rows)).rowFailures,
    ).toEqual([[], ['Rule_1'], []]);
  });

  it('evaluates a composite over whole columns for the rule, row by row for rows', async () => {
    // The reference's example: neither column passes on its own, every row passes one.
    const rows = [
      { myCol1: '2', myCol2: '1' },
      { myCol1: '0', myCol2: '3' },
    ];
    const { results, rowFailures } = await evaluate(
      '(ColumnValues "myCol1" > 1) or (ColumnValues "myCol2" > 2)',
      rows,
    );
    expect(results[0]?.outcome).toBe('FAIL');
    expect(rowFailures).toEqual([[], []]);
  });

  it('DataFreshness between 2 days and 5 days', async () => {
    const rows = col('Order_Date', ['2026-01-12', '2026-01-14', '2026-01-01']);
    expect(
      (await evaluate('DataFreshness "Order_Date" between 2 days and 5 days', rows)).rowFailures,
    ).toEqual([[], ['Rule_1'], ['Rule_1']]);
  });
});

describe('frequency tables larger than their memory', () => {
  it('spill to disk and give the same metrics and row outcomes', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => ({
      id: i % 997 === 0 ? 'dup' : `id-${i}-${'x'.repeat(40)}\n"quoted"`,
      zone: String(i % 7),
    }));
    const rules =
      'IsUnique "id", Uniqueness "id" > 0.5, DistinctValuesCount "id" > 1, UniqueValueRatio "zone" = 0, Entropy "zone" > 1, IsPrimaryKey "id" "zone"';
    // DuckDB's smallest share (32 MiB) against about 17 MB of keys in 25 MB of lines, and
    // a roomy one.
    const small = await evaluate(rules, rows, { memoryBytes: 64 * 1024 * 1024 });
    const roomy = await evaluate(rules, rows, { memoryBytes: 2 * 1024 ** 3 });
    expect(small.results).toEqual(roomy.results);
    expect(small.rowFailures).toEqual(roomy.rowFailures);
    expect(roomy.results[0]).toMatchObject({ outcome: 'FAIL', rowsFailed: 301 });
    expect(roomy.results[2]?.evaluatedMetrics['Column.id.DistinctValuesCount']).toBe(299_700);
    // Two runs over 300,000 rows, one of them spilling: seconds on a busy 2-core machine.
  }, 60_000);
});
