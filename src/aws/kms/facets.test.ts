import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  ListKeysCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { AwaitingPropagationError } from '../../runtime/errors.ts';
import { type CreateJournal, ensure } from '../lifecycle.ts';
import { OWNER_TAG } from '../ownership.ts';
import { KEY_ALIAS_TAG, keyTags, kmsKey } from './key.ts';
import {
  accountRootStatement,
  desiredKeyPolicy,
  diffKeyPolicy,
  mergeKeyPolicy,
} from './key-policy.ts';
import { diffRotation } from './rotation.ts';

describe('diffRotation', () => {
  it.each([
    [{ Enabled: true, PeriodInDays: 365 }, { Enabled: true, PeriodInDays: 365 }, []],
    [
      { Enabled: true, PeriodInDays: 365 },
      { Enabled: false, PeriodInDays: undefined },
      ['KeyRotationEnabled'],
    ],
    [
      { Enabled: true, PeriodInDays: 365 },
      { Enabled: true, PeriodInDays: 90 },
      ['RotationPeriodInDays'],
    ],
    // moto reports no period: nothing to compare, not drift.
    [{ Enabled: true, PeriodInDays: 365 }, { Enabled: true, PeriodInDays: undefined }, []],
    [
      { Enabled: false, PeriodInDays: undefined },
      { Enabled: true, PeriodInDays: 365 },
      ['KeyRotationEnabled'],
    ],
  ] as const)('%j vs %j', (desired, observed, fields) => {
    expect(diffRotation(desired, observed).map((d) => d.field)).toEqual(fields);
  });
});

describe('key policy', () => {
  const grant = {
    Sid: 'SeawallReplicationDecrypt',
    Effect: 'Allow' as const,
    Principal: { AWS: 'arn:aws:iam::1:role/r' },
    Action: 'kms:Decrypt',
    Resource: '*',
  };
  const desired = desiredKeyPolicy({ accountId: '111111111111', grants: [grant] });
  it('always keeps the account-root statement', () => {
    expect(desired.statements[0]).toEqual(accountRootStatement('111111111111'));
  });
  it.each([
    ['exactly ours', [accountRootStatement('111111111111'), grant], 0],
    [
      'ours reordered plus a person’s',
      [{ Sid: 'Person', Effect: 'Allow' as const }, grant, accountRootStatement('111111111111')],
      0,
    ],
    ['the grant missing', [accountRootStatement('111111111111')], 1],
    [
      'the AWS default only',
      [{ ...accountRootStatement('111111111111'), Sid: 'Enable IAM User Permissions' }],
      1,
    ],
  ])('%s → %i diff(s)', (_, statements, count) => {
    expect(
      diffKeyPolicy(desired, { document: { Version: '2012-10-17', Statement: statements } }),
    ).toHaveLength(count);
  });
  it('merge puts ours first and keeps others', () => {
    const person = { Sid: 'Person', Effect: 'Allow' as const };
    expect(
      mergeKeyPolicy({ Version: '2012-10-17', Statement: [person] }, desired.statements).Statement,
    ).toEqual([...desired.statements, person]);
  });
});

