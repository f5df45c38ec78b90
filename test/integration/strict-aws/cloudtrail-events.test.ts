// CloudTrail to EventBridge (docs/local-aws.md, rule m): a mutating call that a logging trail
// of the account records becomes an "AWS API Call via CloudTrail" event on the default bus
// of the call's region (us-east-1 for IAM), shaped as CloudTrail records it; rules deliver it
// to SQS. No trail, a stopped trail, a trail of another region, emission switched off or a
// dropped delivery: no event.
import { DescribeTrailsCommand, PutEventSelectorsCommand } from '@aws-sdk/client-cloudtrail';
import { PutEventsCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedAccount, type TestAccount } from '../../harness/aws.ts';
import { uniqueName } from '../../harness/kube.ts';
import {
  drainQueue,
  eventsIn,
  eventsOf,
  loggingTrail,
  type Queue,
  queueForRule,
  ruleTo,
  settleEvents,
  startLogging,
  stopLogging,
} from './events-fixtures.ts';
import { expectAwsError, policy, rootStatement } from './fixtures.ts';

const S3_CALLS = { source: ['aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'] };

async function bucketOf(account: TestAccount, region = 'us-east-1'): Promise<string> {
  const bucket = uniqueName('strict-events');
  await account.admin.clients.s3(region).send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );
  return bucket;
}

async function versionBucket(account: TestAccount, bucket: string, region = 'us-east-1') {
  await account.admin.clients.s3(region).send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
}

