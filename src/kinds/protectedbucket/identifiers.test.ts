import { describe, expect, it } from 'vitest';
import type { ProtectedBucket } from '../../api/protectedbucket.ts';
import { protectedBucketResources } from './identifiers.ts';

const pb = (
  spec: ProtectedBucket['spec'],
  status: ProtectedBucket['status'] = {},
): ProtectedBucket => ({
  apiVersion: 'seawall.dev/v1alpha1',
  kind: 'ProtectedBucket',
  metadata: { name: 'pb', namespace: 'ns' },
  spec,
  status,
});

describe('protectedBucketResources', () => {
  it('a bucket alone: its name, its key (ARN, id, alias) in its region', () => {
    const r = protectedBucketResources(
      pb(
        { bucketName: 'raw', region: 'ca-central-1' },
        { keyArn: 'arn:aws:kms:ca-central-1:1:key/k-1' },
      ),
    );
    expect(r.regions).toEqual(['ca-central-1']);
    expect(r.ids).toEqual([
      'raw',
      'arn:aws:kms:ca-central-1:1:key/k-1',
      'k-1',
      'alias/seawall/raw',
    ]);
  });

  it('with a backup: the backup bucket and key, the replication role, and us-east-1 for IAM', () => {
    const r = protectedBucketResources(
      pb(
        {
          bucketName: 'raw',
          region: 'ca-central-1',
          backup: { bucketName: 'raw-bk', region: 'us-west-2' },
        },
        { replicationRoleArn: 'arn:aws:iam::1:role/seawall/seawall-replication-raw' },
      ),
    );
    expect(r.regions).toEqual(['ca-central-1', 'us-east-1', 'us-west-2']);
    expect(r.ids).toEqual(
      expect.arrayContaining(['raw-bk', 'alias/seawall/raw-bk', 'seawall-replication-raw']),
    );
  });

  it('a key given by ARN is named by ARN and id, no alias', () => {
    const r = protectedBucketResources(
      pb({
        bucketName: 'raw',
        region: 'ca-central-1',
        encryption: { keyArn: 'arn:aws:kms:ca-central-1:1:key/given' },
      }),
    );
    expect(r.ids).toEqual(['raw', 'arn:aws:kms:ca-central-1:1:key/given', 'given']);
  });
});
