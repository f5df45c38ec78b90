// SQL macros that give DuckDB the engine's value semantics: what counts as a number, a date
// or a timestamp in text, how a number prints, how a string is quoted in a message. They
// reproduce what the engine decided in JavaScript before it ran on DuckDB (Number(),
// String(), JSON.stringify(), toFixed()), so outcomes, metrics and the reasons written into
// quarantined rows stay what the conformance suite checked. Every macro is created on each
// connection (installMacros) and its tests are in macros.test.ts.

/** JavaScript's whitespace (String.prototype.trim, \s), as an RE2 character class. */
const WS =
  '[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]';

/** A number as text: what Number() reads and the engine accepts ("12", " 2.5 ", "-1e3", ".5"). */
const NUMBER = '[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?';
const DATE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
const TIMESTAMP =
  '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?';

/** JSON.stringify writes control characters with lower-case hex digits; DuckDB upper-case. */
const UPPER_HEX_ESCAPES = ['0B', '0E', '0F', '1A', '1B', '1C', '1D', '1E', '1F'];

function lowerHexEscapes(json: string): string {
  return UPPER_HEX_ESCAPES.reduce(
    (expr, hex) => `replace(${expr}, '\\u00${hex}', '\\u00${hex.toLowerCase()}')`,
    json,
  );
}

export const MACROS: readonly string[] = [
  // String.prototype.trim().
  `CREATE OR REPLACE MACRO sw_trim(t) AS regexp_replace(t, '^${WS}+|${WS}+$', '', 'g')`,
  // Number(text) for text that looks like a number; NULL otherwise (and for NULL).
  `CREATE OR REPLACE MACRO sw_number(t) AS TRY_CAST(regexp_extract(t, '^${WS}*(${NUMBER})${WS}*$', 1) AS DOUBLE)`,
  // A timestamp as DuckDB reads it: seconds added when the text has none.
  `CREATE OR REPLACE MACRO sw_timestamp_text(t) AS regexp_replace(t, '^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})(Z|[+-][0-9:]+)?$', '\\1:00\\2')`,
  // Milliseconds since the epoch of trimmed text that is a date ("YYYY-MM-DD", midnight
  // UTC) or an ISO-8601 timestamp (UTC when it names no zone); NULL for anything else.
  `CREATE OR REPLACE MACRO sw_time(tt) AS CASE
     WHEN regexp_full_match(tt, '${DATE}') THEN epoch_ms(CAST(TRY_CAST(tt AS DATE) AS TIMESTAMP))
     WHEN regexp_full_match(tt, '${TIMESTAMP}') THEN epoch_ms(TRY_CAST(sw_timestamp_text(tt) AS TIMESTAMPTZ))
   END`,
  // The digits and decimal point of DuckDB's shortest text for a double ("1.25e+21"):
  // significant digits, and where the point goes (value = 0.DIGITS x 10^POINT).
  `CREATE OR REPLACE MACRO sw_repr_mantissa(s) AS replace(regexp_extract(ltrim(s, '-'), '^[0-9.]+'), '.', '')`,
  `CREATE OR REPLACE MACRO sw_repr_digits(s) AS rtrim(ltrim(sw_repr_mantissa(s), '0'), '0')`,
  `CREATE OR REPLACE MACRO sw_repr_point(s) AS
     length(split_part(regexp_extract(ltrim(s, '-'), '^[0-9.]+'), '.', 1))
     + coalesce(TRY_CAST(regexp_extract(s, 'e([+-]?[0-9]+)$', 1) AS INTEGER), 0)
     - (length(sw_repr_mantissa(s)) - length(ltrim(sw_repr_mantissa(s), '0')))`,
  // Number.prototype.toString's layout of digits d with the point at n.
  `CREATE OR REPLACE MACRO sw_js_layout(neg, d, n) AS (CASE WHEN neg THEN '-' ELSE '' END) || CASE
     WHEN length(d) <= n AND n <= 21 THEN d || repeat('0', n - length(d))
     WHEN 0 < n AND n <= 21 THEN d[1:n] || '.' || d[n + 1:]
     WHEN -6 < n AND n <= 0 THEN '0.' || repeat('0', -n) || d
     ELSE d[1:1] || CASE WHEN length(d) > 1 THEN '.' || d[2:] ELSE '' END
       || 'e' || CASE WHEN n - 1 >= 0 THEN '+' ELSE '-' END || CAST(abs(n - 1) AS VARCHAR)
   END`,
  // String(number): how the engine prints a number in a message ("12.5", "3", "1e+21").
  `CREATE OR REPLACE MACRO sw_js_number(x) AS CASE
     WHEN x IS NULL THEN NULL
     WHEN isnan(x) THEN 'NaN'
     WHEN isinf(x) THEN CASE WHEN x > 0 THEN 'Infinity' ELSE '-Infinity' END
     WHEN x = 0 THEN '0'
     WHEN x = trunc(x) AND abs(x) <= 9007199254740991 THEN CAST(CAST(x AS BIGINT) AS VARCHAR)
     ELSE sw_js_layout(x < 0, sw_repr_digits(CAST(x AS VARCHAR)), sw_repr_point(CAST(x AS VARCHAR)))
   END`,
  // Number.prototype.toFixed(1): exact ties (x.x5 held exactly, i.e. quarters) round away
  // from zero; printf rounds the exact binary value otherwise, as toFixed does.
  `CREATE OR REPLACE MACRO sw_fixed1(x) AS CASE
     WHEN x * 4 = trunc(x * 4) AND abs(trunc(x * 4)) % 2 = 1 THEN printf('%.1f', sign(x) * ceil(abs(x) * 10) / 10)
     ELSE printf('%.1f', x)
   END`,
  // JSON.stringify(text) and JSON.stringify(array of text).
  `CREATE OR REPLACE MACRO sw_json(s) AS CASE
     WHEN regexp_matches(s, '[\\x{00}-\\x{1F}]') THEN ${lowerHexEscapes('CAST(to_json(s) AS VARCHAR)')}
     ELSE CAST(to_json(s) AS VARCHAR)
   END`,
  `CREATE OR REPLACE MACRO sw_json_list(l) AS ${lowerHexEscapes('CAST(to_json(l) AS VARCHAR)')}`,
  // Whether trimmed text casts to a Glue/Spark type, as ColumnDataType checks it.
  `CREATE OR REPLACE MACRO sw_casts_boolean(tt) AS regexp_full_match(tt, '(?i:true|false|t|f|yes|no|y|n|1|0)')`,
  `CREATE OR REPLACE MACRO sw_casts_integer(tt) AS regexp_full_match(tt, '[+-]?[0-9]+') AND TRY_CAST(tt AS INTEGER) IS NOT NULL`,
  `CREATE OR REPLACE MACRO sw_casts_long(tt) AS regexp_full_match(tt, '[+-]?[0-9]+') AND TRY_CAST(tt AS BIGINT) IS NOT NULL`,
  `CREATE OR REPLACE MACRO sw_casts_date(tt) AS regexp_full_match(tt, '${DATE}') AND TRY_CAST(tt AS DATE) IS NOT NULL`,
];
