// Drift events per AWS account (ADR 70, ADR 80) on the local stack with three accounts:
// the operator runs in `home`; `target` (a logging trail) and `silent` (no trail) are
// reached through AwsAccounts whose roles hold exactly the policy `seawall iam-policy
// --target` prints. Seawall makes its rule and queues in each account objects live in,
// with that account's session; a person's change in `target` is corrected at once and
// names the caller; an object in `silent` says Polling while events flow in `home`.
import { GetBucketVersioningCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProtectedBucket, protectedBucketKind } from '../../src/api/protectedbucket.ts';
import { AccountDriftEventSources } from '../../src/aws/events/accounts.ts';
import { EVENTS_QUEUE } from '../../src/aws/events/queue.ts';
import { kubeAccounts } from '../../src/kinds/accounts/source.ts';
import { accountDirectory, createReconcilers } from '../../src/kinds/index.ts';
import { createLogger, silentLogger } from '../../src/runtime/logger.ts';
import type { Operator } from '../../src/runtime/operator.ts';
import { isolatedAccount, type TestAccount } from '../harness/aws.ts';
import { adminKubeConfig, createNamespace, eventually, uniqueName } from '../harness/kube.ts';
import { startTestOperator } from '../harness/operator.ts';
import {
  aProtectedBucket,
  isReady,
  type SeawallObjects,
  seawallObjects,
} from '../harness/seawall-objects.ts';
import { awsAccounts, createTargetRole, EXTERNAL_ID } from './accounts-fixtures.ts';
import { loggingTrail, sqsOf } from './strict-aws/events-fixtures.ts';

const REGION = 'ca-central-1';

