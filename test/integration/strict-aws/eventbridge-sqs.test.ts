// Rule (m), the delivery side: EventBridge sends to an SQS queue only what the queue policy
// lets the rule send (events.amazonaws.com, aws:SourceArn = the rule), and to an SSE-KMS
// queue only when the key policy lets events.amazonaws.com use the key; what it cannot
// deliver goes to the target's dead-letter queue with EventBridge's attributes, or is lost.
// SQS's own redrive (RedrivePolicy maxReceiveCount) moves a message received too often.
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import {
  drainQueue,
  eventBridgeMaySend,
  eventsOf,
  makeQueue,
  queueForRule,
  ruleArnOf,
  ruleTo,
  settleEvents,
  sqsOf,
} from './events-fixtures.ts';
import { policy, rootStatement } from './fixtures.ts';

const SOURCE = 'city.platform';

async function put(account: TestAccount, detail: Record<string, unknown>, region = 'us-east-1') {
  const out = await eventsOf(account.admin, account.endpoint, region).send(
    new PutEventsCommand({
      Entries: [{ Source: SOURCE, DetailType: 'Drift test', Detail: JSON.stringify(detail) }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

async function deliveriesOf(account: TestAccount, ruleArn: string) {
  // PutEvents is delivered synchronously; the control API records CloudTrail events only,
  // so the outcome is read from the queues and the rule's metrics.
  const stats = async (metric: string) => {
    const out = await account.admin.clients.cloudwatch().send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Events',
        MetricName: metric,
        Dimensions: [{ Name: 'RuleName', Value: ruleArn.split('/').pop() }],
        StartTime: new Date(Date.now() - 600_000),
        EndTime: new Date(Date.now() + 60_000),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    return (out.Datapoints ?? []).reduce((sum, d) => sum + (d.Sum ?? 0), 0);
  };
  return {
    invocations: await stats('Invocations'),
    failed: await stats('FailedInvocations'),
    toDlq: await stats('InvocationsSentToDLQ'),
  };
}

describe('rule (m): EventBridge to SQS, as the queue and key policies allow', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
  });

  it('a queue whose policy does not let the rule send gets nothing (no policy, or one for another rule)', async () => {
    const bare = await makeQueue(account);
    const name = uniqueName('rule');
    const forOther = await queueForRule(account, uniqueName('other-rule'));
    const good = await queueForRule(account, name);
    const ruleArn = await ruleTo(account, {
      name,
      pattern: { source: [SOURCE] },
      target: bare.arn,
    });
    const events = eventsOf(account.admin, account.endpoint);
    const { PutTargetsCommand } = await import('@aws-sdk/client-eventbridge');
    await events.send(
      new PutTargetsCommand({
        Rule: name,
        Targets: [
          { Id: 'other', Arn: forOther.arn },
          { Id: 'good', Arn: good.arn },
        ],
      }),
    );
    await put(account, { n: 1 });
    expect(await drainQueue(account, bare)).toEqual([]);
    expect(await drainQueue(account, forOther)).toEqual([]);
    expect((await drainQueue(account, good)).map((m) => JSON.parse(m.body).detail)).toEqual([
      { n: 1 },
    ]);
    expect(await deliveriesOf(account, ruleArn)).toEqual({ invocations: 3, failed: 2, toDlq: 0 });
  });

  it('an SSE-KMS queue whose key policy forgets events.amazonaws.com gets nothing; the event goes to the dead-letter queue; once the key policy lets EventBridge, it arrives', async () => {
    const kms = account.admin.clients.kms();
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ Policy: policy(rootStatement(account.accountId)) }),
    );
    const name = uniqueName('rule');
    const encrypted = await queueForRule(account, name, {
      attributes: { KmsMasterKeyId: KeyMetadata?.Arn ?? '' },
    });
    const dlq = await queueForRule(account, name);
    const ruleArn = await ruleTo(account, {
      name,
      pattern: { source: [SOURCE] },
      target: { Arn: encrypted.arn, DeadLetterConfig: { Arn: dlq.arn } },
    });
    await put(account, { n: 1 });
    expect(await drainQueue(account, encrypted)).toEqual([]);
    const dead = await drainQueue(account, dlq);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]?.body ?? '{}').detail).toEqual({ n: 1 });
    expect(dead[0]?.attributes).toMatchObject({
      RULE_ARN: ruleArn,
      TARGET_ARN: encrypted.arn,
      ERROR_CODE: 'NO_PERMISSIONS',
    });
    expect(dead[0]?.attributes.ERROR_MESSAGE).toContain(
      `events.amazonaws.com is not authorized to perform: kms:GenerateDataKey on resource: ${KeyMetadata?.Arn}`,
    );

    await kms.send(
      new PutKeyPolicyCommand({
        KeyId: KeyMetadata?.KeyId,
        PolicyName: 'default',
        Policy: policy(rootStatement(account.accountId), {
          Sid: 'EventBridgeUsesTheKey',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
        }),
      }),
    );
    await put(account, { n: 2 });
    expect((await drainQueue(account, encrypted)).map((m) => JSON.parse(m.body).detail)).toEqual([
      { n: 2 },
    ]);
    expect(await drainQueue(account, dlq)).toEqual([]);
    expect(await deliveriesOf(account, ruleArn)).toEqual({ invocations: 2, failed: 1, toDlq: 1 });
  });

  it('a queue on the AWS managed key (alias/aws/sqs) never receives from EventBridge', async () => {
    const name = uniqueName('rule');
    const managed = await queueForRule(account, name, {
      attributes: { KmsMasterKeyId: 'alias/aws/sqs' },
    });
    await ruleTo(account, { name, pattern: { source: [SOURCE] }, target: managed.arn });
    await put(account, { n: 1 });
    expect(await drainQueue(account, managed)).toEqual([]);
    // The person, though, may use the queue: the AWS managed key lets the account.
    const sqs = sqsOf(account.admin, account.endpoint);
    await sqs.send(new SendMessageCommand({ QueueUrl: managed.url, MessageBody: 'by hand' }));
    expect((await drainQueue(account, managed)).map((m) => m.body)).toEqual(['by hand']);
  });

  it('a queue of another account receives once its policy lets the rule send', async () => {
    const other = await isolatedAccount();
    const name = uniqueName('rule');
    const queueName = uniqueName('backup-events');
    const queueArn = `arn:aws:sqs:us-east-1:${other.accountId}:${queueName}`;
    const queue = await makeQueue(other, {
      name: queueName,
      attributes: { Policy: policy(eventBridgeMaySend(queueArn, ruleArnOf(account, name))) },
    });
    await ruleTo(account, { name, pattern: { source: [SOURCE] }, target: queue.arn });
    await put(account, { n: 1 });
    const got = await drainQueue(other, queue);
    expect(got.map((m) => JSON.parse(m.body))).toEqual([
      expect.objectContaining({ account: account.accountId, detail: { n: 1 } }),
    ]);
  });

  it('InputPath and Input shape the body; a FIFO queue needs content-based deduplication', async () => {
    const name = uniqueName('rule');
    const path = await queueForRule(account, name);
    const constant = await queueForRule(account, name);
    const fifoName = `${uniqueName('events')}.fifo`;
    const fifoArn = `arn:aws:sqs:us-east-1:${account.accountId}:${fifoName}`;
    const fifo = await makeQueue(account, {
      name: fifoName,
      attributes: {
        FifoQueue: 'true',
        Policy: policy(eventBridgeMaySend(fifoArn, ruleArnOf(account, name))),
      },
    });
    await ruleTo(account, {
      name,
      pattern: { source: [SOURCE] },
      target: { Arn: path.arn, InputPath: '$.detail' },
    });
    const { PutTargetsCommand } = await import('@aws-sdk/client-eventbridge');
    await eventsOf(account.admin, account.endpoint).send(
      new PutTargetsCommand({
        Rule: name,
        Targets: [
          { Id: 'constant', Arn: constant.arn, Input: '{"check":"now"}' },
          { Id: 'fifo', Arn: fifo.arn, SqsParameters: { MessageGroupId: 'g' } },
        ],
      }),
    );
    await put(account, { bucket: 'b' });
    expect((await drainQueue(account, path)).map((m) => m.body)).toEqual(['{"bucket": "b"}']);
    expect((await drainQueue(account, constant)).map((m) => m.body)).toEqual(['{"check":"now"}']);
    expect(await drainQueue(account, fifo)).toEqual([]);
  });

  it('SQS moves a message received maxReceiveCount times to the queue’s dead-letter queue', async () => {
    const dlq = await makeQueue(account);
    const queue = await makeQueue(account, {
      attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
      },
    });
    const sqs = sqsOf(account.admin, account.endpoint);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'poison' }));
    const receive = () =>
      sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
    // Received and never deleted (a consumer that fails on it), twice.
    const counts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { Messages } = await receive();
      counts.push(Messages?.[0]?.Attributes?.ApproximateReceiveCount ?? 'none');
    }
    expect(counts).toEqual(['1', '2']);
    expect((await receive()).Messages ?? []).toEqual([]);
    expect((await drainQueue(account, dlq)).map((m) => m.body)).toEqual(['poison']);
  });

  it('CloudTrail events take the same path: an undeliverable one is in the control API with its reason', async () => {
    const { loggingTrail } = await import('./events-fixtures.ts');
    const fresh = await isolatedAccount();
    await fresh.strict.configureAccount(fresh.accountId, { eventDeliverySeconds: 0.1 });
    await loggingTrail(fresh);
    const bare = await makeQueue(fresh);
    const ruleArn = await ruleTo(fresh, {
      pattern: { source: ['aws.sqs'] },
      target: bare.arn,
    });
    await makeQueue(fresh);
    await settleEvents(fresh);
    const [created] = await fresh.strict.events(fresh.accountId, { eventName: 'CreateQueue' });
    const last = (await fresh.strict.events(fresh.accountId, { eventName: 'CreateQueue' })).at(-1);
    expect(created).toBeDefined();
    expect(last?.deliveries).toEqual([
      expect.objectContaining({
        rule: ruleArn,
        target: bare.arn,
        status: 'failed',
        errorCode: 'NO_PERMISSIONS',
        reason: expect.stringContaining(
          `User: events.amazonaws.com is not authorized to perform: sqs:SendMessage on resource: ${bare.arn}`,
        ),
      }),
    ]);
    expect(await drainQueue(fresh, bare)).toEqual([]);
  });
});
