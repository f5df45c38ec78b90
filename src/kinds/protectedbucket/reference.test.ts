import { describe, expect, it } from 'vitest';
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import { WaitingError } from '../../runtime/errors.ts';
import { resolveBuckets } from '../costmonitor/dependencies.ts';
import {
  bucketReadyCondition,
  type ProtectedBucketReader,
  type UsableBucket,
  usability,
} from './reference.ts';

/** A ProtectedBucket as Seawall leaves it (builder, cert-manager style). */
function pb(
  options: {
    ready?: 'True' | 'False';
    reason?: string;
    created?: boolean;
    deleting?: boolean;
  } = {},
): ProtectedBucket {
  const { ready = 'True', reason = 'Succeeded', created = true } = options;
  return {
    apiVersion: 'seawall.dev/v1alpha1',
    kind: 'ProtectedBucket',
    metadata: {
      namespace: 'ns',
      name: 'raw',
      generation: 2,
      ...(options.deleting ? { deletionTimestamp: '2026-11-28T00:00:00Z' } : {}),
    },
    spec: { bucketName: 'raw-bucket', region: 'us-west-2' },
    status: {
      observedGeneration: 2,
      conditions: [
        {
          type: 'Ready',
          status: ready,
          observedGeneration: 2,
          lastTransitionTime: '2026-11-28T00:00:00Z',
          reason,
          message: `${reason} message`,
        },
      ],
      ...(created
        ? { bucketArn: 'arn:aws:s3:::raw-bucket', keyArn: 'arn:aws:kms:us-west-2:1:key/k' }
        : {}),
    },
  };
}

describe('usability: what a dependent waits for', () => {
  it.each<[string, ProtectedBucket | undefined, boolean, string]>([
    ['Ready', pb(), true, ''],
    // driftPolicy Report: the data is there and readable; drift is shown, not a block.
    ['drift reported', pb({ ready: 'False', reason: 'DriftDetected' }), true, ''],
    [
      'its backup still converging',
      pb({ ready: 'False', reason: 'AwaitingPropagation' }),
      true,
      '',
    ],
    ['stalled on its replication rule', pb({ ready: 'False', reason: 'AccessDenied' }), true, ''],
    ['missing', undefined, false, 'does not exist yet'],
    [
      'bucket not made yet',
      pb({ ready: 'False', reason: 'Progressing', created: false }),
      false,
      'has not created and encrypted its bucket yet (Progressing',
    ],
    ['being deleted', pb({ deleting: true }), false, 'is being deleted'],
  ])('%s → usable %s', (_what, bucket, usable, why) => {
    const found = usability('ns/raw', bucket);
    expect(found.usable).toBe(usable);
    if (!found.usable) expect(found.why).toContain(why);
  });

  it('a usable bucket that is not Ready shows on the dependent with its reason', () => {
    const found = usability('ns/raw', pb({ ready: 'False', reason: 'DriftDetected' }));
    const bucket = (found as { bucket: UsableBucket }).bucket;
    expect(bucketReadyCondition([bucket])).toMatchObject({
      type: 'BucketReady',
      status: 'False',
      reason: 'DriftDetected',
    });
    const ready = (usability('ns/raw', pb()) as { bucket: UsableBucket }).bucket;
    expect(bucketReadyCondition([ready]).status).toBe('True');
  });
});

describe('resolveBuckets (CostMonitor)', () => {
  const reader = (bucket: ProtectedBucket | undefined): ProtectedBucketReader => ({
    get: async () => bucket,
  });

  it('takes the name and region from the ProtectedBucket', async () => {
    const [resolved] = await resolveBuckets(
      [{ bucketRef: { name: 'raw' }, maxObjects: 3 }],
      'ns',
      'ca-central-1',
      reader(pb()),
    );
    expect(resolved).toMatchObject({
      bucketName: 'raw-bucket',
      region: 'us-west-2',
      maxObjects: 3,
    });
  });

  it('names a bucket directly, in spec.region by default', async () => {
    const [resolved] = await resolveBuckets(
      [{ bucketName: 'b' }],
      'ns',
      'ca-central-1',
      reader(undefined),
    );
    expect(resolved).toMatchObject({ bucketName: 'b', region: 'ca-central-1', notifyTopic: true });
  });

  it.each([
    ['missing', undefined],
    ['without its bucket yet', pb({ created: false })],
  ])('waits with DependencyNotReady for a ProtectedBucket %s', async (_what, bucket) => {
    const attempt = resolveBuckets(
      [{ bucketRef: { name: 'raw' } }],
      'ns',
      'ca-central-1',
      reader(bucket),
    );
    await expect(attempt).rejects.toBeInstanceOf(WaitingError);
    await expect(attempt).rejects.toMatchObject({ reason: 'DependencyNotReady' });
  });
});
