import { describe, expect, it } from 'vitest';
import type { AnyObject } from './kube-objects.ts';
import { objectHealth } from './metrics.ts';

const object = (status: Record<string, unknown> | undefined): AnyObject => ({
  apiVersion: 'seawall.dev/v1alpha1',
  kind: 'QualityPipeline',
  metadata: { name: 'p', namespace: 'n' },
  spec: {},
  ...(status ? { status } : {}),
});
const condition = (type: string, status: string) => ({
  type,
  status,
  reason: 'R',
  message: '',
  lastTransitionTime: '2026-11-30T00:00:00Z',
});

describe('objectHealth: what the per-object gauges show', () => {
  it.each([
    ['no status yet', undefined, { ready: false, stalled: false, driftItems: 0 }],
    [
      'Ready',
      { conditions: [condition('Ready', 'True')] },
      { ready: true, stalled: false, driftItems: 0 },
    ],
    [
      'Stalled',
      { conditions: [condition('Ready', 'False'), condition('Stalled', 'True')] },
      { ready: false, stalled: true, driftItems: 0 },
    ],
    [
      'drift reported',
      { conditions: [condition('Ready', 'False')], drift: { count: 2 } },
      { ready: false, stalled: false, driftItems: 2 },
    ],
    [
      'a pipeline run',
      { lastRun: { score: 0.5, completedAt: '2026-11-30T02:00:00Z' } },
      { ready: false, stalled: false, driftItems: 0, score: 0.5, lastRunCompleted: 1796004000 },
    ],
    [
      'a run still going',
      { lastRun: { startedAt: '2026-11-30T02:00:00Z' } },
      { ready: false, stalled: false, driftItems: 0 },
    ],
  ])('%s', (_name, status, expected) => {
    expect(objectHealth(object(status))).toEqual(expected);
  });
});
