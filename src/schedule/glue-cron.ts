// Glue's cron syntax, `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, always
// UTC: parsed, checked and turned into run times. The field grammar is Glue's (one of
// day-of-month / day-of-week must be `?`, day-of-week 1-7 means SUN-SAT, a year field);
// the calendar arithmetic is cron-parser's, so we translate Glue's fields into its
// dialect instead of computing dates by hand.
import { CronExpressionParser } from 'cron-parser';

/** The default schedule: weekly, Monday 02:00 UTC. */
export const DEFAULT_SCHEDULE = 'cron(0 2 ? * MON *)';

/** No schedule may fire more often than this (Glue's own limit for scheduled triggers). */
export const MIN_INTERVAL_MINUTES = 5;

/**
 * The shape checks the API server can make with regular expressions (CEL `matches`), kept
 * here so the CRD and the reconciler refuse the same strings for the same reasons.
 */
export const CRON_SHAPE_PATTERN = '^cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)$';
/** Exactly one of day-of-month and day-of-week is `?`. */
export const CRON_DAY_XOR_PATTERN = '^cron\\(\\S+ \\S+ (\\? \\S+ [^? ]+|[^? ]+ \\S+ \\?) \\S+\\)$';
/** A minutes field of `*` or a step under 5 (`*\/1`, `0/4`) fires more often than every 5 minutes. */
export const CRON_TOO_FREQUENT_PATTERN = '^cron\\((\\*|[0-9*]+/[1-4]) ';

/** `MON` → `[Mm][Oo][Nn]`: names in any case, without the inline flags RE2 and JS spell differently. */
function anyCase(names: readonly string[]): string {
  return names
    .map((n) => [...n].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join(''))
    .join('|');
}
const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** `*`, a value, or a range, each optionally with a /step; a comma-separated list of them. */
function cronList(value: string): string {
  const element = `(\\*|(${value})(-(${value}))?)(/[0-9]+)?`;
  return `${element}(,${element})*`;
}

/**
 * Every field's values within their ranges (minutes 0-59, hours 0-23, day-of-month 1-31
 * or L, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT with L and #1-#5, years
 * 1970-2199): what the API server can check of what parseGlueCron checks, so
 * `cron(61 9 ? * MON *)` is refused at apply time, not stalled later. The parser still
 * checks more (descending ranges, W, the interval); never the reverse.
 */
export const CRON_FIELDS_PATTERN = (() => {
  const minute = '[0-5]?[0-9]';
  const hour = '[01]?[0-9]|2[0-3]';
  const dayOfMonth = '0?[1-9]|[12][0-9]|3[01]';
  const month = `0?[1-9]|1[0-2]|${anyCase(MONTH_NAMES)}`;
  const dayOfWeek = `[1-7]|${anyCase(DAY_NAMES)}`;
  const year = '19[7-9][0-9]|2[01][0-9][0-9]';
  const dom = `\\?|L|${cronList(dayOfMonth)}`;
  const dow = `\\?|(${dayOfWeek})L|(${dayOfWeek})#[1-5]|${cronList(dayOfWeek)}`;
  return `^cron\\((${cronList(minute)}) (${cronList(hour)}) (${dom}) (${cronList(month)}) (${dow}) (${cronList(year)})\\)$`;
})();

export interface GlueCron {
  /** The expression as written. */
  expression: string;
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
}

export type ParseCronResult = { ok: true; cron: GlueCron } | { ok: false; message: string };

