import { describe, expect, it } from 'vitest';
import { diffKeyedList, type KeyedList, mergeKeyedList } from './keyed-list.ts';

interface Rule {
  ID?: string;
  days: number;
}
const rules: KeyedList<Rule> = {
  key: (r) => r.ID,
  owns: (key) => key?.startsWith('seawall-') ?? false,
  field: (key) => `rule:${key}`,
};
const ours = { ID: 'seawall-a', days: 30 };
const theirs = { ID: 'archive', days: 365 };

describe('keyed lists', () => {
  it.each<[string, Rule[], Rule[], string[]]>([
    ['ours in place, theirs beside', [ours], [theirs, ours], []],
    ['ours missing', [ours], [theirs], ['rule:seawall-a']],
    ['ours changed', [ours], [{ ...ours, days: 1 }], ['rule:seawall-a']],
    ['an old one of ours the spec dropped', [], [ours, theirs], ['rule:seawall-a']],
    ['theirs never count', [], [theirs, { ID: undefined, days: 2 }], []],
  ])('%s', (_what, desired, observed, fields) => {
    expect(diffKeyedList(rules, desired, observed).map((d) => d.field)).toEqual(fields);
  });

  it('merges ours back, keeping theirs in place; drop removes what must go', () => {
    expect(mergeKeyedList(rules, [theirs, { ...ours, days: 1 }], [ours], { ours: 'last' })).toEqual(
      [theirs, ours],
    );
    expect(mergeKeyedList(rules, [theirs], [ours], { ours: 'first' })).toEqual([ours, theirs]);
    expect(
      mergeKeyedList(rules, [theirs], [ours], { ours: 'last', drop: (r) => r.ID === 'archive' }),
    ).toEqual([ours]);
  });
});
