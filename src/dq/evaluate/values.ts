/**
 * A cell as read from a source row. CSV gives strings (or null for an unquoted empty
 * field, as Spark reads it); JSON Lines may give numbers and booleans. `undefined` means
 * the row has no such column at all, which is reported differently from NULL.
 */
export type Cell = string | number | boolean | null | undefined;

/** Read access to one row; column lookup by name keeps CSV and JSON Lines alike. */
export interface RowView {
  get(column: string): Cell;
  has(column: string): boolean;
}

const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

export function cellToString(cell: Cell): string | null {
  if (cell === null || cell === undefined) return null;
  return typeof cell === 'string' ? cell : String(cell);
}

/** The number a cell holds, or undefined when it is not one ("12a", "", true). */
export function cellToNumber(cell: Cell): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== 'string' || !NUMBER_TEXT.test(cell)) return undefined;
  return Number(cell);
}

/**
 * Milliseconds since the epoch for a date or timestamp cell. A plain date is midnight UTC;
 * a timestamp without zone is read as UTC, as Glue jobs run in UTC.
 */
export function cellToTime(cell: Cell): number | undefined {
  if (typeof cell !== 'string') return undefined;
  const text = cell.trim();
  const date = DATE_ONLY.exec(text);
  if (date) return validDate(Number(date[1]), Number(date[2]), Number(date[3]));
  if (!TIMESTAMP.test(text)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(text);
  const time = Date.parse(`${text.replace(' ', 'T')}${hasZone ? '' : 'Z'}`);
  return Number.isNaN(time) ? undefined : time;
}

function validDate(year: number, month: number, day: number): number | undefined {
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    return undefined; // 2024-02-30 is not a date
  }
  return time;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Whether a cell can be cast to a Glue/Spark type name, as ColumnDataType checks. */
export function castsTo(cell: Cell, typeName: string): boolean {
  if (cell === null || cell === undefined) return true; // NULL casts to NULL of any type
  const type = typeName.toUpperCase();
  if (typeof cell === 'boolean') return type === 'BOOLEAN' || type === 'STRING';
  if (typeof cell === 'number') {
    if (type === 'INTEGER') return Number.isInteger(cell) && cell >= INT32_MIN && cell <= INT32_MAX;
    if (type === 'LONG') return Number.isSafeInteger(cell);
    return type === 'DOUBLE' || type === 'FLOAT' || type === 'STRING';
  }
  const text = cell.trim();
  switch (type) {
    case 'STRING':
      return true;
    case 'BOOLEAN':
      return /^(?:true|false|t|f|yes|no|y|n|1|0)$/i.test(text);
    case 'INTEGER':
    case 'LONG': {
      if (!/^[+-]?\d+$/.test(text)) return false;
      const value = BigInt(text);
      return type === 'INTEGER'
        ? value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX)
        : value >= INT64_MIN && value <= INT64_MAX;
    }
    case 'DOUBLE':
    case 'FLOAT':
      return NUMBER_TEXT.test(text);
    case 'DATE':
      return DATE_ONLY.test(text) && cellToTime(text) !== undefined;
    case 'TIMESTAMP':
      return cellToTime(text) !== undefined;
    default:
      return false;
  }
}

export const DATA_TYPES = [
  'BOOLEAN',
  'DATE',
  'TIMESTAMP',
  'INTEGER',
  'DOUBLE',
  'FLOAT',
  'LONG',
  'STRING',
];
