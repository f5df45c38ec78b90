import { describe, expect, it } from 'vitest';
import { crossAccountReplicationStatement, replicationPolicy } from '../iam/replication-role.ts';
import {
  projectReplication,
  replicationConfiguration,
  replicationRule,
  validateReplication,
} from './replication.ts';

const settings = {
  roleArn: 'arn:aws:iam::111111111111:role/seawall/seawall-replication-raw',
  destinationBucketArn: 'arn:aws:s3:::vault',
  replicaKmsKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/k',
  storageClass: 'STANDARD',
  deleteMarkerReplication: true,
  replicationTimeControl: false,
};

describe('replication into another account', () => {
  it('names the destination account and hands replicas to it', () => {
    const rule = replicationRule({ ...settings, destinationAccount: '222222222222' });
    expect(rule.Destination).toMatchObject({
      Account: '222222222222',
      AccessControlTranslation: { Owner: 'Destination' },
    });
    const state = projectReplication(
      replicationConfiguration({ ...settings, destinationAccount: '222222222222' }),
    );
    expect(state).toMatchObject({
      DestinationAccount: '222222222222',
      ReplicaOwner: 'Destination',
    });
  });

  it('the same account: neither field (and so no drift on existing rules)', () => {
    const state = projectReplication(replicationConfiguration(settings));
    expect(state.DestinationAccount).toBeUndefined();
    expect(state.ReplicaOwner).toBeUndefined();
  });

  it('refuses an owner override without the account', () => {
    const config = replicationConfiguration(settings);
    const rule = config.Rules?.[0];
    if (rule?.Destination) rule.Destination.AccessControlTranslation = { Owner: 'Destination' };
    expect(validateReplication(config)).toEqual([
      'rule seawall-backup: AccessControlTranslation needs Destination.Account',
    ]);
  });

  it('the role may override ownership only when asked; the bucket statement names exactly the role', () => {
    const endpoints = {
      sourceBucket: 'raw',
      sourceRegion: 'ca-central-1',
      sourceKeyArn: 'arn:aws:kms:ca-central-1:111111111111:key/s',
      destinationBucket: 'vault',
      destinationRegion: 'us-east-1',
      destinationKeyArn: settings.replicaKmsKeyArn,
    };
    const actions = (ownerOverride: boolean) =>
      replicationPolicy({ ...endpoints, ownerOverride }).Statement.find(
        (s) => s.Sid === 'DestinationObjects',
      )?.Action;
    expect(actions(true)).toContain('s3:ObjectOwnerOverrideToBucketOwner');
    expect(actions(false)).not.toContain('s3:ObjectOwnerOverrideToBucketOwner');
    expect(crossAccountReplicationStatement(settings.roleArn, 'vault')).toEqual({
      Sid: 'SeawallCrossAccountReplication',
      Effect: 'Allow',
      Principal: { AWS: settings.roleArn },
      Action: [
        's3:ReplicateObject',
        's3:ReplicateDelete',
        's3:ReplicateTags',
        's3:ObjectOwnerOverrideToBucketOwner',
      ],
      Resource: 'arn:aws:s3:::vault/*',
    });
  });
});
