import { describe, expect, it } from 'vitest';
import { diffFields, type Facet, type FacetMode, runFacet } from './facet.ts';

interface Ctx {
  held: { Status: string };
  applied: number;
}

const versioning: Facet<Ctx, { Status: string }> = {
  name: 'bucket.versioning',
  calls: [],
  resource: () => 's3://b',
  observe: async (ctx) => ctx.held,
  desired: () => ({ Status: 'Enabled' }),
  diff: (desired, observed) => diffFields(desired, observed),
  apply: async (ctx) => {
    ctx.applied++;
  },
};

const now = new Date('2026-01-01T00:00:00Z');

describe('runFacet', () => {
  it.each<[FacetMode, boolean, string | undefined]>([
    ['converge', true, undefined],
    ['correct', true, 'Corrected'],
    ['report', false, 'Reported'],
    // plan: the diff is reported as a drift item (nothing done), and apply never runs.
    ['plan', false, 'Reported'],
  ])('%s: applies=%s, drift action %s', async (mode, applies, action) => {
    const ctx: Ctx = { held: { Status: 'Suspended' }, applied: 0 };
    const outcome = await runFacet(versioning, ctx, mode, now);
    expect(outcome.applied).toBe(applies);
    expect(ctx.applied).toBe(applies ? 1 : 0);
    expect(outcome.diffs).toEqual([
      { field: 'Status', expected: 'Enabled', observed: 'Suspended' },
    ]);
    expect(outcome.drift.map((d) => d.action)).toEqual(action ? [action] : []);
    if (action) {
      expect(outcome.drift[0]).toMatchObject({
        resource: 's3://b',
        facet: 'bucket.versioning',
        field: 'Status',
        expected: 'Enabled',
        observed: 'Suspended',
      });
    }
  });

  it('records nothing when AWS matches, in any mode', async () => {
    for (const mode of ['converge', 'correct', 'report', 'plan'] as const) {
      const ctx: Ctx = { held: { Status: 'Enabled' }, applied: 0 };
      const outcome = await runFacet(versioning, ctx, mode, now);
      expect(outcome.drift).toEqual([]);
      expect(ctx.applied).toBe(0);
    }
  });
});
