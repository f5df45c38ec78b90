// Table tests of the S3 facets' pure parts: desired, diff, and the request shapes that
// moto cannot read back (replication) or that only AWS enforces (us-east-1 creation).
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  PutBucketReplicationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ensure } from '../lifecycle.ts';
import { OWNER_TAG } from '../ownership.ts';
import { createBucketInput, s3Bucket } from './bucket.ts';
import { diffBucketPolicy, mergeBucketPolicy, tlsOnlyStatement } from './bucket-policy.ts';
import { encryptionFacet } from './encryption.ts';
import { desiredLifecycle, lifecycleFacet, projectRule } from './lifecycle.ts';
import { publicAccessBlockFacet } from './public-access-block.ts';
import {
  diffReplication,
  projectReplication,
  type ReplicationSettings,
  replicationConfiguration,
  replicationFacet,
  validateReplication,
} from './replication.ts';
import { versioningFacet } from './versioning.ts';

const settings: ReplicationSettings = {
  roleArn: 'arn:aws:iam::111111111111:role/seawall/r',
  destinationBucketArn: 'arn:aws:s3:::backup',
  replicaKmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/k',
  storageClass: 'STANDARD_IA',
  deleteMarkerReplication: true,
  replicationTimeControl: true,
};

describe('createBucketInput', () => {
  it.each([
    ['us-east-1', undefined],
    ['ca-central-1', 'ca-central-1'],
    ['eu-west-1', 'eu-west-1'],
  ])('%s → LocationConstraint %s', (region, constraint) => {
    const input = createBucketInput('b', region, { [OWNER_TAG]: 'o' });
    expect(input.CreateBucketConfiguration).toEqual({
      ...(constraint ? { LocationConstraint: constraint } : {}),
      Tags: [{ Key: OWNER_TAG, Value: 'o' }],
    });
  });
});

describe('the S3 bucket lifecycle', () => {
  it('BucketAlreadyExists (another account) stalls with NameTaken, nothing else sent', async () => {
    const s3 = mockClient(S3Client);
    s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('x'), { name: 'NoSuchBucket' }));
    s3.on(CreateBucketCommand).rejects(
      Object.assign(new Error('taken'), { name: 'BucketAlreadyExists' }),
    );
    const client = new S3Client({ region: 'ca-central-1' });
    await expect(
      ensure(
        s3Bucket,
        { s3: client, bucket: 'b', region: 'ca-central-1' },
        { owner: 'o', tags: { [OWNER_TAG]: 'o' }, mode: 'converge' },
      ),
    ).rejects.toMatchObject({ reason: 'NameTaken' });
    expect(s3.calls()).toHaveLength(2);
    s3.restore();
  });
});

