// SQL text for DuckDB: identifiers and literals quoted so that any column name, rule
// value or pattern a person writes is data, never SQL.

/** A quoted identifier: "name", with " doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A VARCHAR literal: 'text', with ' doubled (DuckDB reads no backslash escapes). */
export function text(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A DOUBLE literal that is exactly the JavaScript number: written as its shortest decimal
 * and cast (a bare 0.1 would be a DECIMAL in DuckDB).
 */
export function double(value: number): string {
  if (Number.isNaN(value)) return "CAST('NaN' AS DOUBLE)";
  if (!Number.isFinite(value)) return `CAST('${value > 0 ? 'inf' : '-inf'}' AS DOUBLE)`;
  return `CAST('${String(value)}' AS DOUBLE)`;
}

/** An SQL boolean literal. */
export function bool(value: boolean): string {
  return value ? 'TRUE' : 'FALSE';
}

/** `a OR b OR ...`, FALSE for none. */
export function anyOf(conditions: string[]): string {
  if (conditions.length === 0) return 'FALSE';
  return conditions.length === 1 ? conditions[0]! : conditions.map((c) => `(${c})`).join(' OR ');
}

/** `a AND b AND ...`, TRUE for none. */
export function allOf(conditions: string[]): string {
  if (conditions.length === 0) return 'TRUE';
  return conditions.length === 1 ? conditions[0]! : conditions.map((c) => `(${c})`).join(' AND ');
}
