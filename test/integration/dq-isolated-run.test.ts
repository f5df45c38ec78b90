// An isolated embedded run (a child process) that dies or is stopped ends as a FAILED
// results document saying why — also written under the results prefix — against moto S3.
import { beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedRunRequest, startIsolatedRun } from '../../src/dq/index.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';
import { createBucket, getText, putText } from './qualitypipeline-fixtures.ts';

describe('an isolated run that ends without its own document', () => {
  let account: TestAccount;
  let bucket: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    bucket = uniqueName('dq-iso');
    await createBucket(account.admin.clients.s3(), bucket);
    const rows = Array.from({ length: 400_000 }, (_, i) => `${i},row-${i}`).join('\n');
    await putText(account.admin.clients.s3(), bucket, 'in/data.csv', `id,name\n${rows}\n`);
  });

  const request = (runId: string): IsolatedRunRequest => ({
    options: {
      source: { bucket, prefix: 'in/', format: 'csv' },
      trusted: { bucket, prefix: 'trusted/' },
      quarantine: { bucket, prefix: 'quarantine/' },
      results: { bucket, prefix: 'results/' },
      rules: 'Rules = [ IsUnique "id", IsComplete "name" ]',
      runId,
    },
    s3: {
      region: 'us-east-1',
      endpoint: account.endpoint,
      credentials: account.operator.credentials,
    },
    limits: { memoryBytes: 1024 ** 3, timeoutMs: 600_000 },
  });

  it('is Failed with the signal when its process is killed, and its record is written', async () => {
    const run = startIsolatedRun(request('killed'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(run.pid!, 'SIGKILL');
    const document = await run.result;
    expect(document).toMatchObject({ status: 'FAILED', runId: 'killed', score: null });
    expect(document.error).toBe("the run's process ended unexpectedly (signal SIGKILL)");
    const record = JSON.parse(
      await getText(account.admin.clients.s3(), bucket, 'results/killed.json'),
    );
    expect(record).toEqual(document);
  });

  it('is Failed with the reason given when stopped', async () => {
    const run = startIsolatedRun(request('stopped'));
    run.stop('the operator is shutting down');
    const document = await run.result;
    expect(document).toMatchObject({ status: 'FAILED', error: 'the operator is shutting down' });
  });

  it('returns the run’s own document when it ends by itself', async () => {
    const document = await startIsolatedRun(request('whole')).result;
    expect(document).toMatchObject({
      status: 'SUCCEEDED',
      score: 1,
      rows: { processed: 400_000, passed: 400_000 },
    });
  });
});
