import { describe, expect, it } from 'vitest';
import {
  CRON_DAY_XOR_PATTERN,
  CRON_FIELDS_PATTERN,
  CRON_SHAPE_PATTERN,
  CRON_TOO_FREQUENT_PATTERN,
  nextRunTime,
  parseGlueCron,
  previousRunTime,
  shortestIntervalMinutes,
  yearMatches,
} from './glue-cron.ts';

const NOW = new Date('2026-11-28T03:00:00Z'); // a Saturday

describe('parseGlueCron: valid schedules and their next run (UTC)', () => {
  it.each([
    ['cron(0 2 ? * MON *)', '2026-11-30T02:00:00.000Z', '2026-11-23T02:00:00.000Z'],
    ['cron(0 2 ? * 2 *)', '2026-11-30T02:00:00.000Z', '2026-11-23T02:00:00.000Z'],
    ['cron(0 2 ? * 1 *)', '2026-11-29T02:00:00.000Z', '2026-11-22T02:00:00.000Z'],
    ['cron(*/5 * * * ? *)', '2026-11-28T03:05:00.000Z', '2026-11-28T03:00:00.000Z'],
    ['cron(0/15 8-17 ? * MON-FRI *)', '2026-11-30T08:00:00.000Z', '2026-11-27T17:45:00.000Z'],
    ['cron(0 12 1 * ? 2030)', '2030-01-01T12:00:00.000Z', undefined],
    ['cron(15 10 ? * 6L 2026-2030)', '2026-12-25T10:15:00.000Z', '2026-11-27T10:15:00.000Z'],
    ['cron(0 8 ? * 2#1 *)', '2026-12-07T08:00:00.000Z', '2026-11-02T08:00:00.000Z'],
    ['cron(30 6 L * ? *)', '2026-11-30T06:30:00.000Z', '2026-10-31T06:30:00.000Z'],
    ['cron(0 0 1 JAN,JUL ? *)', '2027-01-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
  ])('%s → next %s, previous %s', (expression, next, previous) => {
    const parsed = parseGlueCron(expression);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(nextRunTime(parsed.cron, NOW)?.toISOString()).toBe(next);
    expect(previousRunTime(parsed.cron, NOW)?.toISOString()).toBe(previous);
  });
});

describe('parseGlueCron: refused schedules say why', () => {
  it.each([
    ['0 2 * * 1', /must look like cron/],
    ['cron(0 2 * * 1)', /six fields/],
    ['cron(0 2 ? * MON * *)', /six fields/],
    ['cron(0 2 * * MON *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 2 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(* * * * ? *)', /every 1 minute/],
    ['cron(*/4 * * * ? *)', /every 4 minute/],
    ['cron(0,2 * * * ? *)', /every 2 minute/],
    ['cron(61 2 ? * MON *)', /not valid/],
    ['cron(0 2 ? * 8 *)', /not valid/],
    ['cron(0 2 15W * ? *)', /W \(nearest weekday\)/],
    ['cron(0 2 ? * MON 1900)', /1970-2199/],
    ['cron(0 2 ? * MON; *)', /not valid Glue cron/],
  ])('%s', (expression, message) => {
    const parsed = parseGlueCron(expression);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('shortestIntervalMinutes', () => {
  it.each([
    [[0], [2], 1440],
    [[0, 30], [2], 30],
    [[58], [0, 1], 60],
    [[59, 1], [0, 23], 2],
    [[0, 5, 10], [0], 5],
  ])('minutes %j hours %j → %i', (minutes, hours, expected) => {
    expect(shortestIntervalMinutes(minutes, hours)).toBe(expected);
  });
});

describe('yearMatches', () => {
  it.each([
    ['*', 2026, true],
    ['2026', 2026, true],
    ['2027', 2026, false],
    ['2025-2027', 2026, true],
    ['2026,2030', 2030, true],
    ['2026/2', 2028, true],
    ['2026/2', 2027, false],
  ])('%s matches %i: %s', (field, year, expected) => {
    expect(yearMatches(field, year)).toBe(expected);
  });
});

describe('the CEL patterns (what the API server refuses) agree with the parser', () => {
  const shape = new RegExp(CRON_SHAPE_PATTERN);
  const xor = new RegExp(CRON_DAY_XOR_PATTERN);
  const frequent = new RegExp(CRON_TOO_FREQUENT_PATTERN);
  const fields = new RegExp(CRON_FIELDS_PATTERN);
  const admitted = (e: string) =>
    shape.test(e) && xor.test(e) && !frequent.test(e) && fields.test(e);
  it.each([
    ['cron(0 2 ? * MON *)', true],
    ['cron(0 2 1 * ? *)', true],
    ['cron(*/5 * * * ? *)', true],
    ['cron(0 2 * * MON *)', false],
    ['cron(0 2 ? * ? *)', false],
    ['cron(0 2 * * 1)', false],
    ['cron(* 2 ? * MON *)', false],
    ['cron(*/1 2 ? * MON *)', false],
    ['cron(0/4 2 ? * MON *)', false],
    ['rate(5 minutes)', false],
    // Field values out of range: refused at apply time, not stalled in the cluster.
    ['cron(61 9 ? * MON *)', false],
    ['cron(0 24 ? * MON *)', false],
    ['cron(0 2 32 * ? *)', false],
    ['cron(0 2 0 * ? *)', false],
    ['cron(0 2 ? 13 MON *)', false],
    ['cron(0 2 ? * 0 *)', false],
    ['cron(0 2 ? * 8 *)', false],
    ['cron(0 2 ? * MON 1900)', false],
    ['cron(5-61 2 ? * MON *)', false],
    ['cron(0 2 ? * FOO *)', false],
    ['cron(0 2 15W * ? *)', false],
    // And the forms Glue allows stay admitted.
    ['cron(0/15 8-17 ? * MON-FRI *)', true],
    ['cron(15 10 ? * 6L 2026-2030)', true],
    ['cron(0 8 ? * 2#1 *)', true],
    ['cron(30 6 L * ? *)', true],
    ['cron(0 0 1 JAN,JUL ? *)', true],
    ['cron(0 2 ? jan mon *)', true],
    ['cron(0 12 1 * ? 2030)', true],
    ['cron(0 2 1-31/2 * ? *)', true],
  ])('%s admitted: %s', (expression, expected) => {
    expect(admitted(expression)).toBe(expected);
    // Whatever the API server admits wrongly, the parser still refuses; never the reverse.
    if (parseGlueCron(expression).ok) expect(admitted(expression)).toBe(true);
  });
});
