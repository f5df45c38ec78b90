// A column's values as the rules see them, in SQL. Whatever the format, a cell is its text
// (the value as JavaScript's String() writes it: CSV fields as read, JSON and Parquet
// numbers as "12.5", booleans as "true", dates as "2024-03-01") and the type it came with
// (CSV: always text; JSON Lines and Parquet: text, number or boolean). Numbers, dates and
// casts are read from the text, as Glue reads a CSV column; the type matters only where a
// typed value behaves differently: a uniqueness key (the number 1 and the text "1" are
// different values), a where-clause comparison, and ColumnDataType on a number.
import { text } from './quote.ts';

export type Tag = 'string' | 'number' | 'boolean';

export interface CellSql {
  /** VARCHAR: the value as text; NULL when the value is null or the row has no such column. */
  text: string;
  /** The value's type: the same for the whole column, or an SQL expression giving a Tag. */
  tag: Tag | { sql: string };
  /**
   * BOOLEAN: whether the row's object has the column at all (a CSV header or Parquet schema
   * without it); a rule reading a missing column fails the row with "Column ... is missing".
   */
  present: string;
}

/** The cell of a column no object has: NULL, and missing from every row but JSON's. */
export function absentCell(presentEverywhere: boolean): CellSql {
  return {
    text: 'CAST(NULL AS VARCHAR)',
    tag: 'string',
    present: presentEverywhere ? 'TRUE' : 'FALSE',
  };
}

/** SQL BOOLEAN: the cell's type is `tag` (constant-folded when the column has one type). */
export function isTag(cell: CellSql, tag: Tag): string {
  if (typeof cell.tag === 'string') return cell.tag === tag ? 'TRUE' : 'FALSE';
  return `(${cell.tag.sql} = ${text(tag)})`;
}

/**
 * Values read from a cell's text. A plan computes each once per row and names it (each
 * call in SQL would compile and run the same regular expressions again); DIRECT computes
 * them in place, for statements of their own.
 */
export interface CellValues {
  /** DOUBLE: the number the cell holds (text that looks like a number), else NULL. */
  number(cell: CellSql): string;
  /** VARCHAR: the text without JavaScript's surrounding whitespace. */
  trimmed(cell: CellSql): string;
  /** BIGINT milliseconds: the date or timestamp the cell holds, else NULL. */
  time(cell: CellSql): string;
}

export const DIRECT: CellValues = {
  number: (cell) => `sw_number(${cell.text})`,
  trimmed: (cell) => `sw_trim(${cell.text})`,
  // A typed number or boolean never reads as a time; its text never looks like one either.
  time: (cell) => `sw_time(sw_trim(${cell.text}))`,
};

/**
 * The cell as part of a uniqueness key: text as it is, typed values tagged so that the
 * number 1 and the string "1" stay apart (CSV keys compare as written).
 */
export function keyOf(cell: CellSql): string {
  if (cell.tag === 'string') return cell.text;
  if (cell.tag === 'number') return `('number:' || ${cell.text})`;
  if (cell.tag === 'boolean') return `('boolean:' || ${cell.text})`;
  return `CASE ${cell.tag.sql} WHEN 'string' THEN ${cell.text} ELSE ${cell.tag.sql} || ':' || ${cell.text} END`;
}

/** Type names ColumnDataType accepts. */
export const DATA_TYPES: readonly string[] = [
  'BOOLEAN',
  'DATE',
  'TIMESTAMP',
  'INTEGER',
  'DOUBLE',
  'FLOAT',
  'LONG',
  'STRING',
];

function textCasts(cell: CellSql, type: string, values: CellValues): string {
  switch (type) {
    case 'STRING':
      return 'TRUE';
    case 'BOOLEAN':
      return `sw_casts_boolean(${values.trimmed(cell)})`;
    case 'INTEGER':
      return `sw_casts_integer(${values.trimmed(cell)})`;
    case 'LONG':
      return `sw_casts_long(${values.trimmed(cell)})`;
    case 'DOUBLE':
    case 'FLOAT':
      return `(${values.number(cell)} IS NOT NULL)`;
    case 'DATE':
      return `sw_casts_date(${values.trimmed(cell)})`;
    case 'TIMESTAMP':
      return `(${values.time(cell)} IS NOT NULL)`;
    default:
      return 'FALSE';
  }
}

function numberCasts(n: string, type: string): string {
  switch (type) {
    case 'INTEGER':
      return `(NOT isnan(${n}) AND ${n} = trunc(${n}) AND ${n} BETWEEN -2147483648 AND 2147483647)`;
    case 'LONG':
      return `(NOT isnan(${n}) AND ${n} = trunc(${n}) AND abs(${n}) <= 9007199254740991)`;
    case 'DOUBLE':
    case 'FLOAT':
    case 'STRING':
      return 'TRUE';
    default:
      return 'FALSE';
  }
}

function booleanCasts(type: string): string {
  return type === 'BOOLEAN' || type === 'STRING' ? 'TRUE' : 'FALSE';
}

/**
 * BOOLEAN: a non-NULL cell can be cast to a Glue/Spark type, as ColumnDataType checks it:
 * text by its form, a typed number by its value (INTEGER in 32 bits, LONG exact), a
 * boolean only to BOOLEAN and STRING.
 */
export function castsTo(cell: CellSql, type: string, values: CellValues): string {
  const upper = type.toUpperCase();
  const asNumber = numberCasts(`CAST(${cell.text} AS DOUBLE)`, upper);
  if (cell.tag === 'string') return textCasts(cell, upper, values);
  if (cell.tag === 'number') return asNumber;
  if (cell.tag === 'boolean') return booleanCasts(upper);
  return `CASE ${cell.tag.sql} WHEN 'number' THEN ${asNumber} WHEN 'boolean' THEN ${booleanCasts(upper)} ELSE ${textCasts(cell, upper, values)} END`;
}
