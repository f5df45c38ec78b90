import { describe, expect, it } from 'vitest';
import { Annotations, type DriftItem, type SeawallObject } from '../api/common.ts';
import { protectedBucketKind } from '../api/protectedbucket.ts';
import { AwaitingPropagationError, StalledError, WaitingError } from './errors.ts';
import { noEvents } from './events.ts';
import { silentLogger } from './logger.ts';
import {
  type BaseStatus,
  chooseMode,
  DRIFT_HISTORY_LIMIT,
  nextDriftStatus,
  type PolicySpec,
  reconcileOnce,
} from './reconcile-once.ts';
import type { Reconciler } from './reconciler.ts';

const now = new Date('2026-06-01T00:00:00Z');
type Obj = SeawallObject<PolicySpec, BaseStatus>;

/** Object builder (cert-manager style): a converged, Ready object unless told otherwise. */
function anObject(
  overrides: {
    generation?: number;
    spec?: PolicySpec;
    status?: BaseStatus;
    deleting?: boolean;
  } = {},
): Obj {
  const generation = overrides.generation ?? 1;
  return {
    apiVersion: 'seawall.dev/v1alpha1',
    kind: 'ProtectedBucket',
    metadata: {
      name: 'pb',
      namespace: 'ns',
      generation,
      ...(overrides.deleting ? { deletionTimestamp: now.toISOString() } : {}),
    },
    spec: overrides.spec ?? {},
    status: overrides.status ?? {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Succeeded',
          message: '',
          observedGeneration: 1,
          lastTransitionTime: now.toISOString(),
        },
      ],
    },
  };
}

const driftItem = (field: string): DriftItem => ({
  resource: 's3://b',
  facet: 'bucket.versioning',
  field,
  expected: 'Enabled',
  observed: 'Suspended',
  action: 'Corrected',
  detectedAt: now.toISOString(),
});

function reconcilerThat(
  run: (mode: string, record: (items: DriftItem[]) => void) => Promise<void>,
): Reconciler<PolicySpec, BaseStatus> {
  return {
    kind: protectedBucketKind,
    reconcile: async (req) => {
      await run(req.mode, (items) => req.recordDrift(items));
      return {};
    },
    finalize: async () => {
      await run('finalize', () => {});
    },
  };
}

const deps = {
  log: silentLogger(),
  events: noEvents,
  now: () => now,
  classifiers: [],
  defaultDriftIntervalMs: 600_000,
};

describe('chooseMode', () => {
  it.each([
    ['a new object converges', anObject({ status: {} }), 'converge'],
    [
      'a new generation converges, even under Report',
      anObject({ generation: 2, spec: { driftPolicy: 'Report' } }),
      'converge',
    ],
    ['a converged object under Correct is a drift check that corrects', anObject(), 'correct'],
    [
      'a converged object under Report only reports',
      anObject({ spec: { driftPolicy: 'Report' } }),
      'report',
    ],
    [
      'a drift check that had to wait is still a drift check',
      anObject({
        status: {
          observedGeneration: 1,
          convergedGeneration: 1,
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'AwaitingPropagation',
              message: '',
              observedGeneration: 1,
              lastTransitionTime: now.toISOString(),
            },
          ],
        },
      }),
      'correct',
    ],
    [
      'under Report, a new correct-drift-requested-at value corrects once',
      withAnnotation(anObject({ spec: { driftPolicy: 'Report' } }), 'ack-1'),
      'correct',
    ],
    [
      'under Report, a value already acted on only reports',
      withAnnotation(
        anObject({
          spec: { driftPolicy: 'Report' },
          status: { ...anObject().status, lastHandledCorrectDriftAt: 'ack-1' },
        }),
        'ack-1',
      ),
      'report',
    ],
  ] as const)('%s', (_name, object, mode) => {
    expect(chooseMode(object)).toBe(mode);
  });
});

function withAnnotation(object: Obj, value: string): Obj {
  object.metadata.annotations = { [Annotations.correctDriftRequestedAt]: value };
  return object;
}

describe('correcting reported drift on request', () => {
  it('records the request as handled, and the items as Corrected', async () => {
    const object = withAnnotation(anObject({ spec: { driftPolicy: 'Report' } }), 'ack-1');
    const result = await reconcileOnce(
      reconcilerThat(async (mode, record) =>
        record([{ ...driftItem('Status'), action: mode === 'correct' ? 'Corrected' : 'Reported' }]),
      ),
      object,
      deps,
    );
    expect(result.outcome).toBe('ready');
    expect(result.status.lastHandledCorrectDriftAt).toBe('ack-1');
    expect(result.status.drift?.items?.[0]?.action).toBe('Corrected');
  });
});

