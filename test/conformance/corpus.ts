// The conformance corpus: small generated files with what breaks engines apart (NULLs,
// blanks, whitespace, non-numeric strings, ragged rows, boundaries, empty and header-only
// files) and, for each, the rules both engines evaluate. Deterministic: the same code
// writes the same bytes, so a hash of the files and rules keys Deequ's cached answers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';

export interface Dataset {
  name: string;
  /** File name inside the corpus folder. */
  file: string;
  format: 'csv' | 'jsonl' | 'parquet';
  rules: string[];
}

/** A small linear congruential generator: the same numbers on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Rules every typed dataset gets (columns id, n, s, d, b, c). */
const CORE_RULES = [
  'RowCount > 0',
  'RowCount = 40',
  'RowCount between 39 and 41',
  'RowCount between 40 and 41',
  'ColumnCount = 6',
  'ColumnExists "s"',
  'ColumnExists "nope"',
  'ColumnNamesMatchPattern "[a-z]+"',
  'ColumnNamesMatchPattern "[a-c]"',
  'IsComplete "id"',
  'IsComplete "s"',
  'Completeness "s" > 0.8',
  'Completeness "n" >= 0.9',
  'Completeness "s" between 0.5 and 0.99',
  'IsUnique "id"',
  'IsUnique "b"',
  'Uniqueness "id" > 0.9',
  'Uniqueness "s" < 0.5',
  'IsPrimaryKey "id"',
  'IsPrimaryKey "id" "s"',
  'DistinctValuesCount "b" = 2',
  'DistinctValuesCount "s" > 3',
  'UniqueValueRatio "s" < 0.9',
  'Entropy "b" > 0.5',
  'Entropy "s" > 1',
  'Mean "n" between 0 and 100',
  'Mean "n" > 40',
  'Sum "n" > 100',
  'StandardDeviation "n" < 50',
  'Variance "n" > 10',
  'ColumnCorrelation "n" and "c" > 0.5',
  'ColumnValues "n" > 0',
  'ColumnValues "n" >= 0',
  'ColumnValues "n" between 0 and 100',
  'ColumnValues "n" not between 0 and 10',
  'ColumnValues "n" = 10',
  'ColumnValues "n" != 10',
  'ColumnValues "n" in [0, 10, 100]',
  'ColumnValues "n" not in [0, 10]',
  'ColumnValues "n" <= 50 with threshold > 0.5',
  'ColumnValues "s" in ["alpha", "beta", "gamma"]',
  'ColumnValues "s" not in ["alpha"]',
  'ColumnValues "s" = "alpha"',
  'ColumnValues "s" != "alpha"',
  'ColumnValues "s" matches "[a-z]+"',
  'ColumnValues "s" not matches "a.*"',
  'ColumnValues "s" = NULL',
  'ColumnValues "s" != NULL',
  'ColumnValues "s" in ["alpha", NULL]',
  'ColumnValues "s" = EMPTY',
  'ColumnValues "s" != EMPTY',
  'ColumnValues "s" = WHITESPACES_ONLY',
  'ColumnValues "s" in [EMPTY, WHITESPACES_ONLY]',
  'ColumnValues "d" > "2021-01-01"',
  'ColumnValues "d" between "2020-06-01" and "2024-06-01"',
  'ColumnValues "d" <= now()',
  'ColumnLength "s" = 5',
  'ColumnLength "s" between 3 and 6',
  'ColumnLength "s" > 2 with threshold > 0.5',
  'ColumnDataType "n" = "INTEGER"',
  'ColumnDataType "n" = "DOUBLE"',
  'ColumnDataType "b" = "BOOLEAN"',
  'ColumnDataType "d" = "DATE"',
  'ColumnDataType "s" = "INTEGER" with threshold > 0.1',
  'DataFreshness "d" <= 36500 days',
  'DataFreshness "d" > 1 days',
  'ColumnValues "n" > 10 where "b = \'true\'"',
  'Completeness "s" > 0.9 where "n > 20"',
  'RowCount > 10 where "n >= 50"',
  'Mean "n" > 10 where "s = \'alpha\'"',
  '(IsComplete "id") and (ColumnValues "n" >= 0)',
  '(ColumnValues "n" > 90) or (IsComplete "s")',
  '(IsComplete "s") or (ColumnValues "n" < 0)',
];

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

interface Row {
  id: number | null;
  n: number | string | null;
  s: string | null;
  d: string | null;
  b: boolean | string | null;
  c: number | null;
}

