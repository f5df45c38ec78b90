import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../dq/index.ts';
import { parseGlueCron } from '../../schedule/glue-cron.ts';
import {
  decideRun,
  displayScore,
  newRunId,
  recordFinishedRun,
  summaryFromResults,
} from './runs.ts';

const cron = (text: string) => {
  const parsed = parseGlueCron(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cron;
};
const WEEKLY = cron('cron(0 2 ? * MON *)');
const created = new Date('2026-11-01T00:00:00Z');

describe('decideRun', () => {
  it.each([
    // [case, now, lastScheduledTime, handled, annotation, expected]
    [
      'nothing due right after creation',
      '2026-11-01T12:00:00Z',
      undefined,
      undefined,
      undefined,
      { due: false },
    ],
    [
      'the first slot after creation is due on time',
      '2026-11-02T02:00:30Z',
      undefined,
      undefined,
      undefined,
      { due: true, trigger: 'Schedule', scheduledTime: '2026-11-02T02:00:00.000Z' },
    ],
    [
      'a slot already run is not due again',
      '2026-11-02T02:05:00Z',
      '2026-11-02T02:00:00Z',
      undefined,
      undefined,
      { due: false },
    ],
    [
      'a slot found late counts as missed',
      '2026-11-02T09:00:00Z',
      undefined,
      undefined,
      undefined,
      { due: true, trigger: 'MissedSchedule', scheduledTime: '2026-11-02T02:00:00.000Z' },
    ],
    [
      'three missed slots run once, for the latest',
      '2026-11-24T09:00:00Z',
      '2026-11-02T02:00:00Z',
      undefined,
      undefined,
      { due: true, trigger: 'MissedSchedule', scheduledTime: '2026-11-23T02:00:00.000Z' },
    ],
    [
      'a new run-requested-at runs now',
      '2026-11-01T12:00:00Z',
      undefined,
      undefined,
      'a',
      { due: true, trigger: 'Manual', runRequest: 'a' },
    ],
    [
      'a handled run-requested-at does not run again',
      '2026-11-01T12:00:00Z',
      undefined,
      'a',
      'a',
      { due: false },
    ],
    [
      'a manual run also covers a due slot',
      '2026-11-02T02:00:30Z',
      undefined,
      'a',
      'b',
      { due: true, trigger: 'Manual', runRequest: 'b', scheduledTime: '2026-11-02T02:00:00.000Z' },
    ],
  ] as const)('%s', (_case, now, last, handled, annotation, expected) => {
    const decision = decideRun({
      cron: WEEKLY,
      now: new Date(now),
      createdAt: created,
      lastScheduledTime: last,
      handledRunRequest: handled,
      runRequestedAt: annotation,
    });
    const comparable =
      decision.due && decision.scheduledTime
        ? { ...decision, scheduledTime: decision.scheduledTime.toISOString() }
        : decision;
    expect(comparable).toEqual(expected);
  });
});

describe('newRunId', () => {
  it('is sortable by time and safe in an S3 key', () => {
    expect(newRunId(new Date('2026-11-28T03:40:05.123Z'), () => 'abcdef')).toBe(
      '20261128T034005Z-abcdef',
    );
  });
});

const doc = (score: number, status: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED'): ResultsDocument => ({
  apiVersion: 'seawall.io/v1alpha1',
  kind: 'DataQualityRunResult',
  runId: 'r1',
  engine: 'embedded',
  status,
  ...(status === 'FAILED' ? { error: 'could not read s3://b/k' } : {}),
  startedAt: '2026-11-28T00:00:00.000Z',
  finishedAt: '2026-11-28T00:00:01.000Z',
  score,
  rules: { total: 2, passed: score === 1 ? 2 : 1, failed: score === 1 ? 0 : 1, errored: 0 },
  rows: { processed: 10, passed: 8, failed: 2, malformed: 1 },
  ruleResults: [
    {
      name: 'Rule_1',
      rule: 'IsComplete "a"',
      outcome: 'PASS',
      evaluatedMetrics: {},
      rowLevel: true,
    },
    {
      name: 'Rule_2',
      rule: 'RowCount > 100',
      outcome: score === 1 ? 'PASS' : 'FAIL',
      evaluatedMetrics: {},
      rowLevel: false,
    },
  ],
  source: { bucket: 'b', prefix: 'raw/', format: 'csv', objects: [] },
  outputs: { trusted: [], quarantine: [] },
});
const where = { trusted: 's3://b/t/r1/', quarantine: 's3://b/q/r1/', results: 's3://b/r/r1.json' };

describe('summaryFromResults', () => {
  it.each([
    ['all rules pass', doc(1), undefined, 'Succeeded', /2\/2 rules passed/],
    [
      'a failing rule without minScore still succeeds',
      doc(0.5),
      undefined,
      'Succeeded',
      /1\/2 rules passed/,
    ],
    [
      'below minScore fails, naming the failed rules',
      doc(0.5),
      0.9,
      'Failed',
      /below minScore 0.9 \(failed: Rule_2\)/,
    ],
    ['at minScore succeeds', doc(0.5), 0.5, 'Succeeded', /rules passed/],
    [
      'a run that could not finish fails with its error',
      doc(0, 'FAILED'),
      undefined,
      'Failed',
      /could not read/,
    ],
  ] as const)('%s', (_case, document, minScore, state, message) => {
    const summary = summaryFromResults(document, { trigger: 'Manual' }, where, minScore);
    expect(summary.state).toBe(state);
    expect(summary.message).toMatch(message);
    expect(summary.rows).toEqual({ processed: 10, trusted: 8, quarantined: 2, malformed: 1 });
  });
});

describe('recordFinishedRun', () => {
  it('keeps a newest-first history bounded by historyLimit and clears currentRun', () => {
    const status: Parameters<typeof recordFinishedRun>[0] = {
      currentRun: { id: 'r3', engine: 'embedded', startedAt: '2026-11-28T00:00:00.000Z' },
      history: [
        { id: 'r2', startedAt: '2026-11-27T00:00:00.000Z', state: 'Succeeded' },
        { id: 'r1', startedAt: '2026-11-26T00:00:00.000Z', state: 'Failed' },
      ],
    };
    const run = { ...summaryFromResults(doc(1), {}, where, undefined), id: 'r3' };
    recordFinishedRun(status, run, 2);
    expect(status.currentRun).toBeUndefined();
    expect(status.lastRun?.id).toBe('r3');
    expect(status.history?.map((h) => h.id)).toEqual(['r3', 'r2']);
  });
});

describe('displayScore', () => {
  it.each([
    [7 / 12, 0.5833],
    [1, 1],
    [0, 0],
    [2 / 3, 0.6667],
  ])('%d shows as %d', (score, shown) => {
    expect(displayScore(score)).toBe(shown);
  });
});
