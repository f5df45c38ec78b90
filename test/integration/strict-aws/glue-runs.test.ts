// Rule (i): a Glue job run succeeds only if its role can do what the script does: be
// assumed by Glue, read the script and the source (through their KMS keys) and write the
// outputs. Otherwise it ends FAILED with an ErrorMessage. Create* on an existing name is
// AlreadyExistsException; UpdateJob / UpdateTrigger / UpdateCrawler work.
import {
  CreateCrawlerCommand,
  CreateJobCommand,
  CreateTriggerCommand,
  CreateWorkflowCommand,
  GetCrawlerCommand,
  GetJobCommand,
  GetJobRunCommand,
  GetTriggerCommand,
  StartJobRunCommand,
  UpdateCrawlerCommand,
  UpdateJobCommand,
  UpdateTriggerCommand,
} from '@aws-sdk/client-glue';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { expectAwsError, makeRole, policy, type Statement, trustedBy } from './fixtures.ts';

// Glue resources carry Seawall's names (seawall-…): the operator's policy covers only those.
describe('rule (i): Glue job runs', () => {
  let account: TestAccount;
  let bucket: string;
  let keyArn: string;

  beforeAll(async () => {
    account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
    bucket = uniqueName('strict-glue');
    const s3 = account.admin.clients.s3();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    keyArn =
      (await account.admin.clients.kms().send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: keyArn,
              },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'scripts/job.py', Body: 'print(1)' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/meters.csv', Body: 'a\n1\n' }));
  });

  const s3Access: Statement = {
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
    Resource: [`arn:aws:s3:::${'BUCKET'}`, `arn:aws:s3:::${'BUCKET'}/*`],
  };
  const withBucket = (s: Statement): Statement => ({
    ...s,
    Resource: (s.Resource as string[]).map((r) => r.replace('BUCKET', bucket)),
  });

  async function runJob(roleArn: string): Promise<{ state?: string; error?: string }> {
    const glue = account.operator.clients.glue();
    const name = uniqueName('seawall-dq');
    await glue.send(
      new CreateJobCommand({
        Name: name,
        Role: roleArn,
        Command: { Name: 'glueetl', ScriptLocation: `s3://${bucket}/scripts/job.py` },
        DefaultArguments: {
          '--seawall_source_bucket': bucket,
          '--seawall_source_prefix': 'raw/',
          '--seawall_results_bucket': bucket,
          '--seawall_results_prefix': 'results/',
        },
      }),
    );
    const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: name }));
    // moto's state manager moves the run on as it is read (immediately, by default). The
    // person looks (Seawall itself reads GetJobRuns).
    const { JobRun } = await account.admin.clients
      .glue()
      .send(new GetJobRunCommand({ JobName: name, RunId: JobRunId }));
    return { state: JobRun?.JobRunState, error: JobRun?.ErrorMessage };
  }

  it('a role Glue cannot assume: FAILED', async () => {
    const roleArn = await makeRole(account, uniqueName('not-glue'), {
      path: '/seawall/',
      trust: trustedBy('s3.amazonaws.com'),
      policy: policy(withBucket(s3Access)),
    });
    const run = await runJob(roleArn);
    expect(run.state).toBe('FAILED');
    expect(run.error).toMatch(
      /^Service is unable to assume provided role\. Please verify role's TrustPolicy \(the trust policy of role .* does not let glue\.amazonaws\.com assume it\)$/,
    );
  });

  it('a role without kms:Decrypt on the script’s key: FAILED, naming the action', async () => {
    const name = uniqueName('seawall-glue-no-kms');
    const roleArn = await makeRole(account, name, {
      path: '/seawall/',
      trust: trustedBy('glue.amazonaws.com'),
      policy: policy(withBucket(s3Access)),
    });
    const run = await runJob(roleArn);
    expect(run.state).toBe('FAILED');
    expect(run.error).toBe(
      `An error occurred while reading the script s3://${bucket}/scripts/job.py: User: arn:aws:sts::${account.accountId}:assumed-role/${name}/GlueJobRunnerSession is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)`,
    );
  });

  it('a role that may read and write through the key: SUCCEEDED', async () => {
    const roleArn = await makeRole(account, uniqueName('glue-ok'), {
      path: '/seawall/',
      trust: trustedBy('glue.amazonaws.com'),
      policy: policy(withBucket(s3Access), {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: keyArn,
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      }),
    });
    const run = await runJob(roleArn);
    expect(run).toEqual({ state: 'SUCCEEDED', error: undefined });
  });

  it('Create* on a name that exists: AlreadyExistsException (moto would overwrite)', async () => {
    const glue = account.operator.clients.glue();
    const name = uniqueName('seawall-taken');
    const role = `arn:aws:iam::${account.accountId}:role/seawall/whatever`;
    const job = () =>
      glue.send(
        new CreateJobCommand({
          Name: name,
          Role: role,
          Command: { Name: 'glueetl', ScriptLocation: 's3://x/a.py' },
        }),
      );
    await job();
    await expectAwsError(job(), {
      code: 'AlreadyExistsException',
      message: 'Job already exists.',
      status: 400,
    });
    const workflow = () => glue.send(new CreateWorkflowCommand({ Name: name }));
    await workflow();
    await expectAwsError(workflow(), {
      code: 'AlreadyExistsException',
      message: 'Workflow already exists.',
    });
    const trigger = () =>
      glue.send(
        new CreateTriggerCommand({ Name: name, Type: 'ON_DEMAND', Actions: [{ JobName: name }] }),
      );
    await trigger();
    await expectAwsError(trigger(), {
      code: 'AlreadyExistsException',
      message: 'Trigger already exists.',
    });
  });

  it('UpdateJob, UpdateTrigger and UpdateCrawler change the stored definition', async () => {
    const glue = account.operator.clients.glue();
    const name = uniqueName('seawall-updated');
    const glueRole = await makeRole(account, uniqueName('glue-role'), {
      path: '/seawall/',
      trust: trustedBy('glue.amazonaws.com'),
    });
    await glue.send(
      new CreateJobCommand({
        Name: name,
        Role: glueRole,
        Timeout: 30,
        Command: { Name: 'glueetl', ScriptLocation: 's3://x/a.py' },
      }),
    );
    await glue.send(
      new UpdateJobCommand({
        JobName: name,
        JobUpdate: {
          Role: glueRole,
          Timeout: 45,
          Command: { Name: 'glueetl', ScriptLocation: 's3://x/b.py' },
        },
      }),
    );
    expect((await glue.send(new GetJobCommand({ JobName: name }))).Job).toMatchObject({
      Timeout: 45,
      Command: { ScriptLocation: 's3://x/b.py' },
    });
    await glue.send(
      new CreateTriggerCommand({
        Name: name,
        Type: 'SCHEDULED',
        Schedule: 'cron(0 2 * * ? *)',
        Actions: [{ JobName: name }],
      }),
    );
    await glue.send(
      new UpdateTriggerCommand({ Name: name, TriggerUpdate: { Schedule: 'cron(0 3 * * ? *)' } }),
    );
    expect((await glue.send(new GetTriggerCommand({ Name: name }))).Trigger?.Schedule).toBe(
      'cron(0 3 * * ? *)',
    );
    await glue.send(
      new CreateCrawlerCommand({
        Name: name,
        Role: glueRole,
        DatabaseName: 'a',
        Targets: { S3Targets: [{ Path: `s3://${bucket}/a/` }] },
      }),
    );
    await glue.send(new UpdateCrawlerCommand({ Name: name, DatabaseName: 'b' }));
    expect((await glue.send(new GetCrawlerCommand({ Name: name }))).Crawler?.DatabaseName).toBe(
      'b',
    );
  });
});