describe('the KMS key lifecycle never makes a second key', () => {
  const target = (kms: KMSClient) => ({
    kms,
    region: 'ca-central-1',
    alias: 'alias/seawall/b',
    owner: 'ns/ProtectedBucket/b',
  });
  const owner = 'ns/ProtectedBucket/b';
  const ensureKey = (
    t: ReturnType<typeof target>,
    o: {
      description: string;
      interrupted?: boolean;
      tags?: Record<string, string>;
      journal?: CreateJournal;
    },
  ) =>
    ensure(
      kmsKey,
      { ...t, description: o.description, interrupted: o.interrupted },
      {
        owner,
        tags: keyTags(o.tags, owner, t.alias),
        mode: 'converge',
        ...(o.journal ? { journal: o.journal } : {}),
      },
    );
  const notFound = () => Object.assign(new Error('not found'), { name: 'NotFoundException' });

  it('an interrupted create (journalled, no id): the tagged key is found and aliased, nothing created', async () => {
    const mock = mockClient(KMSClient);
    mock.on(DescribeKeyCommand, { KeyId: 'alias/seawall/b' }).rejects(notFound());
    mock.on(ListKeysCommand).resolves({ Keys: [{ KeyId: 'stranger' }, { KeyId: 'orphan' }] });
    mock.on(ListResourceTagsCommand, { KeyId: 'stranger' }).resolves({ Tags: [] });
    mock.on(ListResourceTagsCommand, { KeyId: 'orphan' }).resolves({
      Tags: [
        { TagKey: OWNER_TAG, TagValue: 'ns/ProtectedBucket/b' },
        { TagKey: KEY_ALIAS_TAG, TagValue: 'alias/seawall/b' },
      ],
    });
    mock.on(DescribeKeyCommand, { KeyId: 'orphan' }).resolves({
      KeyMetadata: {
        KeyId: 'orphan',
        Arn: 'arn:aws:kms:ca-central-1:1:key/orphan',
        KeyState: 'Enabled',
      },
    });
    mock.on(CreateAliasCommand).resolves({});
    const result = await ensureKey(target(new KMSClient({ region: 'ca-central-1' })), {
      description: 'd',
      interrupted: true,
    });
    expect(result.state === 'created' && result.found.metadata.KeyId).toBe('orphan');
    expect(mock.commandCalls(CreateKeyCommand)).toHaveLength(0);
    expect(mock.commandCalls(CreateAliasCommand)[0]?.args[0].input).toEqual({
      AliasName: 'alias/seawall/b',
      TargetKeyId: 'orphan',
    });
    mock.restore();
  });

  it('a listed key that is not readable yet is not skipped: wait, never make a second key', async () => {
    const mock = mockClient(KMSClient);
    mock.on(DescribeKeyCommand).rejects(notFound());
    mock.on(ListKeysCommand).resolves({ Keys: [{ KeyId: 'just-made' }] });
    mock.on(ListResourceTagsCommand).rejects(notFound());
    await expect(
      ensureKey(target(new KMSClient({ region: 'ca-central-1' })), {
        description: 'd',
        interrupted: true,
      }),
    ).rejects.toBeInstanceOf(AwaitingPropagationError);
    expect(mock.commandCalls(CreateKeyCommand)).toHaveLength(0);
    mock.restore();
  });

  it('a first create (no journal entry) never reads the whole key list', async () => {
    const mock = mockClient(KMSClient);
    mock.on(DescribeKeyCommand).rejects(notFound());
    mock
      .on(CreateKeyCommand)
      .resolves({ KeyMetadata: { KeyId: 'new', Arn: 'arn:aws:kms:ca-central-1:1:key/new' } });
    mock.on(CreateAliasCommand).resolves({});
    const journal: string[] = [];
    await ensureKey(target(new KMSClient({ region: 'ca-central-1' })), {
      description: 'd',
      journal: {
        beforeCreate: async () => {
          journal.push('intent');
        },
        created: (arn: string) => {
          journal.push(arn);
        },
      },
    });
    expect(mock.commandCalls(ListKeysCommand)).toHaveLength(0);
    expect(mock.commandCalls(ListResourceTagsCommand)).toHaveLength(0);
    // The intent is on record before CreateKey, the id as soon as it returns.
    expect(journal).toEqual(['intent', 'arn:aws:kms:ca-central-1:1:key/new']);
    mock.restore();
  });

  it('nothing found: CreateKey carries the owner and alias tags before the alias exists', async () => {
    const mock = mockClient(KMSClient);
    mock.on(DescribeKeyCommand).rejects(notFound());
    mock.on(ListKeysCommand).resolves({ Keys: [] });
    mock
      .on(CreateKeyCommand)
      .resolves({ KeyMetadata: { KeyId: 'new', Arn: 'arn:aws:kms:ca-central-1:1:key/new' } });
    mock.on(CreateAliasCommand).resolves({});
    await ensureKey(target(new KMSClient({ region: 'ca-central-1' })), {
      description: 'd',
      tags: { team: 'x' },
    });
    const input = mock.commandCalls(CreateKeyCommand)[0]?.args[0].input;
    expect(input?.KeySpec).toBe('SYMMETRIC_DEFAULT');
    expect(input?.Tags).toEqual(
      expect.arrayContaining([
        { TagKey: OWNER_TAG, TagValue: 'ns/ProtectedBucket/b' },
        { TagKey: KEY_ALIAS_TAG, TagValue: 'alias/seawall/b' },
        { TagKey: 'team', TagValue: 'x' },
      ]),
    );
    mock.restore();
  });
});
