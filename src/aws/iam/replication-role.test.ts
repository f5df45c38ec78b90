import { describe, expect, it } from 'vitest';
import {
  REPLICATION_SERVICE,
  replicationKeyGrant,
  replicationPolicy,
  replicationRoleName,
} from './replication-role.ts';
import { serviceTrustPolicy } from './role.ts';

describe('replication role', () => {
  it.each([
    ['short', 'seawall-replication-short'],
    ['a'.repeat(63), `seawall-replication-${'a'.repeat(35)}-`],
  ])('role name for %s fits 64 characters', (bucket, prefix) => {
    const name = replicationRoleName(bucket);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name.startsWith(prefix)).toBe(true);
  });

  it('trusts only s3.amazonaws.com', () => {
    expect(serviceTrustPolicy(REPLICATION_SERVICE).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('grants exactly what replication of SSE-KMS objects needs', () => {
    const policy = replicationPolicy({
      sourceBucket: 'src',
      sourceRegion: 'ca-central-1',
      sourceKeyArn: 'arn:src-key',
      destinationBucket: 'dst',
      destinationRegion: 'us-west-2',
      destinationKeyArn: 'arn:dst-key',
    });
    expect(policy.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [['s3:GetReplicationConfiguration', 's3:ListBucket'], 'arn:aws:s3:::src'],
      [
        [
          's3:GetObjectVersionForReplication',
          's3:GetObjectVersionAcl',
          's3:GetObjectVersionTagging',
        ],
        'arn:aws:s3:::src/*',
      ],
      [['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], 'arn:aws:s3:::dst/*'],
      ['kms:Decrypt', 'arn:src-key'],
      [['kms:Encrypt', 'kms:Decrypt'], 'arn:dst-key'],
    ]);
    // The encryption context holds with and without bucket keys (bucket ARN vs object ARN).
    expect(policy.Statement[3]?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 's3.ca-central-1.amazonaws.com' },
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::src', 'arn:aws:s3:::src/*'],
      },
    });
    expect(policy.Statement[4]?.Condition?.StringEquals).toEqual({
      'kms:ViaService': 's3.us-west-2.amazonaws.com',
    });
  });

  it.each([
    ['source', 'SeawallReplicationDecrypt', ['kms:Decrypt']],
    // With an S3 Bucket Key on the backup, replication decrypts with the replica key too.
    ['destination', 'SeawallReplicationEncrypt', ['kms:Encrypt', 'kms:Decrypt']],
  ] as const)('the %s key grant names the role: %s %j', (side, sid, actions) => {
    const grant = replicationKeyGrant('arn:role', side, 'dst', 'us-west-2');
    expect(grant).toMatchObject({ Sid: sid, Principal: { AWS: 'arn:role' }, Action: actions });
    expect(grant.Condition?.StringEquals).toEqual({
      'kms:ViaService': 's3.us-west-2.amazonaws.com',
    });
  });
});
