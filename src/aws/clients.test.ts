import { ListBucketsCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { CallLog } from './calls.ts';
import { AwsClients, PlanWriteBlockedError } from './clients.ts';

// Nothing listens on port 9 of loopback: a call that leaves the process fails to connect.
const endpoint = 'http://127.0.0.1:9';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('AwsClients readOnly', () => {
  it('refuses a write before it leaves the process, naming operation and resource', async () => {
    const log = new CallLog();
    const aws = new AwsClients({
      defaultRegion: 'ca-central-1',
      endpoint,
      credentials,
      readOnly: true,
      observers: [log.observer],
      maxAttempts: 1,
    });
    const write = aws.s3().send(
      new PutBucketVersioningCommand({
        Bucket: 'raw-data',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await expect(write).rejects.toBeInstanceOf(PlanWriteBlockedError);
    await expect(write).rejects.toMatchObject({
      service: 's3',
      operation: 'PutBucketVersioning',
      region: 'ca-central-1',
      resource: 'raw-data',
    });
    expect(aws.blockedWrites.map((e) => e.operation)).toEqual(['PutBucketVersioning']);
    // Never observed: it made no call.
    expect(log.calls).toEqual([]);
  });

  it('lets reads through', async () => {
    const log = new CallLog();
    const aws = new AwsClients({
      defaultRegion: 'ca-central-1',
      endpoint,
      credentials,
      readOnly: true,
      observers: [log.observer],
      maxAttempts: 1,
    });
    const read = aws.s3().send(new ListBucketsCommand({}));
    await expect(read).rejects.not.toBeInstanceOf(PlanWriteBlockedError);
    expect(log.calls.map((c) => c.operation)).toEqual(['ListBuckets']);
    expect(aws.blockedWrites).toEqual([]);
  });

  it('does not guard by default', async () => {
    const aws = new AwsClients({
      defaultRegion: 'ca-central-1',
      endpoint,
      credentials,
      maxAttempts: 1,
    });
    const write = aws.s3().send(
      new PutBucketVersioningCommand({
        Bucket: 'raw-data',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await expect(write).rejects.not.toBeInstanceOf(PlanWriteBlockedError);
  });
});
