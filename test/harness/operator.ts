// Runs an operator in the test process, scoped to the test's namespace so test files
// never reconcile each other's objects; and the quiet deps for reconcileOnce.
import type * as k8s from '@kubernetes/client-node';
import type { AwsClients } from '../../src/aws/clients.ts';
import { classifyAwsError } from '../../src/aws/errors.ts';
import { awsWiring } from '../../src/kinds/wiring.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { type Operator, type OperatorOptions, startOperator } from '../../src/runtime/operator.ts';
import type { ReconcileDeps } from '../../src/runtime/reconcile-once.ts';
import type { Reconciler } from '../../src/runtime/reconciler.ts';

export interface TestOperatorOptions extends Partial<OperatorOptions> {
  kc: k8s.KubeConfig;
  namespace: string;
  reconcilers: Reconciler<never, never>[];
  aws?: AwsClients;
}

export async function startTestOperator(options: TestOperatorOptions): Promise<Operator> {
  const { namespace, aws, ...rest } = options;
  return startOperator({
    log: silentLogger(),
    workers: 2,
    defaultDriftIntervalMs: 60_000,
    queue: { baseBackoffMs: 200, maxBackoffMs: 5000 },
    classifiers: [classifyAwsError],
    ...(aws ? awsWiring(aws) : {}),
    ...rest,
    namespaces: [namespace],
  });
}

/** reconcileOnce deps: no logs, no events, AWS errors classified, a 10-minute drift interval. */
export function reconcileDeps(now: () => Date = () => new Date()): ReconcileDeps {
  return {
    log: silentLogger(),
    events: { normal() {}, warning() {} },
    now,
    classifiers: [classifyAwsError],
    defaultDriftIntervalMs: 600_000,
  };
}
