// `seawall run`: the operator.
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { AwsClients } from '../aws/clients.ts';
import { AccountDriftEventSources } from '../aws/events/accounts.ts';
import { accountDirectory, createReconcilers } from '../kinds/index.ts';
import { awsWiring } from '../kinds/wiring.ts';
import { parseDuration } from '../runtime/durations.ts';
import { createLogger } from '../runtime/logger.ts';
import {
  DEFAULT_BACKSTOP_INTERVAL_MS,
  DEFAULT_DRIFT_INTERVAL_MS,
  DEFAULT_EVENTS_STALE_AFTER_MS,
  startOperator,
} from '../runtime/operator.ts';
import { resolvePath } from './args.ts';

const HELP = `Usage: seawall run [options]

  --kubeconfig PATH            kubeconfig (default: $KUBECONFIG, then ~/.kube/config, then the
                               in-cluster service account, as @kubernetes/client-node looks)
  --namespaces a,b             namespaces to watch (default: all)
  --workers N                  concurrent reconciles (default 4)
  --drift-interval DURATION    default drift-check interval (default 10m)
  --drift-events BOOL          listen for AWS changes (CloudTrail events through an EventBridge
                               rule and an SQS queue Seawall creates per region) and check the
                               owning resource at once (default false: needs a logging trail)
  --drift-backstop-interval D  the periodic check while events flow (default 6h)
  --drift-events-silence D     no event from a region for this long: back to polling (default 15m)
  --drift-events-heartbeat D   how often an idle Seawall makes an event of its own (default 5m)
  --http-port N                port for /metrics, /healthz, /readyz (default 8080; 0 = any)
  --leader-elect BOOL          use a Lease so only one replica reconciles (default true)
  --leader-election-namespace  namespace of the Lease (default $POD_NAMESPACE or seawall-system)
  --leader-election-name       name of the Lease (default seawall-leader)
  --lease-duration DURATION    default 15s
  --renew-deadline DURATION    default 10s
  --retry-period DURATION      default 2s
  --aws-region REGION          default region for AWS calls (default $AWS_REGION or us-east-1)
  --aws-connect-timeout DUR    deadline to connect to AWS (default 5s)
  --aws-request-timeout DUR    deadline for AWS to answer a call, without a byte (default 30s);
                               a region that misses it is paused for 30s (AwsUnreachable)
  --propagation-timeout DUR    how long AWS may take to make a change visible everywhere (a
                               new role, a new key) before the resource is Stalled (default 5m)
  --log-level LEVEL            trace|debug|info|warn|error (default info)
  --shutdown-grace DURATION    how long in-flight reconciles may finish on SIGTERM (default 30s)
  --shard NAME                 reconcile only objects labelled seawall.dev/shard=NAME (one operator
                               Deployment, and one Lease, per shard; docs/sizing.md)
  --label-selector SELECTOR    reconcile only objects matching this label selector (overrides --shard)
  --require-account BOOL       every namespace must use an AwsAccount: objects in a namespace
                               no AwsAccount grants are Stalled (AccountNotGranted) instead of
                               using the operator's own identity (default false)`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      namespaces: { type: 'string' },
      workers: { type: 'string', default: '4' },
      'drift-interval': { type: 'string' },
      'drift-events': { type: 'string', default: 'false' },
      'drift-backstop-interval': { type: 'string' },
      'drift-events-silence': { type: 'string' },
      'drift-events-heartbeat': { type: 'string', default: '5m' },
      'http-port': { type: 'string', default: '8080' },
      'leader-elect': { type: 'string', default: 'true' },
      'leader-election-namespace': { type: 'string' },
      'leader-election-name': { type: 'string', default: 'seawall-leader' },
      'lease-duration': { type: 'string', default: '15s' },
      'renew-deadline': { type: 'string', default: '10s' },
      'retry-period': { type: 'string', default: '2s' },
      'aws-region': { type: 'string' },
      'aws-connect-timeout': { type: 'string', default: '5s' },
      'aws-request-timeout': { type: 'string', default: '30s' },
      'propagation-timeout': { type: 'string', default: '5m' },
      'log-level': { type: 'string', default: process.env.SEAWALL_LOG_LEVEL ?? 'info' },
      'shutdown-grace': { type: 'string', default: '30s' },
      'require-account': { type: 'string', default: 'false' },
      shard: { type: 'string' },
      'label-selector': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const log = createLogger(values['log-level']);
  const kc = new k8s.KubeConfig();
  if (values.kubeconfig) kc.loadFromFile(resolvePath(values.kubeconfig));
  else kc.loadFromDefault();

  const aws = new AwsClients({
    defaultRegion: values['aws-region'] ?? process.env.AWS_REGION ?? 'us-east-1',
    timeouts: {
      connectMs: parseDuration(values['aws-connect-timeout']),
      requestMs: parseDuration(values['aws-request-timeout']),
    },
  });
  const leaderElect = values['leader-elect'] !== 'false';
  const kindDeps = { aws, kc, requireAccount: values['require-account'] === 'true' };
  // One directory for the reconcilers and the event source: one AssumeRole session per account.
  const directory = accountDirectory(kindDeps);
  const driftEvents =
    values['drift-events'] === 'true'
      ? {
          source: new AccountDriftEventSources({
            home: aws,
            clientsOf: (accountId) => directory.clientsOfAccountId(accountId),
            log,
            heartbeatIntervalMs: parseDuration(values['drift-events-heartbeat']),
          }),
          backstopIntervalMs: values['drift-backstop-interval']
            ? parseDuration(values['drift-backstop-interval'])
            : DEFAULT_BACKSTOP_INTERVAL_MS,
          staleAfterMs: values['drift-events-silence']
            ? parseDuration(values['drift-events-silence'])
            : DEFAULT_EVENTS_STALE_AFTER_MS,
        }
      : undefined;
  const operator = await startOperator({
    kc,
    log,
    ...awsWiring(aws),
    reconcilers: createReconcilers(kindDeps, directory),
    namespaces: values.namespaces ? values.namespaces.split(',').filter(Boolean) : [],
    ...(shardSelector(values) ? { labelSelector: shardSelector(values) } : {}),
    workers: Number(values.workers),
    defaultDriftIntervalMs: values['drift-interval']
      ? parseDuration(values['drift-interval'])
      : DEFAULT_DRIFT_INTERVAL_MS,
    httpPort: Number(values['http-port']),
    ...(driftEvents ? { driftEvents } : {}),
    propagationTimeoutMs: parseDuration(values['propagation-timeout']),
    ...(leaderElect
      ? {
          leaderElection: {
            namespace:
              values['leader-election-namespace'] ?? process.env.POD_NAMESPACE ?? 'seawall-system',
            // One Lease per shard: shards must not wait on each other's leader.
            name:
              values.shard && values['leader-election-name'] === 'seawall-leader'
                ? `seawall-leader-${values.shard}`
                : values['leader-election-name'],
            leaseDurationMs: parseDuration(values['lease-duration']),
            renewDeadlineMs: parseDuration(values['renew-deadline']),
            retryPeriodMs: parseDuration(values['retry-period']),
          },
        }
      : {}),
    onLostLeadership: () => {
      log.error('leadership lost: exiting so a fresh process can stand by');
      process.exit(1);
    },
  });
  return waitForSignal(async () => operator.stop(parseDuration(values['shutdown-grace'])));
}

/** Resolves with exit code 0 after SIGTERM/SIGINT and a clean stop. */
function waitForSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}

/** The label every object of a shard carries: `seawall.dev/shard: <name>`. */
export const SHARD_LABEL = 'seawall.dev/shard';

/** --label-selector, else --shard NAME as `seawall.dev/shard=NAME`; neither: every object. */
export function shardSelector(values: { shard?: string; 'label-selector'?: string }) {
  if (values['label-selector']) return values['label-selector'];
  return values.shard ? `${SHARD_LABEL}=${values.shard}` : undefined;
}
