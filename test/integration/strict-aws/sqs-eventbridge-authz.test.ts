// Rule (h) for SQS and EventBridge: identity policies, queue policies (combined like bucket
// policies), the KMS calls SQS makes for the caller of an SSE-KMS queue, tags on create,
// passing a role to EventBridge. Errors as the AWS SDK surfaces them.
import {
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, DisableKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import { eventsOf, makeQueue, sqsOf } from './events-fixtures.ts';
import {
  expectAwsError,
  makeRole,
  notAuthorized,
  policy,
  roleSession,
  rootStatement,
  sessionOf,
} from './fixtures.ts';

describe('rule (h): SQS and EventBridge calls are authorized like the others', () => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { kmsVisibilitySeconds: 0 });
  });

  it('a role may send but not receive without sqs:ReceiveMessage; tagging a queue on create needs sqs:TagQueue', async () => {
    const queue = await makeQueue(account);
    const producer = await roleSession(account, uniqueName('producer'), {
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:CreateQueue'],
      Resource: '*',
    });
    const sqs = sqsOf(producer, account.endpoint);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' }));
    await expectAwsError(sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url })), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(producer.arn, 'sqs:ReceiveMessage', queue.arn),
    });
    const tagged = uniqueName('tagged');
    await expectAwsError(
      sqs.send(new CreateQueueCommand({ QueueName: tagged, tags: { team: 'data' } })),
      {
        code: 'AccessDenied',
        message: notAuthorized(
          producer.arn,
          'sqs:TagQueue',
          `arn:aws:sqs:us-east-1:${account.accountId}:${tagged}`,
        ),
      },
    );
    await sqs.send(new CreateQueueCommand({ QueueName: tagged }));
  });

  it('an SSE-KMS queue: sending needs kms:GenerateDataKey and kms:Decrypt (KmsAccessDenied), receiving kms:Decrypt; a disabled key is KmsDisabled', async () => {
    const kms = account.admin.clients.kms();
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ Policy: policy(rootStatement(account.accountId)) }),
    );
    const key = KeyMetadata?.Arn ?? '';
    const queue = await makeQueue(account, { attributes: { KmsMasterKeyId: key } });
    const sqsOnly = await roleSession(account, uniqueName('sqs-only'), {
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
      Resource: queue.arn,
    });
    const error = await expectAwsError(
      sqsOf(sqsOnly, account.endpoint).send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' }),
      ),
      {
        code: 'KmsAccessDenied',
        status: 400,
        message: new RegExp(
          `^${notAuthorized(sqsOnly.arn, 'kms:GenerateDataKey', key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: [0-9a-f-]+; Proxy: null\\)$`,
        ),
      },
    );
    expect((error as { Code?: string } | undefined)?.Code).toBe('KMS.AccessDeniedException');

    const withKms = await roleSession(
      account,
      uniqueName('with-kms'),
      { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: queue.arn },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: key,
        Condition: {
          StringEquals: {
            'kms:ViaService': 'sqs.us-east-1.amazonaws.com',
            'kms:EncryptionContext:aws:sqs:arn': queue.arn,
          },
        },
      },
    );
    const sqs = sqsOf(withKms, account.endpoint);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }));
    expect(Messages?.map((m) => m.Body)).toEqual(['x']);

    await kms.send(new DisableKeyCommand({ KeyId: key }));
    await expectAwsError(
      sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'y' })),
      { code: 'KmsDisabled', message: `${key} is disabled.` },
    );
  });

  it('a queue policy lets a role of another account send only if that role’s own policy allows it too', async () => {
    const other = await isolatedAccount();
    const queue = await makeQueue(account);
    const idleArn = await makeRole(other, uniqueName('idle'), {
      policy: policy({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
    });
    const senderArn = await makeRole(other, uniqueName('sender'), {
      policy: policy({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queue.arn }),
    });
    const send = async (roleArn: string) =>
      sqsOf(await sessionOf(other, roleArn), other.endpoint).send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'from the other account' }),
      );
    // No queue policy: nothing from another account.
    await expectAwsError(send(senderArn), {
      code: 'AccessDenied',
      message: /because no resource-based policy allows the sqs:SendMessage action$/,
    });
    await sqsOf(account.admin, account.endpoint).send(
      new SetQueueAttributesCommand({
        QueueUrl: queue.url,
        Attributes: {
          Policy: policy({
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${other.accountId}:root` },
            Action: 'sqs:SendMessage',
            Resource: queue.arn,
          }),
        },
      }),
    );
    await send(senderArn);
    await expectAwsError(send(idleArn), {
      code: 'AccessDenied',
      message: /because no identity-based policy allows the sqs:SendMessage action$/,
    });
  });

  it('EventBridge: PutRule with tags needs events:TagResource; a target role needs iam:PassRole to events.amazonaws.com; events:TargetArn can pin targets', async () => {
    const queue = await makeQueue(account);
    const targetRole = await makeRole(account, uniqueName('events-target'));
    const ruler = await roleSession(
      account,
      uniqueName('ruler'),
      { Effect: 'Allow', Action: ['events:PutRule', 'events:CreateEventBus'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'events:PutTargets',
        Resource: '*',
        Condition: { 'ForAllValues:ArnEquals': { 'events:TargetArn': [queue.arn] } },
      },
    );
    const events = eventsOf(ruler, account.endpoint);
    const name = uniqueName('rule');
    const ruleArn = `arn:aws:events:us-east-1:${account.accountId}:rule/${name}`;
    await expectAwsError(
      events.send(
        new PutRuleCommand({
          Name: name,
          EventPattern: '{"source":["x"]}',
          Tags: [{ Key: 'team', Value: 'data' }],
        }),
      ),
      {
        code: 'AccessDeniedException',
        status: 400,
        message: notAuthorized(ruler.arn, 'events:TagResource', ruleArn),
      },
    );
    await events.send(new PutRuleCommand({ Name: name, EventPattern: '{"source":["x"]}' }));
    await events.send(
      new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: queue.arn }] }),
    );
    await expectAwsError(
      events.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [{ Id: 'other', Arn: `arn:aws:sqs:us-east-1:${account.accountId}:elsewhere` }],
        }),
      ),
      {
        code: 'AccessDeniedException',
        message: notAuthorized(ruler.arn, 'events:PutTargets', ruleArn),
      },
    );
    await expectAwsError(
      events.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [{ Id: 'q', Arn: queue.arn, RoleArn: targetRole }],
        }),
      ),
      {
        code: 'AccessDeniedException',
        message: notAuthorized(ruler.arn, 'iam:PassRole', targetRole),
      },
    );
    await events.send(new CreateEventBusCommand({ Name: uniqueName('bus') }));
  });
});
