// SetQueueAttributes changes only the attributes it names (docs/local-aws.md, SQS):
// moto replaced the queue policy with whatever the call carried, so setting only the
// visibility timeout deleted the policy — and every EventBridge delivery failed after it.
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { eventBridgeMaySend, makeQueue, sqsOf } from './events-fixtures.ts';
import { policy } from './fixtures.ts';

describe('SQS SetQueueAttributes', () => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await isolatedAccount();
  });

  it('keeps the queue policy when the call sets other attributes only', async () => {
    const arn = `arn:aws:sqs:us-east-1:${account.accountId}:kept-policy`;
    const queuePolicy = policy(
      eventBridgeMaySend(arn, `arn:aws:events:us-east-1:${account.accountId}:rule/r`),
    );
    const queue = await makeQueue(account, {
      name: 'kept-policy',
      attributes: { Policy: queuePolicy },
    });
    const sqs = sqsOf(account.admin, account.endpoint);
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queue.url,
        Attributes: { VisibilityTimeout: '5' },
      }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('5');
    expect(JSON.parse(Attributes?.Policy ?? '{}')).toEqual(JSON.parse(queuePolicy));
  });
});
