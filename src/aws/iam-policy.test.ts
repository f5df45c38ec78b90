import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { iamPolicy, sdkCalls } from './iam-policy.generated.ts';
import {
  buildPolicy,
  deniedCallHint,
  iamActionsFor,
  policyActions,
  renderGeneratedModule,
  scanSdkCalls,
  scanSource,
  withoutAction,
} from './iam-policy.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('IAM policy generated from the SDK calls in src/', () => {
  it('src/aws/iam-policy.generated.ts is up to date (run `npm run gen`)', () => {
    const expected = renderGeneratedModule(scanSdkCalls(join(root, 'src'), root));
    expect(readFileSync(join(root, 'src/aws/iam-policy.generated.ts'), 'utf8')).toBe(expected);
  });

  it('covers the calls every kind makes, and grants no wildcard action', () => {
    const actions = policyActions(iamPolicy);
    for (const a of ['s3:CreateBucket', 's3:ListBucket', 'kms:CreateKey', 'iam:CreateRole'])
      expect(actions).toContain(a);
    for (const a of actions) expect(a).toMatch(/^[a-z0-9]+:[A-Za-z0-9]+$/);
    expect(sdkCalls.every((c) => c.files.every((f) => !f.endsWith('.test.ts')))).toBe(true);
  });

  it("limits iam:PassRole to Seawall's roles and the services that are handed one", () => {
    const passRole = iamPolicy.Statement.find((s) => s.Action.includes('iam:PassRole'));
    expect(passRole?.Action).toEqual(['iam:PassRole']);
    expect(passRole?.Resource).toBe('arn:aws:iam::*:role/seawall/*');
    expect(passRole?.Condition?.StringEquals?.['iam:PassedToService']).toContain(
      's3.amazonaws.com',
    );
  });

  it.each([
    ['iam:CreateRole', 'arn:aws:iam::*:role/seawall/*', undefined],
    ['iam:PutRolePolicy', 'arn:aws:iam::*:role/seawall/*', undefined],
    ['kms:CreateKey', '*', { Null: { 'aws:RequestTag/seawall.dev/owner': ['false'] } }],
    [
      'kms:PutKeyPolicy',
      'arn:aws:kms:*:*:key/*',
      { Null: { 'aws:ResourceTag/seawall.dev/owner': ['false'] } },
    ],
    [
      'kms:ScheduleKeyDeletion',
      'arn:aws:kms:*:*:key/*',
      { Null: { 'aws:ResourceTag/seawall.dev/owner': ['false'] } },
    ],
    ['kms:DescribeKey', '*', undefined],
    ['glue:CreateJob', expect.arrayContaining(['arn:aws:glue:*:*:job/seawall-*']), undefined],
  ])('scopes %s to %j', (action, resource, condition) => {
    const statements = iamPolicy.Statement.filter((s) => s.Action.includes(action));
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Resource).toEqual(resource);
    expect(statements[0]?.Condition).toEqual(condition);
  });

  it('authorises an alias call on the alias and on the keys it names', () => {
    const statements = iamPolicy.Statement.filter((s) => s.Action.includes('kms:UpdateAlias'));
    expect(statements.map((s) => s.Resource)).toEqual([
      ['arn:aws:kms:*:*:alias/*', 'arn:aws:kms:*:*:key/*'],
    ]);
  });
});