describe('reconcileOnce', () => {
  it('records drift under Report and does not call the object Ready', async () => {
    const result = await reconcileOnce(
      reconcilerThat(async (_mode, record) => record([driftItem('Status')])),
      anObject({ spec: { driftPolicy: 'Report' } }),
      deps,
    );
    expect(result.outcome).toBe('drifted');
    expect(result.status.drift?.count).toBe(1);
    expect(result.status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'DriftDetected',
    });
  });

  it('stays Ready after correcting drift, with the items in status', async () => {
    const result = await reconcileOnce(
      reconcilerThat(async (_mode, record) => record([driftItem('Status')])),
      anObject(),
      deps,
    );
    expect(result.outcome).toBe('ready');
    expect(result.status.drift?.items?.[0]?.field).toBe('Status');
  });

  it('requeues a waiting error after its delay and a stalled one at its drift interval', async () => {
    const waiting = await reconcileOnce(
      reconcilerThat(async () => {
        throw new WaitingError('DependencyNotReady', 'bucket not ready', 5000);
      }),
      anObject(),
      deps,
    );
    expect(waiting).toMatchObject({ outcome: 'waiting', requeueAfterMs: 5000 });
    const stalled = await reconcileOnce(
      reconcilerThat(async () => {
        throw new StalledError('NameTaken', 'bucket exists');
      }),
      anObject(),
      deps,
    );
    expect(stalled.outcome).toBe('stalled');
    // What stalled it may be fixed outside Kubernetes: looked at again, not hammered.
    expect(stalled.requeueAfterMs).toBeGreaterThanOrEqual(540_000);
    expect(stalled.requeueAfterMs).toBeLessThanOrEqual(660_000);
  });

  describe('an error that only awaits AWS propagation', () => {
    const awaiting = (since?: Date) =>
      reconcilerThat(async () => {
        throw new AwaitingPropagationError(
          'IAM role seawall-replication-b in the key policy of key k',
          'MalformedPolicyDocumentException: invalid principals',
          { since, stallReason: 'InvalidPrincipal' },
        );
      });

    it('waits, says what it awaits since when, and looks again soon', async () => {
      const created = new Date(now.getTime() - 8_000);
      const result = await reconcileOnce(awaiting(created), anObject(), deps);
      expect(result.outcome).toBe('waiting');
      expect(result.status.awaiting).toMatchObject({
        what: 'IAM role seawall-replication-b in the key policy of key k',
        since: created.toISOString(),
      });
      expect(result.requeueAfterMs).toBe(2000);
      const ready = result.status.conditions?.find((c) => c.type === 'Ready');
      expect(ready).toMatchObject({ status: 'False', reason: 'AwaitingPropagation' });
      expect(ready?.message).toContain('8 s so far');
      expect(result.status.conditions?.find((c) => c.type === 'Stalled')).toBeUndefined();
    });

    it('stalls with the real reason once the wait outlasts AWS propagation', async () => {
      const first = await reconcileOnce(awaiting(), anObject(), deps);
      const later = new Date(now.getTime() + 6 * 60_000);
      const object = anObject();
      object.status = first.status;
      const result = await reconcileOnce(awaiting(), object, { ...deps, now: () => later });
      expect(result.outcome).toBe('stalled');
      expect(result.status.awaiting).toBeUndefined();
      expect(result.status.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
        status: 'True',
        reason: 'InvalidPrincipal',
      });
    });

    it('forgets what it awaited once the reconcile succeeds', async () => {
      const first = await reconcileOnce(awaiting(), anObject(), deps);
      const object = anObject();
      object.status = first.status;
      const result = await reconcileOnce(
        reconcilerThat(async () => {}),
        object,
        deps,
      );
      expect(result.outcome).toBe('ready');
      expect(result.status.awaiting).toBeUndefined();
    });
  });

  it("never runs a kind's clean-up under deletionPolicy Retain (the default), nor in a plan", async () => {
    let calls = 0;
    const counting = reconcilerThat(async (mode) => {
      if (mode === 'finalize') calls++;
    });
    for (const [spec, plan] of [
      [{}, false],
      [{ deletionPolicy: 'Retain' as const }, false],
      [{ deletionPolicy: 'Delete' as const }, true],
    ] as const) {
      const result = await reconcileOnce(counting, anObject({ deleting: true, spec }), {
        ...deps,
        plan,
      });
      expect(result.outcome).toBe('finalized');
    }
    expect(calls).toBe(0);
    await reconcileOnce(
      counting,
      anObject({ deleting: true, spec: { deletionPolicy: 'Delete' } }),
      deps,
    );
    expect(calls).toBe(1);
  });

  it('keeps the finalizer (finalize-blocked) when clean-up throws, and looks again later', async () => {
    const result = await reconcileOnce(
      reconcilerThat(async () => {
        throw new StalledError('BucketNotEmpty', 'bucket b holds 3 objects');
      }),
      anObject({ deleting: true, spec: { deletionPolicy: 'Delete' } }),
      deps,
    );
    expect(result.outcome).toBe('finalize-blocked');
    expect(result.requeueAfterMs).toBe(600_000);
    expect(result.status.conditions?.find((c) => c.type === 'Stalled')?.message).toContain(
      '3 objects',
    );
  });
});