/** 40 rows with planted defects: NULLs, blanks, boundaries, a duplicate id, a bad date. */
function coreRows(seed: number): Row[] {
  const next = random(seed);
  const rows: Row[] = [];
  for (let i = 0; i < 40; i++) {
    const n = Math.floor(next() * 100);
    rows.push({
      id: i === 17 ? 16 : i,
      n: i === 3 ? 0 : i === 4 ? 10 : i === 5 ? 100 : i === 9 ? null : n,
      s:
        i % 11 === 0
          ? null
          : i === 7
            ? ''
            : i === 8
              ? '   '
              : WORDS[Math.floor(next() * WORDS.length)]!,
      d: i === 12 ? null : `202${Math.floor(next() * 5)}-0${1 + Math.floor(next() * 9)}-1${i % 10}`,
      b: i % 13 === 0 ? null : next() > 0.5,
      c: Math.round((n * 2 + next() * 30) * 100) / 100,
    });
  }
  return rows;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (text === '' || /[",\n]/.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

function csv(columns: string[], rows: unknown[][]): string {
  return `${[columns.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n')}\n`;
}

const COLUMNS = ['id', 'n', 's', 'd', 'b', 'c'] as const;

/** Writes the corpus into `dir` and returns its datasets. */
export function buildCorpus(dir: string): Dataset[] {
  mkdirSync(dir, { recursive: true });
  const write = (file: string, data: string | Uint8Array) => writeFileSync(join(dir, file), data);
  const datasets: Dataset[] = [];

  const rows = coreRows(7);
  write(
    'core.csv',
    csv(
      [...COLUMNS],
      rows.map((r) => COLUMNS.map((c) => r[c])),
    ),
  );
  datasets.push({ name: 'core-csv', file: 'core.csv', format: 'csv', rules: CORE_RULES });

  write(
    'core.jsonl',
    `${rows
      .map((r) =>
        JSON.stringify(
          // JSON Lines leave out NULL keys now and then, as writers do.
          Object.fromEntries(
            COLUMNS.filter((c) => !(r[c] === null && r.id! % 2 === 0)).map((c) => [c, r[c]]),
          ),
        ),
      )
      .join('\n')}\n`,
  );
  datasets.push({ name: 'core-jsonl', file: 'core.jsonl', format: 'jsonl', rules: CORE_RULES });

  const parquet = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: rows.map((r) => r.id), type: 'INT32' },
      { name: 'n', data: rows.map((r) => r.n as number | null), type: 'DOUBLE' },
      { name: 's', data: rows.map((r) => r.s), type: 'STRING' },
      { name: 'd', data: rows.map((r) => r.d), type: 'STRING' },
      { name: 'b', data: rows.map((r) => r.b as boolean | null), type: 'BOOLEAN' },
      { name: 'c', data: rows.map((r) => r.c), type: 'DOUBLE' },
    ],
  });
  write('core.parquet', new Uint8Array(parquet));
  datasets.push({
    name: 'core-parquet',
    file: 'core.parquet',
    format: 'parquet',
    rules: CORE_RULES,
  });

  // A numeric column holding a few strings that are not numbers.
  const mixed = coreRows(11).map((r, i) => ({
    ...r,
    n: i === 2 ? 'n/a' : i === 6 ? '12a' : i === 20 ? ' 7 ' : r.n,
  }));
  write(
    'mixed.csv',
    csv(
      [...COLUMNS],
      mixed.map((r) => COLUMNS.map((c) => r[c])),
    ),
  );
  datasets.push({
    name: 'mixed-csv',
    file: 'mixed.csv',
    format: 'csv',
    rules: [
      'RowCount = 40',
      'Mean "n" > 0',
      'Sum "n" > 0',
      'StandardDeviation "n" > 0',
      'Variance "n" > 0',
      'ColumnValues "n" > 0',
      'ColumnValues "n" between 0 and 100',
      'ColumnValues "n" in [10, 100]',
      'ColumnDataType "n" = "INTEGER"',
      'ColumnDataType "n" = "INTEGER" with threshold > 0.9',
      'ColumnCorrelation "n" and "c" > 0.5',
      'Completeness "n" > 0.9',
      'DistinctValuesCount "n" > 10',
    ],
  });

  // The example: two good rows and two ragged ones (one short, one long).
  write('ragged.csv', 'id,n,s\n1,5,alpha\n2,6\n3,7,beta,extra\n4,8,gamma\n');
  datasets.push({
    name: 'ragged-csv',
    file: 'ragged.csv',
    format: 'csv',
    rules: [
      'RowCount = 4',
      'RowCount = 2',
      'IsComplete "s"',
      'Completeness "s" > 0.5',
      'ColumnValues "n" > 0',
      'IsUnique "id"',
      'ColumnValues "s" in ["alpha", "beta", "gamma"]',
      'DistinctValuesCount "s" = 3',
    ],
  });

  const emptyRules = [
    'RowCount = 0',
    'RowCount > 0',
    'ColumnCount = 3',
    'ColumnExists "id"',
    'IsComplete "id"',
    'Completeness "id" > 0.5',
    'IsUnique "id"',
    'Uniqueness "id" > 0.5',
    'IsPrimaryKey "id"',
    'DistinctValuesCount "id" = 0',
    'Mean "n" > 0',
    'Sum "n" = 0',
    'ColumnValues "n" > 0',
    'ColumnLength "s" > 0',
    'ColumnDataType "n" = "INTEGER"',
    'Entropy "s" > 0',
    'UniqueValueRatio "s" > 0',
  ];
  write('header-only.csv', 'id,n,s\n');
  datasets.push({
    name: 'header-only-csv',
    file: 'header-only.csv',
    format: 'csv',
    rules: emptyRules,
  });

  // An empty file: no header, no rows, no columns.
  write('empty.csv', '');
  datasets.push({
    name: 'empty-csv',
    file: 'empty.csv',
    format: 'csv',
    rules: [
      'RowCount = 0',
      'RowCount > 0',
      'ColumnCount = 0',
      'ColumnExists "id"',
      'IsComplete "id"',
      'Mean "n" > 0',
      'ColumnValues "n" > 0',
    ],
  });

  // A column that is NULL in every row.
  write(
    'all-null.csv',
    csv(
      ['id', 'n', 's'],
      Array.from({ length: 6 }, (_, i) => [i, null, null]),
    ),
  );
  datasets.push({
    name: 'all-null-csv',
    file: 'all-null.csv',
    format: 'csv',
    rules: [
      'RowCount = 6',
      'IsComplete "n"',
      'Completeness "n" >= 0',
      'Mean "n" > 0',
      'ColumnValues "n" > 0',
      'ColumnValues "n" = NULL',
      'IsUnique "n"',
      'Uniqueness "n" >= 0',
      'DistinctValuesCount "n" = 0',
      'ColumnLength "s" = 0',
      'Entropy "s" >= 0',
    ],
  });
  return datasets;
}
