import { describe, expect, it } from 'vitest';
import { diffFields } from '../facet.ts';
import { lifecycleRules, projectRule } from '../s3/lifecycle.ts';
import { desiredRetention } from './log-retention.ts';

describe('log retention', () => {
  it('round-trips: the rule written reads back as the rule desired', () => {
    const desired = desiredRetention(400);
    const readBack = { Rules: lifecycleRules(desired).map(projectRule) };
    expect(diffFields({ ...desired }, readBack)).toEqual([]);
  });

  it.each([
    ['another retention', { ...desiredRetention(30) }, ['Rules']],
    ['no lifecycle', { Rules: [] }, ['Rules']],
    ['the same', desiredRetention(400), []],
  ])('%s', (_what, observed, fields) => {
    expect(diffFields({ ...desiredRetention(400) }, observed).map((d) => d.field)).toEqual(fields);
  });
});