describe('nextDriftStatus', () => {
  it('bounds the history, newest first', () => {
    let status = nextDriftStatus(undefined, [], now);
    for (let i = 0; i < DRIFT_HISTORY_LIMIT + 10; i++)
      status = nextDriftStatus(status, [driftItem(`f${i}`)], now);
    expect(status.history).toHaveLength(DRIFT_HISTORY_LIMIT);
    expect(status.history?.[0]?.field).toBe(`f${DRIFT_HISTORY_LIMIT + 9}`);
    expect(status.count).toBe(1);
  });

  it('keeps when drift was last corrected after the corrected items leave the count', () => {
    const later = new Date(now.getTime() + 600_000);
    const corrected = nextDriftStatus(undefined, [driftItem('Status')], now);
    expect(corrected.lastCorrectedTime).toBe(now.toISOString());
    const clean = nextDriftStatus(corrected, [], later);
    expect([clean.count, clean.lastCorrectedTime]).toEqual([0, now.toISOString()]);
    const reported = nextDriftStatus(
      clean,
      [{ ...driftItem('Status'), action: 'Reported' }],
      later,
    );
    expect(reported.lastCorrectedTime).toBe(now.toISOString());
  });
});

describe('event-driven drift checks (ADR 70)', () => {
  const cause = {
    eventName: 'PutBucketVersioning',
    eventTime: '2026-06-01T00:00:00Z',
    principal: 'arn:aws:sts::1:assumed-role/admin/alice',
    sourceAddress: '198.51.100.7',
    eventId: 'ev-1',
  };

  it('names the caller on drift of the resource the event named, not on other drift', async () => {
    const other = {
      ...driftItem('Enabled'),
      resource: 'arn:aws:kms:r:1:key/k',
      facet: 'key.rotation',
    };
    const result = await reconcileOnce(
      reconcilerThat(async (_mode, record) => record([driftItem('Status'), other])),
      anObject(),
      { ...deps, causes: [{ ids: ['b', 'arn:aws:s3:::b'], cause }] },
    );
    expect(result.status.drift?.items?.[0]?.causedBy).toEqual(cause);
    expect(result.status.drift?.items?.[1]?.causedBy).toBeUndefined();
    expect(result.status.drift?.history?.[0]?.causedBy).toEqual(cause);
  });

  it('waits the backstop interval while events flow, the drift interval while polling; says which', async () => {
    const run = (mode: 'Events' | 'Polling', spec: PolicySpec = {}) =>
      reconcileOnce(
        reconcilerThat(async () => {}),
        anObject({ spec }),
        { ...deps, detection: { mode, reason: 'why', backstopIntervalMs: 6 * 3600_000 } },
      );
    const events = await run('Events');
    expect(events.requeueAfterMs).toBeGreaterThan(5 * 3600_000);
    expect(events.status.driftDetection).toEqual({ mode: 'Events', reason: 'why' });
    const polling = await run('Polling');
    expect(polling.requeueAfterMs).toBeLessThanOrEqual(660_000);
    expect(polling.status.driftDetection?.mode).toBe('Polling');
    // An interval the spec sets is what the person asked for, events or not.
    const asked = await run('Events', { driftCheckInterval: '5m' });
    expect(asked.requeueAfterMs).toBeLessThanOrEqual(330_000);
  });
});
