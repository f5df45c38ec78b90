// Rule (n): S3 Object Lock. A version under retention cannot be deleted by version id:
// GOVERNANCE gives way only to the bypass header from a caller allowed
// s3:BypassGovernanceRetention; COMPLIANCE and legal holds never, not even for the
// account's administrator. Retention can be lengthened, not shortened. Versioning cannot be
// suspended once Object Lock is on; Object Lock can be turned on for an existing versioned
// bucket; a bucket holding locked versions cannot be emptied.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyBucket, isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, notAuthorized, roleSession } from './fixtures.ts';

const PROTECTED = {
  code: 'AccessDenied',
  status: 403,
  message: 'Access Denied because object protected by object lock.',
};

const days = (n: number) => new Date(Date.now() + n * 86_400_000);

describe('rule (n): S3 Object Lock', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
  });

  const s3 = () => account.admin.clients.s3();

  async function lockedBucket(mode: 'GOVERNANCE' | 'COMPLIANCE' | null): Promise<string> {
    const bucket = uniqueName('strict-lock');
    await s3().send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    if (mode) {
      await s3().send(
        new PutObjectLockConfigurationCommand({
          Bucket: bucket,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: mode, Days: 1 } },
          },
        }),
      );
    }
    return bucket;
  }

  async function put(bucket: string, key = 'raw/a.csv'): Promise<string> {
    const out = await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'a,b\n' }));
    return out.VersionId ?? '';
  }

  it('GOVERNANCE: a version is kept unless the caller may bypass and says so', async () => {
    const bucket = await lockedBucket('GOVERNANCE');
    const version = await put(bucket);
    const head = await s3().send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'raw/a.csv', VersionId: version }),
    );
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    expect(head.ObjectLockRetainUntilDate?.getTime()).toBeGreaterThan(Date.now());

    await expectAwsError(
      s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'raw/a.csv', VersionId: version })),
      PROTECTED,
    );
    const cleaner = await roleSession(account, uniqueName('cleaner'), {
      Effect: 'Allow',
      Action: ['s3:DeleteObjectVersion', 's3:DeleteObject'],
      Resource: `arn:aws:s3:::${bucket}/*`,
    });
    await expectAwsError(
      cleaner.clients.s3().send(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: 'raw/a.csv',
          VersionId: version,
          BypassGovernanceRetention: true,
        }),
      ),
      PROTECTED,
    );
    // A delete marker is not a deletion: it is allowed, and the version stays.
    await cleaner.clients.s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'raw/a.csv' }));
    const again = await s3().send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'raw/a.csv', VersionId: version }),
    );
    expect(again.VersionId).toBe(version);

    await s3().send(
      new DeleteObjectCommand({
        Bucket: bucket,
        Key: 'raw/a.csv',
        VersionId: version,
        BypassGovernanceRetention: true,
      }),
    );
  });

  it('GOVERNANCE in a batch: the bypass header counts only with s3:BypassGovernanceRetention', async () => {
    const bucket = await lockedBucket('GOVERNANCE');
    const version = await put(bucket);
    const batch = (client: ReturnType<typeof s3>) =>
      client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          BypassGovernanceRetention: true,
          Delete: { Objects: [{ Key: 'raw/a.csv', VersionId: version }] },
        }),
      );
    const cleaner = await roleSession(account, uniqueName('cleaner'), {
      Effect: 'Allow',
      Action: ['s3:DeleteObjectVersion', 's3:DeleteObject'],
      Resource: `arn:aws:s3:::${bucket}/*`,
    });
    const refused = await batch(cleaner.clients.s3());
    expect(refused.Deleted ?? []).toEqual([]);
    expect(refused.Errors?.map((e) => e.Code)).toEqual(['AccessDenied']);
    const bypasser = await roleSession(account, uniqueName('bypasser'), {
      Effect: 'Allow',
      Action: ['s3:DeleteObjectVersion', 's3:DeleteObject', 's3:BypassGovernanceRetention'],
      Resource: `arn:aws:s3:::${bucket}/*`,
    });
    const done = await batch(bypasser.clients.s3());
    expect(done.Deleted?.map((d) => d.VersionId)).toEqual([version]);
  });

  it('COMPLIANCE and legal holds: nobody deletes, not even the administrator with the bypass; retention lengthens, never shortens', async () => {
    const bucket = await lockedBucket('COMPLIANCE');
    const version = await put(bucket);
    await expectAwsError(
      s3().send(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: 'raw/a.csv',
          VersionId: version,
          BypassGovernanceRetention: true,
        }),
      ),
      PROTECTED,
    );
    const retention = (mode: 'GOVERNANCE' | 'COMPLIANCE', until: Date) =>
      s3().send(
        new PutObjectRetentionCommand({
          Bucket: bucket,
          Key: 'raw/a.csv',
          VersionId: version,
          BypassGovernanceRetention: true,
          Retention: { Mode: mode, RetainUntilDate: until },
        }),
      );
    await expectAwsError(retention('COMPLIANCE', new Date(Date.now() + 60_000)), PROTECTED);
    await expectAwsError(retention('GOVERNANCE', days(30)), PROTECTED);
    await retention('COMPLIANCE', days(30));
    const head = await s3().send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'raw/a.csv', VersionId: version }),
    );
    expect(head.ObjectLockRetainUntilDate?.getTime()).toBeGreaterThan(days(29).getTime());

    const unlocked = await lockedBucket(null);
    const held = await put(unlocked);
    await s3().send(
      new PutObjectLegalHoldCommand({
        Bucket: unlocked,
        Key: 'raw/a.csv',
        VersionId: held,
        LegalHold: { Status: 'ON' },
      }),
    );
    await expectAwsError(
      s3().send(
        new DeleteObjectCommand({
          Bucket: unlocked,
          Key: 'raw/a.csv',
          VersionId: held,
          BypassGovernanceRetention: true,
        }),
      ),
      PROTECTED,
    );
  });

  it('a bucket holding locked versions cannot be emptied or deleted; versioning cannot be suspended', async () => {
    const bucket = await lockedBucket('COMPLIANCE');
    await put(bucket);
    await expectAwsError(emptyBucket(s3(), bucket), PROTECTED);
    await expectAwsError(s3().send(new DeleteBucketCommand({ Bucket: bucket })), {
      code: 'BucketNotEmpty',
      status: 409,
    });
    await expectAwsError(
      s3().send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: 'Suspended' },
        }),
      ),
      {
        code: 'InvalidBucketState',
        status: 409,
        message:
          'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
      },
    );
  });

  it('Object Lock can be turned on for a versioned bucket that holds objects: they stay unlocked, new versions take the default retention', async () => {
    const bucket = uniqueName('strict-lock-later');
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const before = await put(bucket, 'old.csv');
    await s3().send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
        },
      }),
    );
    // Read back as written: the period given (Days), not the other one as 0.
    const read = await s3().send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    expect(read.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
    });
    const after = await put(bucket, 'new.csv');
    await expectAwsError(
      s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'new.csv', VersionId: after })),
      PROTECTED,
    );
    // GetObjectRetention: the new version's retention; the old one never had any.
    const retention = await s3().send(
      new GetObjectRetentionCommand({ Bucket: bucket, Key: 'new.csv', VersionId: after }),
    );
    expect(retention.Retention?.Mode).toBe('COMPLIANCE');
    expect(retention.Retention?.RetainUntilDate?.getTime()).toBeGreaterThan(Date.now());
    await expectAwsError(
      s3().send(
        new GetObjectRetentionCommand({ Bucket: bucket, Key: 'old.csv', VersionId: before }),
      ),
      { code: 'NoSuchObjectLockConfiguration', status: 404 },
    );
    await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'old.csv', VersionId: before }));
  });

  it('a bucket with Object Lock needs s3:PutBucketObjectLockConfiguration and s3:PutBucketVersioning; lock headers need s3:PutObjectRetention', async () => {
    const creator = await roleSession(account, uniqueName('creator'), {
      Effect: 'Allow',
      Action: ['s3:CreateBucket', 's3:PutObject'],
      Resource: '*',
    });
    const bucket = uniqueName('strict-lock-role');
    await expectAwsError(
      creator.clients
        .s3()
        .send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true })),
      {
        code: 'AccessDenied',
        message: notAuthorized(
          creator.arn,
          's3:PutBucketObjectLockConfiguration',
          `"arn:aws:s3:::${bucket}"`,
        ),
      },
    );
    const locked = await lockedBucket(null);
    await expectAwsError(
      creator.clients.s3().send(
        new PutObjectCommand({
          Bucket: locked,
          Key: 'a',
          Body: 'x',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: days(1),
        }),
      ),
      {
        code: 'AccessDenied',
        message: notAuthorized(creator.arn, 's3:PutObjectRetention', `"arn:aws:s3:::${locked}/a"`),
      },
    );
  });
});