describe('event-driven drift detection in AwsAccounts (per account and region)', () => {
  const kc: k8s.KubeConfig = adminKubeConfig();
  const accounts = awsAccounts(kc);
  const name = uniqueName('evacc');
  const created: string[] = [];
  let home: TestAccount;
  let target: TestAccount;
  let silent: TestAccount;
  let namespace: string;
  let buckets: SeawallObjects<ProtectedBucket>;
  let operator: Operator | undefined;
  const bucketOf = (suffix: string) => `${name}-${suffix}`;
  const log = process.env.SEAWALL_TEST_LOG
    ? createLogger(process.env.SEAWALL_TEST_LOG)
    : silentLogger();

  const modeOf = async (object: string) =>
    (await buckets.get(object)).status?.driftDetection ?? { mode: 'none', reason: '' };

  beforeAll(async () => {
    [home, target, silent] = await Promise.all([
      isolatedAccount(),
      isolatedAccount(),
      isolatedAccount(),
    ]);
    for (const a of [home, target, silent]) {
      await a.strict.configureAccount(a.accountId, { eventDeliverySeconds: 0.1 });
    }
    // Events flow in home and target only: silent has no trail.
    await Promise.all([loggingTrail(home), loggingTrail(target)]);
    const [targetRole, silentRole] = await Promise.all([
      createTargetRole(home, target),
      createTargetRole(home, silent),
    ]);
    namespace = await createNamespace(kc, 'evacc');
    buckets = seawallObjects<ProtectedBucket>(kc, protectedBucketKind, namespace);
    for (const [suffix, account, roleArn] of [
      ['target', target, targetRole],
      ['silent', silent, silentRole],
    ] as const) {
      created.push(`${name}-${suffix}`);
      await accounts.create(`${name}-${suffix}`, {
        accountId: account.accountId,
        roleArn,
        externalId: EXTERNAL_ID,
        regions: [REGION, 'us-east-1'],
        namespaces: [{ names: [namespace], bucketPrefixes: [`${name}-`] }],
      });
    }
    // A namespace granted accounts uses one of them: home's is the operator's own identity.
    created.push(`${name}-home`);
    await accounts.create(`${name}-home`, {
      accountId: home.accountId,
      regions: [REGION, 'us-east-1'],
      namespaces: [{ names: [namespace], bucketPrefixes: [`${name}-`] }],
    });
    const deps = { aws: home.operator.clients, kc, accounts: kubeAccounts(kc, 0) };
    const directory = accountDirectory(deps);
    const reconcilers = createReconcilers(deps, directory).filter(
      (r) => r.kind.kind === 'ProtectedBucket',
    );
    operator = await startTestOperator({
      kc,
      namespace,
      log,
      aws: home.operator.clients,
      reconcilers,
      driftEvents: {
        source: new AccountDriftEventSources({
          home: home.operator.clients,
          clientsOf: (accountId) => directory.clientsOfAccountId(accountId),
          log,
          waitTimeSeconds: 1,
          heartbeatIntervalMs: 1000,
          ensureIntervalMs: 60_000,
          accountsIntervalMs: 500,
        }),
        backstopIntervalMs: 6 * 3600_000,
        staleAfterMs: 30_000,
        watchIntervalMs: 500,
      },
    });
    await buckets.create(
      aProtectedBucket('home', {
        bucketName: bucketOf('home'),
        region: REGION,
        account: `${name}-home`,
      }),
    );
    await buckets.create(
      aProtectedBucket('target', {
        bucketName: bucketOf('target'),
        region: REGION,
        account: `${name}-target`,
      }),
    );
    await buckets.create(
      aProtectedBucket('silent', {
        bucketName: bucketOf('silent'),
        region: REGION,
        account: `${name}-silent`,
      }),
    );
    for (const object of ['home', 'target', 'silent']) {
      await eventually(
        async () => {
          const o = await buckets.get(object);
          if (isReady(o)) return true;
          // Said in the timeout's error: why it is not Ready.
          throw new Error(JSON.stringify(o.status?.conditions ?? []));
        },
        { timeoutMs: 60_000, what: `ProtectedBucket ${object} Ready` },
      );
    }
  }, 240_000);

  afterAll(async () => {
    await operator?.stop(1000);
    for (const object of ['home', 'target', 'silent'])
      await buckets?.delete(object).catch(() => {});
    for (const account of created) await accounts.delete(account).catch(() => {});
  });

  it("makes the queue in each account objects live in, with that account's session", async () => {
    for (const account of [home, target, silent]) {
      const url = await eventually(
        () =>
          sqsOf(account.admin, account.endpoint, REGION)
            .send(new GetQueueUrlCommand({ QueueName: EVENTS_QUEUE }))
            .then((o) => o.QueueUrl)
            .catch(() => undefined),
        { timeoutMs: 30_000, what: `the queue in ${account.accountId}` },
      );
      expect(url).toContain(account.accountId);
    }
  });

  it('says Events for the home and target objects, each naming its own account', async () => {
    for (const [object, account] of [
      ['home', home],
      ['target', target],
    ] as const) {
      const detection = await eventually(
        async () => {
          const d = await modeOf(object);
          return d.mode === 'Events' ? d : undefined;
        },
        { timeoutMs: 30_000, what: `${object} on Events` },
      );
      expect(detection.reason).toContain(account.accountId);
    }
  });

  it("says Polling for an object in an account with no events, though home's flow", async () => {
    expect((await modeOf('home')).mode).toBe('Events');
    const detection = await modeOf('silent');
    expect(detection.mode).toBe('Polling');
    expect(detection.reason).toContain(silent.accountId);
  });

  it("corrects a person's change in the target account within seconds and names the caller", async () => {
    const bucket = bucketOf('target');
    await target.admin.clients.s3(REGION).send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    // The drift interval is a minute: put back within 20 s is the event's doing, and the
    // causedBy below can only come from the target account's queue.
    await eventually(
      async () =>
        (
          await target.admin.clients
            .s3(REGION)
            .send(new GetBucketVersioningCommand({ Bucket: bucket }))
        ).Status === 'Enabled'
          ? true
          : undefined,
      { timeoutMs: 20_000, what: 'versioning put back in the target account' },
    );
    const object = await eventually(
      async () => {
        const o = await buckets.get('target');
        return o.status?.drift?.history?.some((d) => d.facet === 'bucket.versioning')
          ? o
          : undefined;
      },
      { what: 'the drift item' },
    );
    const item = object.status?.drift?.history?.find((d) => d.facet === 'bucket.versioning');
    expect(object.status?.accountId).toBe(target.accountId);
    expect(item?.action).toBe('Corrected');
    expect(item?.causedBy?.eventName).toBe('PutBucketVersioning');
    expect(item?.causedBy?.principal).toContain(`:${target.accountId}:assumed-role/seawall-test/`);
  });
});