describe('scanSource', () => {
  it('finds commands, aliases, paginators, namespace imports and lib-storage uploads', () => {
    const text = `
      import { type S3Client, HeadBucketCommand, GetBucketEncryptionCommand as GetEnc, paginateListObjectsV2 } from '@aws-sdk/client-s3';
      import type { CreateKeyCommand } from '@aws-sdk/client-kms';
      import * as iam from '@aws-sdk/client-iam';
      import { Upload } from '@aws-sdk/lib-storage';
      await s3.send(new HeadBucketCommand({ Bucket }));
      await s3.send(new GetEnc({ Bucket }));
      for await (const page of paginateListObjectsV2({ client }, {})) {}
      await client.send(new iam.GetRoleCommand({ RoleName }));
      const up = new Upload({ client, params });
      const k: CreateKeyCommand | undefined = undefined;`;
    const ops = scanSource(text, 'x.ts').map((c) => `${c.service}:${c.operation}`);
    expect(ops).toEqual(
      expect.arrayContaining([
        's3:HeadBucket',
        's3:GetBucketEncryption',
        's3:ListObjectsV2',
        'iam:GetRole',
        's3:PutObject',
        's3:CreateMultipartUpload',
        's3:AbortMultipartUpload',
      ]),
    );
    expect(ops).not.toContain('kms:CreateKey');
  });

  it('refuses a client it has no IAM prefix for', () => {
    expect(() => scanSource(`import { X } from '@aws-sdk/client-dynamodb';`, 'src/x.ts')).toThrow(
      /client-dynamodb/,
    );
  });
});

describe('operation → IAM action', () => {
  it.each([
    ['s3', 'HeadBucket', 's3:ListBucket'],
    ['s3', 'ListObjectsV2', 's3:ListBucket'],
    ['s3', 'ListObjectVersions', 's3:ListBucketVersions'],
    ['s3', 'HeadObject', 's3:GetObject'],
    ['s3', 'GetBucketEncryption', 's3:GetEncryptionConfiguration'],
    ['s3', 'PutBucketEncryption', 's3:PutEncryptionConfiguration'],
    ['s3', 'GetPublicAccessBlock', 's3:GetBucketPublicAccessBlock'],
    ['s3', 'PutPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
    ['s3', 'GetBucketReplication', 's3:GetReplicationConfiguration'],
    ['s3', 'PutBucketReplication', 's3:PutReplicationConfiguration'],
    ['s3', 'DeleteBucketReplication', 's3:PutReplicationConfiguration'],
    ['s3', 'GetBucketLifecycleConfiguration', 's3:GetLifecycleConfiguration'],
    ['s3', 'PutBucketLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
    ['s3', 'DeleteBucketLifecycle', 's3:PutLifecycleConfiguration'],
    ['s3', 'GetBucketOwnershipControls', 's3:GetBucketOwnershipControls'],
    ['s3', 'PutBucketVersioning', 's3:PutBucketVersioning'],
    ['kms', 'EnableKeyRotation', 'kms:EnableKeyRotation'],
    ['cloudtrail', 'StartLogging', 'cloudtrail:StartLogging'],
  ])('%s %s needs %s', (service, operation, action) => {
    expect(iamActionsFor(service, operation).actions).toContain(action);
  });

  it('asks for a human look-up of an S3 operation it does not know', () => {
    expect(() => iamActionsFor('s3', 'GetBucketIntelligentTieringConfiguration')).toThrow(
      /Service Authorization Reference/,
    );
  });

  it('adds iam:PassRole (with its service) for calls that hand over a role', () => {
    const policy = buildPolicy([
      { service: 's3', operation: 'PutBucketReplication', files: ['a.ts'] },
    ]);
    expect(policy.Statement.at(-1)).toMatchObject({
      Action: ['iam:PassRole'],
      Condition: { StringEquals: { 'iam:PassedToService': ['s3.amazonaws.com'] } },
    });
  });

  it('withoutAction drops one action and empty statements', () => {
    const policy = buildPolicy([{ service: 'kms', operation: 'CreateKey', files: [] }]);
    expect(policyActions(withoutAction(policy, 'kms:TagResource'))).toEqual(['kms:CreateKey']);
    expect(
      withoutAction(withoutAction(policy, 'kms:TagResource'), 'kms:CreateKey').Statement,
    ).toEqual([]);
  });
});

describe('deniedCallHint', () => {
  it('names the IAM action, which may differ from the operation', () => {
    expect(deniedCallHint('s3', 'HeadBucket')).toContain('s3:ListBucket');
    expect(deniedCallHint('s3', 'PutBucketReplication')).toContain(
      's3:PutReplicationConfiguration + iam:PassRole',
    );
    expect(deniedCallHint('kms', 'EnableKeyRotation')).toContain('kms:EnableKeyRotation');
  });
});