describe('rule (m): CloudTrail events on EventBridge, delivered to SQS', () => {
  describe('with a logging multi-region trail', () => {
    let account: TestAccount;
    let trail: string;

    beforeAll(async () => {
      account = await isolatedAccount();
      await account.strict.configureAccount(account.accountId, {
        eventDeliverySeconds: 0.1,
        kmsVisibilitySeconds: 0,
      });
      trail = await loggingTrail(account);
    });

    it('a hand-made PutBucketVersioning reaches a queue through a rule, shaped as CloudTrail records it', async () => {
      const name = uniqueName('drift');
      const queue = await queueForRule(account, name);
      const ruleArn = await ruleTo(account, { name, pattern: S3_CALLS, target: queue.arn });
      const bucket = await bucketOf(account);
      await versionBucket(account, bucket);
      await settleEvents(account);

      const events = await eventsIn(account, queue);
      expect(events.map((e) => e.detail.eventName)).toEqual([
        'CreateBucket',
        'PutBucketVersioning',
      ]);
      const event = events[1];
      expect(event).toMatchObject({
        version: '0',
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.s3',
        account: account.accountId,
        region: 'us-east-1',
        resources: [],
      });
      expect(event?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(event?.detail).toMatchObject({
        eventVersion: '1.09',
        eventSource: 's3.amazonaws.com',
        eventName: 'PutBucketVersioning',
        awsRegion: 'us-east-1',
        sourceIPAddress: '127.0.0.1',
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        eventCategory: 'Management',
        recipientAccountId: account.accountId,
        responseElements: null,
        requestParameters: {
          bucketName: bucket,
          versioning: '',
          VersioningConfiguration: {
            Status: 'Enabled',
            xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          },
        },
        resources: [
          { accountId: account.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
        ],
        userIdentity: {
          type: 'AssumedRole',
          arn: account.admin.arn,
          accountId: account.accountId,
          accessKeyId: account.admin.credentials.accessKeyId,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              arn: `arn:aws:iam::${account.accountId}:role/seawall-test`,
              accountId: account.accountId,
              userName: 'seawall-test',
            },
            attributes: { mfaAuthenticated: 'false' },
          },
        },
      });
      expect(event?.detail.eventID).toMatch(/^[0-9a-f-]{36}$/);
      expect(event?.detail.userAgent).toContain('aws-sdk-js');
      // What the control API says went where.
      const [emitted] = await account.strict.events(account.accountId, {
        eventName: 'PutBucketVersioning',
      });
      expect(emitted?.status).toBe('delivered');
      expect(emitted?.deliveries).toEqual([
        expect.objectContaining({ rule: ruleArn, target: queue.arn, status: 'delivered' }),
      ]);
    });

    it("the operator's own calls are events too, named by its role session (KMS and IAM)", async () => {
      const name = uniqueName('drift');
      const queue = await queueForRule(account, name);
      await ruleTo(account, {
        name,
        pattern: { source: ['aws.kms', 'aws.iam'] },
        target: queue.arn,
      });
      const kms = account.operator.clients.kms();
      const { KeyMetadata } = await kms.send(
        new CreateKeyCommand({ Tags: [{ TagKey: 'seawall.dev/owner', TagValue: 'x' }] }),
      );
      await kms.send(
        new PutKeyPolicyCommand({
          KeyId: KeyMetadata?.KeyId,
          PolicyName: 'default',
          Policy: policy(rootStatement(account.accountId)),
        }),
      );
      const alias = `alias/seawall/${uniqueName('k')}`;
      await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata?.KeyId }));
      await account.admin.clients.iam().send(
        new PutRolePolicyCommand({
          RoleName: 'seawall-operator',
          PolicyName: 'extra',
          PolicyDocument: policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }),
        }),
      );
      await settleEvents(account);

      const events = await eventsIn(account, queue);
      const byName = Object.fromEntries(events.map((e) => [e.detail.eventName, e]));
      expect(Object.keys(byName).sort()).toEqual([
        'CreateAlias',
        'CreateKey',
        'PutKeyPolicy',
        'PutRolePolicy',
      ]);
      expect(byName.CreateKey?.detail.userIdentity).toMatchObject({
        type: 'AssumedRole',
        arn: account.operator.arn,
        sessionContext: {
          sessionIssuer: { arn: `arn:aws:iam::${account.accountId}:role/seawall-operator` },
        },
      });
      expect(byName.CreateKey?.detail.requestParameters).toMatchObject({
        tags: [{ tagKey: 'seawall.dev/owner', tagValue: 'x' }],
      });
      expect(byName.CreateKey?.detail.responseElements).toMatchObject({
        keyMetadata: {
          keyId: KeyMetadata?.KeyId,
          arn: KeyMetadata?.Arn,
          AWSAccountId: account.accountId,
        },
      });
      expect(byName.PutKeyPolicy?.detail.requestParameters).toMatchObject({
        keyId: KeyMetadata?.KeyId,
        policyName: 'default',
      });
      expect(byName.PutKeyPolicy?.detail.resources).toEqual([
        { accountId: account.accountId, type: 'AWS::KMS::Key', ARN: KeyMetadata?.Arn },
      ]);
      expect(byName.CreateAlias?.detail.requestParameters).toEqual({
        aliasName: alias,
        targetKeyId: KeyMetadata?.KeyId,
      });
      // IAM is global: its events are recorded in us-east-1, named by the person.
      expect(byName.PutRolePolicy).toMatchObject({
        source: 'aws.iam',
        region: 'us-east-1',
        detail: {
          eventSource: 'iam.amazonaws.com',
          awsRegion: 'us-east-1',
          userIdentity: { arn: account.admin.arn },
          requestParameters: { roleName: 'seawall-operator', policyName: 'extra' },
        },
      });
    });

    it('a pattern narrowed to bucket names delivers only those; prefix, anything-but, exists and wildcard match as EventBridge matches', async () => {
      const city = await bucketOf(account);
      const other = await bucketOf(account);
      // Their CreateBucket events are matched before the rules below exist.
      await settleEvents(account);
      const rules = {
        prefix: { detail: { requestParameters: { bucketName: [{ prefix: 'strict-events-' }] } } },
        exact: { detail: { requestParameters: { bucketName: [city] } } },
        anythingBut: {
          detail: {
            eventName: [{ 'anything-but': ['PutBucketVersioning', 'PutBucketTagging'] }],
            requestParameters: { bucketName: [city, other] },
          },
        },
        exists: { detail: { requestParameters: { Tagging: { xmlns: [{ exists: true }] } } } },
        wildcard: { detail: { eventName: [{ wildcard: 'Put*Versioning' }] } },
      };
      const queues = Object.fromEntries(
        await Promise.all(
          Object.entries(rules).map(async ([label, detail]) => {
            const name = uniqueName(label.toLowerCase());
            const queue = await queueForRule(account, name);
            await ruleTo(account, { name, pattern: { ...S3_CALLS, ...detail }, target: queue.arn });
            return [label, queue] as const;
          }),
        ),
      );
      const s3 = account.admin.clients.s3();
      await versionBucket(account, city);
      await versionBucket(account, other);
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket: city,
          Tagging: { TagSet: [{ Key: 'team', Value: 'data' }] },
        }),
      );
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: other,
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true },
        }),
      );
      // A read is not a management write: it never reaches these rules.
      await s3.send(new GetBucketVersioningCommand({ Bucket: city }));
      await settleEvents(account);

      const seen = async (label: string) =>
        (await eventsIn(account, queues[label] ?? { url: '', arn: '', name: '' })).map(
          (e) => `${e.detail.eventName} ${String(e.detail.requestParameters?.bucketName)}`,
        );
      expect((await seen('prefix')).sort()).toEqual(
        [
          `PutBucketVersioning ${city}`,
          `PutBucketVersioning ${other}`,
          `PutBucketTagging ${city}`,
          `PutBucketPublicAccessBlock ${other}`,
        ].sort(),
      );
      expect((await seen('exact')).sort()).toEqual(
        [`PutBucketVersioning ${city}`, `PutBucketTagging ${city}`].sort(),
      );
      expect(await seen('anythingBut')).toEqual([`PutBucketPublicAccessBlock ${other}`]);
      expect(await seen('exists')).toEqual([`PutBucketTagging ${city}`]);
      expect((await seen('wildcard')).sort()).toEqual(
        [`PutBucketVersioning ${city}`, `PutBucketVersioning ${other}`].sort(),
      );
    });

    it('a refused call is recorded with its errorCode; a read reaches only a rule that asks for all management events', async () => {
      const writes = uniqueName('writes');
      const all = uniqueName('all');
      const writesQueue = await queueForRule(account, writes);
      const allQueue = await queueForRule(account, all);
      await ruleTo(account, { name: writes, pattern: S3_CALLS, target: writesQueue.arn });
      await ruleTo(account, {
        name: all,
        pattern: S3_CALLS,
        target: allQueue.arn,
        state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      });
      const bucket = await bucketOf(account);
      await account.admin.clients.s3().send(
        new PutBucketPolicyCommand({
          Bucket: bucket,
          Policy: policy({
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutBucketTagging',
            Resource: `arn:aws:s3:::${bucket}`,
          }),
        }),
      );
      await account.operator.clients.s3().send(new GetBucketVersioningCommand({ Bucket: bucket }));
      const denied = await expectAwsError(
        account.operator.clients.s3().send(
          new PutBucketTaggingCommand({
            Bucket: bucket,
            Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
          }),
        ),
        { code: 'AccessDenied' },
      );
      await settleEvents(account);

      const written = await eventsIn(account, writesQueue);
      expect(written.map((e) => e.detail.eventName)).toEqual([
        'CreateBucket',
        'PutBucketPolicy',
        'PutBucketTagging',
      ]);
      expect(written[1]?.detail.requestParameters).toMatchObject({
        bucketName: bucket,
        policy: '',
        bucketPolicy: { Statement: [{ Effect: 'Deny', Action: 's3:PutBucketTagging' }] },
      });
      expect(written[2]?.detail).toMatchObject({
        errorCode: 'AccessDenied',
        errorMessage: denied?.message,
        responseElements: null,
        userIdentity: { arn: account.operator.arn },
      });
      const everything = await eventsIn(account, allQueue);
      expect(everything.map((e) => [e.detail.eventName, e.detail.readOnly])).toEqual([
        ['CreateBucket', false],
        ['PutBucketPolicy', false],
        ['GetBucketVersioning', true],
        ['PutBucketTagging', false],
      ]);
    });

    it('a DISABLED rule delivers nothing; PutEvents may not claim an aws.* source, a custom source is delivered', async () => {
      const disabled = uniqueName('off');
      const queue = await queueForRule(account, disabled);
      await ruleTo(account, {
        name: disabled,
        pattern: S3_CALLS,
        target: queue.arn,
        state: 'DISABLED',
      });
      const custom = uniqueName('custom');
      const customQueue = await queueForRule(account, custom);
      await ruleTo(account, {
        name: custom,
        pattern: { source: ['city.data'] },
        target: customQueue.arn,
      });
      await versionBucket(account, await bucketOf(account));

      const events = eventsOf(account.admin, account.endpoint);
      const out = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: 'aws.s3',
              DetailType: 'AWS API Call via CloudTrail',
              Detail: '{"eventName":"x"}',
            },
            { Source: 'city.data', DetailType: 'Load finished', Detail: '{"rows":3}' },
          ],
        }),
      );
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]).toEqual({
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage: 'Not authorized for the source.',
      });
      await settleEvents(account);
      expect(await drainQueue(account, queue)).toEqual([]);
      const delivered = await eventsIn(account, customQueue);
      expect(delivered).toEqual([
        expect.objectContaining({
          source: 'city.data',
          'detail-type': 'Load finished',
          account: account.accountId,
          detail: { rows: 3 },
        }),
      ]);
      expect(delivered[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('an SSE-KMS queue whose key policy forgets events.amazonaws.com gets nothing; the control API says why; with the key policy fixed the next event arrives', async () => {
      const kms = account.admin.clients.kms();
      const { KeyMetadata } = await kms.send(
        new CreateKeyCommand({ Policy: policy(rootStatement(account.accountId)) }),
      );
      const name = uniqueName('drift');
      const queue = await queueForRule(account, name, {
        attributes: { KmsMasterKeyId: KeyMetadata?.Arn ?? '' },
      });
      const ruleArn = await ruleTo(account, { name, pattern: S3_CALLS, target: queue.arn });
      const bucket = await bucketOf(account);
      await versionBucket(account, bucket);
      await settleEvents(account);
      expect(await drainQueue(account, queue)).toEqual([]);
      const [refused] = (
        await account.strict.events(account.accountId, { eventName: 'PutBucketVersioning' })
      ).filter((e) => e.event.detail.requestParameters?.bucketName === bucket);
      // (Rules of the tests before match it too: only this rule's delivery is looked at.)
      expect(refused?.deliveries.filter((d) => d.rule === ruleArn)).toEqual([
        {
          rule: ruleArn,
          target: queue.arn,
          status: 'failed',
          errorCode: 'NO_PERMISSIONS',
          reason: expect.stringMatching(
            /^User: events\.amazonaws\.com is not authorized to perform: kms:GenerateDataKey on resource: .* because no resource-based policy allows the kms:GenerateDataKey action/,
          ),
          messageId: null,
        },
      ]);
      await kms.send(
        new PutKeyPolicyCommand({
          KeyId: KeyMetadata?.KeyId,
          PolicyName: 'default',
          Policy: policy(rootStatement(account.accountId), {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: '*',
            Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
          }),
        }),
      );
      await versionBucket(account, bucket);
      await settleEvents(account);
      expect((await eventsIn(account, queue)).map((e) => e.detail.eventName)).toEqual([
        'PutBucketVersioning',
      ]);
    });

    it('a trail stopped records nothing, started again it does', async () => {
      const name = uniqueName('drift');
      const queue = await queueForRule(account, name);
      await ruleTo(account, { name, pattern: S3_CALLS, target: queue.arn });
      const bucket = await bucketOf(account);
      await stopLogging(account, trail);
      await versionBucket(account, bucket);
      await settleEvents(account);
      // The CreateBucket before StopLogging is an event; nothing after it.
      expect((await eventsIn(account, queue)).map((e) => e.detail.eventName)).toEqual([
        'CreateBucket',
      ]);
      await startLogging(account, trail);
      await versionBucket(account, bucket);
      await settleEvents(account);
      expect((await eventsIn(account, queue)).map((e) => e.detail.eventName)).toEqual([
        'PutBucketVersioning',
      ]);
    });

    it('emission switched off for the account, or a drop-delivery fault: no event; a delay-delivery fault holds it until cleared', async () => {
      const name = uniqueName('drift');
      const queue = await queueForRule(account, name);
      await ruleTo(account, { name, pattern: S3_CALLS, target: queue.arn });
      const bucket = await bucketOf(account);
      await settleEvents(account);
      await drainQueue(account, queue);

      await account.strict.emitEvents(account.accountId, false);
      await versionBucket(account, bucket);
      await account.strict.emitEvents(account.accountId, true);

      await account.strict.addFault({
        effect: 'drop-delivery',
        match: { account: account.accountId, operation: 'PutBucketVersioning' },
      });
      await versionBucket(account, bucket);
      await settleEvents(account);
      expect(await drainQueue(account, queue)).toEqual([]);
      const dropped = await account.strict.events(account.accountId, {
        eventName: 'PutBucketVersioning',
      });
      expect(dropped.at(-1)?.status).toBe('dropped');

      const held = await account.strict.addFault({
        effect: 'delay-delivery',
        match: { account: account.accountId, operation: 'PutBucketVersioning' },
        seconds: null,
      });
      await versionBucket(account, bucket);
      expect(
        await account.strict.drainEvents({ accountId: account.accountId, timeoutSeconds: 1 }),
      ).toBe(false);
      expect(await drainQueue(account, queue)).toEqual([]);
      await account.strict.clearFaults({ id: held.id });
      await settleEvents(account);
      expect((await eventsIn(account, queue)).map((e) => e.detail.eventName)).toEqual([
        'PutBucketVersioning',
      ]);
    });
  });

  it('no trail, no event: the rule and the queue are there, nothing arrives', async () => {
    const account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { eventDeliverySeconds: 0.1 });
    const name = uniqueName('drift');
    const queue = await queueForRule(account, name);
    await ruleTo(account, { name, pattern: S3_CALLS, target: queue.arn });
    // A trail that exists but never started logging is no trail either.
    await loggingTrail(account, { start: false });
    await versionBucket(account, await bucketOf(account));
    await settleEvents(account);
    expect(await drainQueue(account, queue)).toEqual([]);
    expect(await account.strict.events(account.accountId)).toEqual([]);
  });

  it('a single-region trail records its region only, and no IAM; events go to the bus of the call’s region', async () => {
    const account = await isolatedAccount();
    await account.strict.configureAccount(account.accountId, { eventDeliverySeconds: 0.1 });
    await loggingTrail(account, { region: 'eu-west-1', multiRegion: false });
    const pattern = { source: ['aws.s3', 'aws.iam'] };
    const eu = uniqueName('eu');
    const euQueue = await queueForRule(account, eu, { region: 'eu-west-1' });
    await ruleTo(account, { name: eu, pattern, target: euQueue.arn, region: 'eu-west-1' });
    const us = uniqueName('us');
    const usQueue = await queueForRule(account, us);
    await ruleTo(account, { name: us, pattern, target: usQueue.arn });

    const euBucket = await bucketOf(account, 'eu-west-1');
    await versionBucket(account, euBucket, 'eu-west-1');
    await versionBucket(account, await bucketOf(account));
    await account.admin.clients.iam().send(
      new PutRolePolicyCommand({
        RoleName: 'seawall-operator',
        PolicyName: 'extra',
        PolicyDocument: policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }),
      }),
    );
    await settleEvents(account);
    const euEvents = await eventsIn(account, euQueue, 'eu-west-1');
    expect(
      euEvents.map((e) => [e.region, e.detail.eventName, e.detail.requestParameters?.bucketName]),
    ).toEqual([
      ['eu-west-1', 'CreateBucket', euBucket],
      ['eu-west-1', 'PutBucketVersioning', euBucket],
    ]);
    expect(await drainQueue(account, usQueue)).toEqual([]);
  });

  it('a call on another account’s bucket is recorded in both accounts; object calls only with a data event selector', async () => {
    const [owner, caller] = await Promise.all([isolatedAccount(), isolatedAccount()]);
    const queues: Queue[] = [];
    for (const account of [owner, caller]) {
      await account.strict.configureAccount(account.accountId, { eventDeliverySeconds: 0.1 });
      await loggingTrail(account);
      const name = uniqueName('drift');
      const queue = await queueForRule(account, name);
      await ruleTo(account, { name, pattern: S3_CALLS, target: queue.arn });
      queues.push(queue);
    }
    const [ownerQueue, callerQueue] = queues as [Queue, Queue];
    const bucket = await bucketOf(owner);
    await owner.admin.clients.s3().send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: policy({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${caller.accountId}:root` },
          Action: ['s3:PutBucketTagging', 's3:PutObject'],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        }),
      }),
    );
    await settleEvents(owner);
    await drainQueue(owner, ownerQueue);
    await caller.admin.clients.s3().send(
      new PutBucketTaggingCommand({
        Bucket: bucket,
        Tagging: { TagSet: [{ Key: 'by', Value: 'the other account' }] },
      }),
    );
    await caller.admin.clients
      .s3()
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/a.csv', Body: 'a' }));
    // The owner logs S3 object calls of the bucket as data events from now on.
    await owner.admin.clients.cloudtrail().send(
      new PutEventSelectorsCommand({
        TrailName: (await owner.admin.clients.cloudtrail().send(new DescribeTrailsCommand({})))
          .trailList?.[0]?.Name,
        EventSelectors: [
          {
            ReadWriteType: 'WriteOnly',
            IncludeManagementEvents: true,
            DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${bucket}/`] }],
          },
        ],
      }),
    );
    await caller.admin.clients
      .s3()
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/b.csv', Body: 'b' }));
    await settleEvents(owner);
    await settleEvents(caller);

    const ownerEvents = await eventsIn(owner, ownerQueue);
    expect(ownerEvents.map((e) => [e.detail.eventName, e.detail.eventCategory, e.account])).toEqual(
      [
        ['PutBucketTagging', 'Management', owner.accountId],
        ['PutObject', 'Data', owner.accountId],
      ],
    );
    expect(ownerEvents[0]?.detail).toMatchObject({
      recipientAccountId: owner.accountId,
      userIdentity: { accountId: caller.accountId, arn: caller.admin.arn },
    });
    expect(ownerEvents[1]?.detail).toMatchObject({
      managementEvent: false,
      readOnly: false,
      requestParameters: { bucketName: bucket, key: 'raw/b.csv' },
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/raw/b.csv` },
        { accountId: owner.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
      ],
    });
    const callerEvents = await eventsIn(caller, callerQueue);
    expect(callerEvents.map((e) => [e.detail.eventName, e.detail.recipientAccountId])).toEqual([
      ['PutBucketTagging', caller.accountId],
    ]);
  });

  it('a rule of one account never sees another account’s events', async () => {
    const [one, two] = await Promise.all([isolatedAccount(), isolatedAccount()]);
    for (const account of [one, two]) {
      await account.strict.configureAccount(account.accountId, { eventDeliverySeconds: 0.1 });
    }
    await loggingTrail(one);
    await loggingTrail(two);
    const name = uniqueName('drift');
    const queue = await queueForRule(one, name);
    await ruleTo(one, { name, pattern: S3_CALLS, target: queue.arn });
    await versionBucket(two, await bucketOf(two));
    const events = eventsOf(one.admin, one.endpoint);
    // Rules of the same name in two accounts are two rules.
    await eventsOf(two.admin, two.endpoint).send(
      new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(S3_CALLS) }),
    );
    expect(events).toBeDefined();
    await settleEvents(two);
    expect(await drainQueue(one, queue)).toEqual([]);
  });
});
