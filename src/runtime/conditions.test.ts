import { describe, expect, it } from 'vitest';
import type { Condition } from '../api/common.ts';
import { type Summary, setCondition, summarize } from './conditions.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T01:00:00Z');

const byType = (list: Condition[]) => Object.fromEntries(list.map((c) => [c.type, c.status]));

describe('setCondition', () => {
  it('keeps lastTransitionTime when the status is unchanged, even if reason and message change', () => {
    const first = setCondition(
      [],
      { type: 'Ready', status: 'False', reason: 'A', message: 'a' },
      1,
      t0,
    );
    const second = setCondition(
      first,
      { type: 'Ready', status: 'False', reason: 'B', message: 'b' },
      2,
      t1,
    );
    expect(second[0]).toMatchObject({
      reason: 'B',
      observedGeneration: 2,
      lastTransitionTime: t0.toISOString(),
    });
  });

  it('moves lastTransitionTime when the status changes', () => {
    const first = setCondition(
      [],
      { type: 'Ready', status: 'False', reason: 'A', message: 'a' },
      1,
      t0,
    );
    const second = setCondition(
      first,
      { type: 'Ready', status: 'True', reason: 'A', message: 'a' },
      1,
      t1,
    );
    expect(second[0]?.lastTransitionTime).toBe(t1.toISOString());
  });

  it('orders Ready, Reconciling, Stalled first', () => {
    let list: Condition[] = [];
    for (const type of ['Zeta', 'Stalled', 'Reconciling', 'Ready', 'Alpha']) {
      list = setCondition(list, { type, status: 'True', reason: 'R', message: '' }, 1, t0);
    }
    expect(list.map((c) => c.type)).toEqual(['Ready', 'Reconciling', 'Stalled', 'Alpha', 'Zeta']);
  });
});

describe('summarize follows kstatus', () => {
  const table: [Summary['state'], Summary, Record<string, string>][] = [
    ['ready', { state: 'ready', message: 'ok' }, { Ready: 'True' }],
    [
      'progressing',
      { state: 'progressing', reason: 'P', message: '' },
      { Ready: 'Unknown', Reconciling: 'True' },
    ],
    [
      'waiting',
      { state: 'waiting', reason: 'DependencyNotReady', message: '' },
      { Ready: 'False', Reconciling: 'True' },
    ],
    [
      'retrying',
      { state: 'retrying', reason: 'AwsThrottled', message: '' },
      { Ready: 'False', Reconciling: 'True' },
    ],
    [
      'stalled',
      { state: 'stalled', reason: 'AccessDenied', message: '' },
      { Ready: 'False', Stalled: 'True' },
    ],
  ];
  it.each(table)('%s', (_name, summary, expected) => {
    // Start from a resource that was stalled and reconciling at once: each summary
    // leaves exactly the kstatus conditions it implies.
    const start = summarize(
      summarize([], { state: 'stalled', reason: 'X', message: '' }, 1, t0),
      { state: 'progressing', reason: 'Y', message: '' },
      1,
      t0,
    );
    expect(byType(summarize(start, summary, 2, t1))).toEqual(expected);
  });

  it('paused adds Paused and keeps the rest', () => {
    const ready = summarize([], { state: 'ready', message: 'ok' }, 1, t0);
    expect(byType(summarize(ready, { state: 'paused', message: 'p' }, 1, t1))).toEqual({
      Ready: 'True',
      Paused: 'True',
    });
  });
});
