import { describe, expect, it } from 'vitest';
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import { WaitingError } from '../../runtime/errors.ts';
import { isReady, type ProtectedBucketReader, resolveBuckets } from './dependencies.ts';

function pb(
  generation: number,
  observed: number | undefined,
  ready: 'True' | 'False' | undefined,
): ProtectedBucket {
  return {
    apiVersion: 'seawall.dev/v1alpha1',
    kind: 'ProtectedBucket',
    metadata: { namespace: 'ns', name: 'raw', generation },
    spec: { bucketName: 'raw-bucket', region: 'us-west-2' },
    status: {
      ...(observed === undefined ? {} : { observedGeneration: observed }),
      conditions: ready
        ? [
            {
              type: 'Ready',
              status: ready,
              observedGeneration: observed ?? 0,
              lastTransitionTime: '2026-11-28T00:00:00Z',
              reason: ready === 'True' ? 'Succeeded' : 'Progressing',
              message: '',
            },
          ]
        : [],
    },
  };
}

describe('isReady', () => {
  it.each<[string, ProtectedBucket, boolean]>([
    ['Ready for its generation', pb(2, 2, 'True'), true],
    ['Ready for an older generation', pb(3, 2, 'True'), false],
    ['not Ready', pb(1, 1, 'False'), false],
    ['never seen by Seawall', pb(1, undefined, undefined), false],
  ])('%s', (_what, bucket, ready) => {
    expect(isReady(bucket)).toBe(ready);
  });
});

describe('resolveBuckets', () => {
  const reader = (bucket: ProtectedBucket | undefined): ProtectedBucketReader => ({
    get: async () => bucket,
  });

  it('takes the name and region from a Ready ProtectedBucket', async () => {
    const [resolved] = await resolveBuckets(
      [{ bucketRef: { name: 'raw' }, maxObjects: 3 }],
      'ns',
      'ca-central-1',
      reader(pb(1, 1, 'True')),
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
    ['not Ready', pb(1, 1, 'False')],
  ])('waits with DependencyNotReady for a ProtectedBucket that is %s', async (_what, bucket) => {
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