const FIELD_SHAPES: { name: keyof Omit<GlueCron, 'expression'>; pattern: RegExp }[] = [
  { name: 'minutes', pattern: /^[0-9,\-*/]+$/ },
  { name: 'hours', pattern: /^[0-9,\-*/]+$/ },
  { name: 'dayOfMonth', pattern: /^([0-9,\-*/?LW]+)$/ },
  { name: 'month', pattern: /^([0-9A-Za-z,\-*/]+)$/ },
  { name: 'dayOfWeek', pattern: /^([0-9A-Za-z,\-*/?L#]+)$/ },
  { name: 'year', pattern: /^[0-9,\-*/]+$/ },
];

/** Parses and validates a Glue cron expression; the message says what to change. */
export function parseGlueCron(expression: string): ParseCronResult {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) {
    return {
      ok: false,
      message: `schedule must look like cron(0 2 ? * MON *), got ${JSON.stringify(expression)}`,
    };
  }
  const parts = (match[1] ?? '').trim().split(/\s+/);
  if (parts.length !== 6) {
    return {
      ok: false,
      message: `schedule needs six fields (minutes hours day-of-month month day-of-week year), found ${parts.length}`,
    };
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = parts;
  const cron: GlueCron = { expression, minutes, hours, dayOfMonth, month, dayOfWeek, year };
  for (const { name, pattern } of FIELD_SHAPES) {
    if (!pattern.test(cron[name])) {
      return {
        ok: false,
        message: `schedule field ${name} ${JSON.stringify(cron[name])} is not valid Glue cron`,
      };
    }
  }
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return {
      ok: false,
      message:
        'schedule must set exactly one of day-of-month and day-of-week and put ? in the other',
    };
  }
  if (/W/.test(dayOfMonth)) {
    return {
      ok: false,
      message: 'schedule: the W (nearest weekday) form is not supported by Seawall',
    };
  }
  if (!validYearField(year)) {
    return {
      ok: false,
      message: `schedule field year ${JSON.stringify(year)} must use years 1970-2199`,
    };
  }
  try {
    const parsed = toCronParser(cron);
    const interval = shortestIntervalMinutes(
      parsed.fields.minute.values,
      parsed.fields.hour.values,
    );
    if (interval < MIN_INTERVAL_MINUTES) {
      return {
        ok: false,
        message: `schedule fires every ${interval} minute(s); the shortest allowed interval is ${MIN_INTERVAL_MINUTES} minutes`,
      };
    }
  } catch (error) {
    return { ok: false, message: `schedule ${expression} is not valid: ${describe(error)}` };
  }
  return { ok: true, cron };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Glue numbers days of the week 1-7 from Sunday; cron-parser 0-6 (and 7) from Sunday. */
function shiftDayOfWeek(field: string): string {
  if (field === '?' || field === '*') return '*';
  return field.replace(
    /(^|[,\-#/])?([0-9]+)/g,
    (whole, sep: string | undefined, digits: string, offset: number, text: string) => {
      // Only day numbers shift; the number after # (nth) and after / (step) do not.
      if (sep === '#' || sep === '/') return whole;
      const before = offset > 0 ? text[offset - 1] : '';
      if (before === '#' || before === '/') return whole;
      const day = Number(digits);
      if (day < 1 || day > 7) throw new Error(`day-of-week ${day} is outside 1-7 (SUN-SAT)`);
      return `${sep ?? ''}${day - 1}`;
    },
  );
}

function toCronParser(cron: GlueCron, currentDate?: Date) {
  const dom = cron.dayOfMonth === '?' ? '*' : cron.dayOfMonth;
  const dow = shiftDayOfWeek(cron.dayOfWeek);
  const text = `0 ${cron.minutes} ${cron.hours} ${dom} ${cron.month} ${dow}`;
  return CronExpressionParser.parse(text, {
    tz: 'UTC',
    strict: false,
    ...(currentDate ? { currentDate } : {}),
  });
}

/**
 * The shortest gap between two firings within a day (and across midnight, which is
 * conservative: it assumes consecutive days can both fire).
 */
export function shortestIntervalMinutes(
  minutes: readonly number[],
  hours: readonly number[],
): number {
  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  if (times.length <= 1) return 24 * 60;
  let shortest = (times[0] ?? 0) + 24 * 60 - (times.at(-1) ?? 0);
  for (let i = 1; i < times.length; i++)
    shortest = Math.min(shortest, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return shortest;
}

function validYearField(field: string): boolean {
  if (field === '*') return true;
  const numbers = field.match(/[0-9]+/g) ?? [];
  const [, step] = field.split('/');
  return numbers.every(
    (n, i) =>
      (step !== undefined && i === numbers.length - 1 && field.endsWith(`/${n}`)) ||
      (Number(n) >= 1970 && Number(n) <= 2199),
  );
}

/** Whether a year matches the Glue year field (`*`, lists, ranges, steps). */
export function yearMatches(field: string, year: number): boolean {
  if (field === '*') return true;
  return field.split(',').some((part) => {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === '*'
        ? [1970, 2199]
        : range.includes('-')
          ? range.split('-').map(Number)
          : [Number(range), stepText === undefined ? Number(range) : 2199];
    if (from === undefined || to === undefined) return false;
    return year >= from && year <= to && (year - from) % step === 0;
  });
}

/** Gives up looking for a run time after this many candidate dates (a year field in the past). */
const MAX_CANDIDATES = 10_000;

/** The first firing strictly after `after`, or undefined when the schedule never fires again. */
export function nextRunTime(cron: GlueCron, after: Date): Date | undefined {
  const expression = toCronParser(cron, after);
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    if (!expression.hasNext()) return undefined;
    const next = expression.next().toDate();
    if (next.getTime() <= after.getTime()) continue;
    if (yearMatches(cron.year, next.getUTCFullYear())) return next;
    if (next.getUTCFullYear() > 2199) return undefined;
  }
  return undefined;
}

/** The last firing at or before `at`, or undefined when there was none (looked back a year and a day). */
export function previousRunTime(cron: GlueCron, at: Date): Date | undefined {
  const expression = toCronParser(cron, new Date(at.getTime() + 1000));
  const limit = at.getTime() - 366 * 24 * 3600_000;
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    if (!expression.hasPrev()) return undefined;
    const previous = expression.prev().toDate();
    if (previous.getTime() < limit) return undefined;
    if (previous.getTime() > at.getTime()) continue;
    if (yearMatches(cron.year, previous.getUTCFullYear())) return previous;
  }
  return undefined;
}
