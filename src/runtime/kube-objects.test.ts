import { describe, expect, it } from 'vitest';
import { mergePatchFor } from './kube-objects.ts';

/** RFC 7386 applied, to check a patch really turns one status into the other. */
function apply(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as object) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = apply(out[key], value);
  }
  return out;
}

describe('mergePatchFor', () => {
  it.each([
    [
      'a nested key that went away',
      { lastRun: { state: 'Succeeded', score: 1 } },
      { lastRun: { state: 'Failed' } },
    ],
    ['a top-level key that went away', { currentRun: { id: 'r1' }, a: 1 }, { a: 1 }],
    [
      'an array that shrank',
      { conditions: [{ type: 'Ready' }, { type: 'Stalled' }] },
      { conditions: [{ type: 'Ready' }] },
    ],
    ['an object replaced by a scalar', { x: { y: 1 } }, { x: 2 }],
    ['a new nested object', {}, { drift: { count: 0, items: [] } }],
  ])('%s', (_what, previous, next) => {
    expect(apply(previous, mergePatchFor(previous, next))).toEqual(next);
  });

  it('sends null for a nested key that went away', () => {
    expect(
      mergePatchFor({ lastRun: { score: 1, state: 'S' } }, { lastRun: { state: 'F' } }),
    ).toEqual({
      lastRun: { state: 'F', score: null },
    });
  });
});