describe('simple facets: desired and diff', () => {
  const target = { s3: {} as S3Client, bucket: 'b', region: 'ca-central-1' };
  it.each([
    ['Enabled', { Status: 'Enabled' }, []],
    ['Enabled', { Status: 'Suspended' }, ['Status']],
    ['Enabled', { Status: 'Disabled' }, ['Status']],
    ['Suspended', { Status: 'Suspended' }, []],
  ] as const)('versioning %s vs %j', (want, observed, fields) => {
    const desired = versioningFacet.desired({ ...target, versioning: want });
    expect(versioningFacet.diff(desired, observed).map((d) => d.field)).toEqual(fields);
  });

  it.each([
    [{ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:k', BucketKeyEnabled: true }, []],
    [
      { SSEAlgorithm: 'AES256', KMSMasterKeyID: undefined, BucketKeyEnabled: false },
      ['SSEAlgorithm', 'KMSMasterKeyID', 'BucketKeyEnabled'],
    ],
    [
      { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:other', BucketKeyEnabled: true },
      ['KMSMasterKeyID'],
    ],
    [
      { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:k', BucketKeyEnabled: false },
      ['BucketKeyEnabled'],
    ],
  ])('encryption vs %j', (observed, fields) => {
    const desired = encryptionFacet.desired({ ...target, keyArn: 'arn:k', bucketKeyEnabled: true });
    expect(encryptionFacet.diff(desired, observed).map((d) => d.field)).toEqual(fields);
  });

  it('public access block: one field a flag', () => {
    const on = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    const desired = publicAccessBlockFacet.desired({ ...target, publicAccessBlock: on });
    expect(publicAccessBlockFacet.diff(desired, { ...on, RestrictPublicBuckets: false })).toEqual([
      { field: 'RestrictPublicBuckets', expected: true, observed: false },
    ]);
  });
});

const ACCOUNT = '111122223333';

describe('bucket policy', () => {
  const ours = tlsOnlyStatement('b');
  const theirs = {
    Sid: 'Person',
    Effect: 'Allow' as const,
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::b/*',
  };
  it.each([
    ['absent', undefined, 1],
    ['ours only', [ours], 0],
    [
      'ours reformatted by S3',
      [{ ...ours, Action: ['s3:*'], Resource: [...(ours.Resource as string[])].reverse() }],
      0,
    ],
    ['ours plus a person’s', [theirs, ours], 0],
    ['ours without its condition', [{ ...ours, Condition: undefined }], 1],
    ['only a person’s', [theirs], 1],
  ])('%s → %i diff(s)', (_, statements, count) => {
    const observed = {
      document: statements ? { Version: '2012-10-17' as const, Statement: statements } : undefined,
    };
    expect(diffBucketPolicy({ statements: [ours], accountId: ACCOUNT }, observed)).toHaveLength(
      count,
    );
  });

  const publicRead = {
    Sid: 'PublicRead',
    Effect: 'Allow' as const,
    Principal: '*' as const,
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::b/*',
  };
  const partner = {
    Effect: 'Allow' as const,
    Principal: { AWS: 'arn:aws:iam::444455556666:root' },
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::b/*',
  };

  it('names a public or cross-account statement of someone else as drift', () => {
    const observed = {
      document: { Version: '2012-10-17' as const, Statement: [theirs, publicRead, partner, ours] },
    };
    const diffs = diffBucketPolicy({ statements: [ours], accountId: ACCOUNT }, observed);
    expect(diffs.map((d) => d.field)).toEqual(['statement:PublicRead', 'statement:#2']);
    expect(String(diffs[0]?.observed)).toMatch(/^grants public access: /);
    expect(String(diffs[1]?.observed)).toMatch(/another account \(444455556666\)/);
  });

  it('puts ours back without the exposing statements, keeping the rest', () => {
    const doc = { Version: '2012-10-17' as const, Statement: [theirs, publicRead, partner] };
    expect(mergeBucketPolicy(doc, [ours], ACCOUNT)?.Statement).toEqual([theirs, ours]);
  });
  it('merge keeps other statements, replaces ours, and drops the policy when nothing is left', () => {
    const doc = {
      Version: '2012-10-17' as const,
      Statement: [theirs, { ...ours, Condition: undefined }],
    };
    expect(mergeBucketPolicy(doc, [ours])?.Statement).toEqual([theirs, ours]);
    expect(mergeBucketPolicy({ Version: '2012-10-17', Statement: [ours] }, [])).toBeUndefined();
  });
});

describe('lifecycle', () => {
  it.each([
    [undefined, 0],
    [{}, 0],
    [{ noncurrentVersionExpirationDays: 30 }, 1],
    [{ noncurrentVersionTransition: { days: 10, storageClass: 'GLACIER' } }, 1],
  ])('desiredLifecycle(%j) has %i rule(s)', (lifecycle, rules) => {
    expect(desiredLifecycle(lifecycle).Rules).toHaveLength(rules);
  });
  it('what S3 returns (extra fields, Filter shapes) reads as equal', () => {
    const desired = desiredLifecycle({
      noncurrentVersionExpirationDays: 90,
      noncurrentVersionTransition: { days: 30, storageClass: 'GLACIER' },
    });
    const observed = {
      Rules: [
        projectRule({
          ID: 'seawall-noncurrent-versions',
          Status: 'Enabled',
          Filter: { Prefix: '' },
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          NoncurrentVersionTransitions: [{ NoncurrentDays: 30, StorageClass: 'GLACIER' }],
        }),
      ],
    };
    expect(lifecycleFacet.diff(desired, observed)).toEqual([]);
    expect(lifecycleFacet.diff(desired, { Rules: [] })).toHaveLength(1);
  });
});

describe('replication', () => {
  it('the rule is V2 and complete: Filter, Priority, delete markers, KMS objects, replica key, RTC + metrics', () => {
    const config = replicationConfiguration(settings);
    expect(config.Rules?.[0]).toEqual({
      ID: 'seawall-backup',
      Priority: 1,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Enabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: {
        Bucket: 'arn:aws:s3:::backup',
        StorageClass: 'STANDARD_IA',
        EncryptionConfiguration: { ReplicaKmsKeyID: settings.replicaKmsKeyArn },
        ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
        Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      },
    });
    expect(validateReplication(config)).toEqual([]);
  });

  it.each([
    [
      'no replica key for KMS objects',
      (r: Record<string, unknown>) => ({ ...r, Destination: { Bucket: 'arn:aws:s3:::x' } }),
      'ReplicaKmsKeyID',
    ],
    [
      'no filter (a V1 rule)',
      (r: Record<string, unknown>) => ({ ...r, Filter: undefined }),
      'Filter',
    ],
    ['no priority', (r: Record<string, unknown>) => ({ ...r, Priority: undefined }), 'Priority'],
    [
      'RTC without metrics',
      (r: Record<string, unknown>) => ({
        ...r,
        Destination: { ...(r.Destination as object), Metrics: undefined },
      }),
      'metrics',
    ],
  ])('validateReplication refuses %s', (_, mutate, word) => {
    const config = replicationConfiguration(settings);
    const rule = mutate(config.Rules?.[0] as unknown as Record<string, unknown>);
    expect(validateReplication({ ...config, Rules: [rule as never] }).join(' ')).toContain(word);
  });

  it('diff: every field counts — delete markers not replicated, KMS objects left out', () => {
    const desired = projectReplication(replicationConfiguration(settings));
    const tampered = {
      ...desired,
      DeleteMarkerReplication: 'Disabled',
      SseKmsEncryptedObjects: undefined,
    };
    expect(diffReplication(desired, tampered).map((d) => d.field)).toEqual([
      'DeleteMarkerReplication',
      'SseKmsEncryptedObjects',
    ]);
    expect(diffReplication(desired, desired)).toEqual([]);
  });

  it('apply sends the whole configuration in one PutBucketReplication', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutBucketReplicationCommand).resolves({});
    const ctx = {
      s3: new S3Client({ region: 'ca-central-1' }),
      bucket: 'b',
      region: 'ca-central-1',
      replication: settings,
    };
    const desired = replicationFacet.desired(ctx);
    await replicationFacet.apply(ctx, desired, projectReplication(undefined));
    const input = s3.commandCalls(PutBucketReplicationCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'b',
      ReplicationConfiguration: replicationConfiguration(settings),
    });
    s3.restore();
  });
});
