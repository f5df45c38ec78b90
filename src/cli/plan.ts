// `seawall plan -f PATH`: what reconciling the Seawall resources in these files would
// change in AWS right now, per AWS resource and field, without changing anything.
//
// It runs the real reconcilers in mode 'plan' (facets observe and diff, apply never runs)
// against an AwsClients built read-only: any call that is not a read is refused before it
// leaves the process, and reported as "would call <Operation> on <resource>". So plan is
// safe by construction, not by each reconciler's care. Exit codes follow
// `terraform plan -detailed-exitcode`: 0 no changes, 2 changes pending, 1 error.

import * as k8s from '@kubernetes/client-node';
import type { DriftItem, SeawallObject } from '../api/common.ts';
import { toOpenApi } from '../api/crd.ts';
import type { ProtectedBucket } from '../api/protectedbucket.ts';
import { applyDefaults, kindOf } from '../api/validate.ts';
import { AwsClients, PlanWriteBlockedError } from '../aws/clients.ts';
import { classifyAwsError } from '../aws/errors.ts';
import { noAccounts } from '../kinds/accounts/source.ts';
import { createReconcilers } from '../kinds/index.ts';
import {
  kubeProtectedBuckets,
  PLANNED_ANNOTATION,
  type ProtectedBucketReader,
} from '../kinds/protectedbucket/reference.ts';
import { PLANNED_FIELD } from '../kinds/steps.ts';
import { kubeObjects } from '../runtime/kube-objects.ts';
import { silentLogger } from '../runtime/logger.ts';
import { type BaseStatus, type PolicySpec, reconcileOnce } from '../runtime/reconcile-once.ts';
import type { Reconciler } from '../runtime/reconciler.ts';
import {
  type FileCommandValues,
  parseFileCommandArgs,
  resolvePath,
  sourceOptions,
} from './args.ts';
import {
  formatProblem,
  type LoadedResource,
  loadResources,
  validateResources,
} from './validate.ts';

const HELP = `Usage: seawall plan (-f PATH | -k DIR) ... [options]

Shows what reconciling the Seawall resources in the YAML under PATH would change in AWS
right now, per AWS resource and field (expected vs observed, creations marked), without
changing anything: only read calls are made; every other call is refused and reported.

  -f, --filename PATH    file, directory or - for standard input (repeatable)
  -k, --kustomize DIR    render DIR with \`kubectl kustomize\` and plan the result (repeatable)
  -o, --output FORMAT    text (default) or json
  --kubeconfig PATH      read each resource's status (the AWS resources Seawall recorded)
                         and its bucketRef dependencies from this cluster (default
                         $KUBECONFIG; without either, every resource is planned as new)
  --aws-region REGION    default region (default $AWS_REGION or us-east-1)
  --no-color             no colour even on a terminal (also $NO_COLOR)

AWS credentials come from the SDK's default chain; AWS_ENDPOINT_URL points at an emulator.
Exit code: 0 no changes, 2 changes pending, 1 an error (invalid files, a failed read).`;

/**
 * create: an AWS resource that would be created (field `exists`; `expected` says what it
 * would be), or — field `value at creation` — what one of its facets would be set to.
 * update: a field that would change. call: a write refused before it left the process.
 */
export type ChangeAction = 'create' | 'update' | 'call';

export interface PlannedChange {
  action: ChangeAction;
  /** The AWS resource (ARN, s3://bucket, alias, ...). */
  resource: string;
  facet?: string;
  field?: string;
  expected?: string;
  observed?: string;
  /** For action call/create from a refused write: the AWS operation. */
  operation?: string;
}

export type PlanState = 'no-changes' | 'changes' | 'waiting' | 'paused' | 'skipped' | 'error';

export interface ResourcePlan {
  kind: string;
  namespace: string;
  name: string;
  file: string;
  line: number;
  state: PlanState;
  /** Seawall has no status for it yet (not in the cluster, or no cluster given). */
  isNew: boolean;
  message?: string;
  changes: PlannedChange[];
}

export interface PlanDeps {
  aws: AwsClients;
  reconcilers: Reconciler<never, never>[];
  /** The status Seawall recorded for an object, when a cluster is given. */
  liveStatus?: (r: LoadedResource) => Promise<Record<string, unknown> | undefined>;
  /** No cluster was given: status and references outside the files cannot be read. */
  offline?: boolean;
  now?: () => Date;
  /** A ProtectedBucket was planned: what it would record (dependents in the files use it). */
  onPlanned?: (r: LoadedResource, object: SeawallObject<unknown, unknown>) => void;
  /** References this resource's plan could not resolve (cleared before each resource). */
  unresolved?: string[];
}

/**
 * Drift items found in plan mode are the pending changes. A resource that does not exist
 * (`exists`, observed `false`) is a creation: the lifecycle's item says what it would be.
 */
export function changesFromDrift(items: DriftItem[]): PlannedChange[] {
  const created = new Set(
    items.filter((d) => d.field === 'exists' && d.observed === 'false').map((d) => d.resource),
  );
  return items.map((d) => ({
    action:
      created.has(d.resource) && (d.field === 'exists' || d.field === PLANNED_FIELD)
        ? 'create'
        : 'update',
    resource: d.resource,
    facet: d.facet,
    field: d.field,
    expected: d.expected,
    observed: d.observed,
  }));
}

function changeFromBlocked(e: PlanWriteBlockedError): PlannedChange {
  return {
    action: e.operation.startsWith('Create') ? 'create' : 'call',
    resource: e.resource ?? `${e.service} (${e.region})`,
    operation: `${e.service}:${e.operation}`,
  };
}

/**
 * Plans each resource (one read-only AwsClients for all), ProtectedBuckets first so that a
 * bucketRef to one in the same files resolves to what it would be; listed in file order.
 */
export async function planResources(
  resources: LoadedResource[],
  deps: PlanDeps,
): Promise<ResourcePlan[]> {
  const order = [...resources.keys()].sort(
    (a, b) => kindRank(resources[a]) - kindRank(resources[b]) || a - b,
  );
  const plans: ResourcePlan[] = new Array(resources.length);
  for (const i of order) {
    const r = resources[i] as LoadedResource;
    if (deps.unresolved) deps.unresolved.length = 0;
    plans[i] = await planResource(r, deps);
  }
  return plans;
}

function kindRank(r: LoadedResource | undefined): number {
  return r?.kind === 'ProtectedBucket' ? 0 : 1;
}

/**
 * Reads a ProtectedBucket from the files being planned (as its plan says it would be),
 * then from the cluster when one is given. Offline, a reference outside the files is
 * recorded as unresolved, so the plan can say what it could not check.
 */
export function planBucketReader(
  planned: Map<string, ProtectedBucket>,
  cluster: ProtectedBucketReader | undefined,
  unresolved: string[],
): ProtectedBucketReader {
  return {
    async get(namespace, name) {
      const inFiles = planned.get(`${namespace}/${name}`);
      if (inFiles) return inFiles;
      if (cluster) return cluster.get(namespace, name);
      unresolved.push(`ProtectedBucket ${namespace}/${name}`);
      return undefined;
    },
  };
}

async function planResource(r: LoadedResource, deps: PlanDeps): Promise<ResourcePlan> {
  const namespace = r.namespace ?? 'default';
  const base = { kind: r.kind, namespace, name: r.name, file: r.file, line: r.line };
  const def = kindOf(r.object);
  const reconciler = deps.reconcilers.find((x) => x.kind.kind === r.kind);
  if (!def || !reconciler) {
    return {
      ...base,
      state: 'skipped',
      isNew: false,
      message: `this build of seawall has no reconciler for ${r.kind}`,
      changes: [],
    };
  }
  let status: Record<string, unknown> | undefined;
  try {
    status = await deps.liveStatus?.(r);
  } catch (error) {
    return {
      ...base,
      state: 'error',
      isNew: false,
      message: `reading the resource from the cluster: ${(error as Error).message}`,
      changes: [],
    };
  }
  // The object as the API server stores it: defaults applied, in its namespace.
  const spec = structuredClone(r.object.spec) as Record<string, unknown>;
  applyDefaults(toOpenApi(def.spec), spec);
  const metadata = (r.object.metadata ?? {}) as SeawallObject<unknown, unknown>['metadata'];
  const object = {
    ...r.object,
    apiVersion: String(r.object.apiVersion),
    kind: r.kind,
    metadata: { ...metadata, namespace, generation: metadata.generation ?? 1 },
    spec,
    ...(status ? { status } : {}),
  } as SeawallObject<PolicySpec, BaseStatus>;

  deps.aws.blockedWrites.length = 0;
  const inner = reconciler as unknown as Reconciler<PolicySpec, BaseStatus>;
  // A refused write ends the reconcile: what comes after it cannot be known until it exists.
  const guarded: Reconciler<PolicySpec, BaseStatus> = {
    kind: inner.kind,
    finalize: (request) => inner.finalize(request),
    async reconcile(request) {
      try {
        return await inner.reconcile(request);
      } catch (error) {
        if (error instanceof PlanWriteBlockedError) return { message: 'stopped at a write' };
        throw error;
      }
    },
  };
  const result = await reconcileOnce(guarded, object, {
    log: silentLogger(),
    events: { normal() {}, warning() {} },
    now: deps.now ?? (() => new Date()),
    classifiers: [classifyAwsError],
    defaultDriftIntervalMs: 600_000,
    plan: true,
  });
  if (r.kind === 'ProtectedBucket') {
    deps.onPlanned?.(r, {
      ...object,
      metadata: {
        ...object.metadata,
        annotations: { ...object.metadata.annotations, [PLANNED_ANNOTATION]: 'true' },
      },
      status: result.status,
    } as SeawallObject<unknown, unknown>);
  }
  const changes = [
    ...changesFromDrift(result.drift),
    ...deps.aws.blockedWrites.map(changeFromBlocked),
  ];
  const isNew = !status;
  const unresolved = deps.unresolved?.length
    ? ` (offline: ${[...new Set(deps.unresolved)].join(', ')} is not in the given files and no cluster was given to read it from: pass --kubeconfig, or plan it together with this file)`
    : '';
  if (result.outcome === 'paused')
    return {
      ...base,
      state: 'paused',
      isNew,
      message: 'seawall.dev/paused is "true": Seawall changes nothing',
      changes: [],
    };
  if (result.outcome === 'stalled' || result.outcome === 'retrying') {
    const hint =
      deps.offline && !status
        ? ' (plan reads status and bucketRef dependencies from the cluster: pass --kubeconfig)'
        : '';
    return {
      ...base,
      state: 'error',
      isNew,
      message: `${result.error?.message ?? 'reconcile failed'}${hint}`,
      changes,
    };
  }
  if (result.outcome === 'waiting')
    return {
      ...base,
      state: 'waiting',
      isNew,
      message: `${result.error?.message ?? ''}${unresolved}`,
      changes,
    };
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  const note = ready && ready.message !== 'AWS matches the spec' ? ready.message : undefined;
  return {
    ...base,
    state: changes.length > 0 || isNew ? 'changes' : 'no-changes',
    isNew,
    ...(isNew
      ? {
          message: `new to Seawall: what it owns and does not find will be created${note ? ` (${note})` : ''}`,
        }
      : note
        ? { message: note }
        : {}),
    changes,
  };
}

/**
 * A KubeConfig for planning without a cluster: reconcilers can be built, and a read of a
 * dependency (bucketRef) fails fast and says so instead of reaching some default cluster.
 */
export function offlineKubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'none', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
    users: [{ name: 'none' }],
    contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
    currentContext: 'none',
  });
  return kc;
}

/** 0 no changes, 2 changes pending, 1 any error. */
export function exitCodeOf(plans: ResourcePlan[]): number {
  if (plans.some((p) => p.state === 'error')) return 1;
  if (plans.some((p) => p.state === 'changes' || p.state === 'waiting')) return 2;
  return 0;
}

interface Colours {
  add(s: string): string;
  change(s: string): string;
  error(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

function colours(enabled: boolean): Colours {
  const wrap = (code: string) => (s: string) => (enabled ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    add: wrap('32'),
    change: wrap('33'),
    error: wrap('31'),
    dim: wrap('2'),
    bold: wrap('1'),
  };
}

/** What a plan without a cluster cannot know. */
export const OFFLINE_NOTE =
  "No cluster given (--kubeconfig): Seawall's recorded status was not read, so every resource is planned as if new to Seawall (AWS resources found are checked for ownership by their tags), and bucketRefs resolve only to ProtectedBuckets in the given files.";

export function renderPlan(plans: ResourcePlan[], colour = false, offline = false): string {
  const c = colours(colour);
  const lines: string[] = offline ? [c.dim(OFFLINE_NOTE), ''] : [];
  for (const p of plans) {
    const head = `${c.bold(`${p.kind} ${p.namespace}/${p.name}`)} ${c.dim(`(${p.file}:${p.line})`)}`;
    switch (p.state) {
      case 'no-changes':
        lines.push(`${head}: no changes${p.message ? c.dim(` — ${p.message}`) : ''}`);
        continue;
      case 'paused':
      case 'skipped':
        lines.push(`${head}: ${p.state}: ${p.message ?? ''}`);
        continue;
      case 'error':
        lines.push(`${head}: ${c.error(`error: ${p.message ?? ''}`)}`);
        break;
      case 'waiting':
        lines.push(`${head}: ${c.change(`waiting: ${p.message ?? ''}`)}`);
        break;
      case 'changes':
        if (p.changes.length === 0) {
          lines.push(`${head}: ${c.add('new')}${p.message ? c.dim(` — ${p.message}`) : ''}`);
          continue;
        }
        lines.push(
          `${head}: ${p.changes.length} change(s)${p.isNew ? `, ${c.add('new')}` : ''}${p.message ? c.dim(` — ${p.message}`) : ''}`,
        );
        break;
    }
    for (const ch of p.changes) {
      if (ch.operation) {
        const sign = ch.action === 'create' ? c.add('+') : c.change('~');
        lines.push(`  ${sign} ${ch.resource}: would call ${ch.operation}`);
      } else if (ch.action === 'create' && ch.field === PLANNED_FIELD) {
        lines.push(`      ${c.dim(`with ${ch.facet}:`)} ${c.add(ch.expected ?? '')}`);
      } else if (ch.action === 'create') {
        const what = ch.expected && ch.expected !== 'true' ? `: ${ch.expected}` : '';
        lines.push(
          `  ${c.add('+')} ${ch.resource} ${c.dim(`[${ch.facet}]`)}: will be created${what}`,
        );
      } else {
        lines.push(
          `  ${c.change('~')} ${ch.resource} ${c.dim(`[${ch.facet}]`)} ${ch.field}: ${c.error(ch.observed ?? '')} -> ${c.add(ch.expected ?? '')}`,
        );
      }
    }
  }
  const count = (s: PlanState) => plans.filter((p) => p.state === s).length;
  const summary = [
    `${count('changes')} with changes`,
    `${count('no-changes')} without`,
    count('waiting') ? `${count('waiting')} waiting` : '',
    count('paused') ? `${count('paused')} paused` : '',
    count('skipped') ? `${count('skipped')} skipped` : '',
    `${count('error')} error(s)`,
  ].filter(Boolean);
  lines.push('', `Plan: ${plans.length} resource(s): ${summary.join(', ')}.`);
  return lines.join('\n');
}

export async function planCommand(argv: string[]): Promise<number> {
  const values = parseFileCommandArgs<
    FileCommandValues & { kubeconfig?: string; 'aws-region'?: string; 'no-color'?: boolean }
  >(
    'plan',
    argv,
    {
      kubeconfig: { type: 'string' },
      'aws-region': { type: 'string' },
      'no-color': { type: 'boolean' },
    },
    HELP,
    1,
  );
  if (typeof values === 'number') return values;
  const loaded = loadResources(values.filename ?? [], sourceOptions(values));
  const problems = validateResources(loaded);
  if (problems.length > 0) {
    for (const p of problems) console.error(formatProblem(p));
    console.error(`seawall plan: fix these first (seawall validate -f ...)`);
    return 1;
  }

  const kubeconfig = values.kubeconfig ? resolvePath(values.kubeconfig) : process.env.KUBECONFIG;
  const kc = kubeconfig ? new k8s.KubeConfig() : offlineKubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  const objects = kubeconfig ? kubeObjects(kc) : undefined;
  const aws = new AwsClients({
    defaultRegion: values['aws-region'] ?? process.env.AWS_REGION ?? 'us-east-1',
    readOnly: true,
  });
  const planned = new Map<string, ProtectedBucket>();
  const unresolved: string[] = [];
  const buckets = planBucketReader(
    planned,
    objects ? kubeProtectedBuckets(kc) : undefined,
    unresolved,
  );
  // Offline, no AwsAccount is known: every object is planned with the operator's identity.
  const reconcilers = createReconcilers({
    aws,
    kc,
    buckets,
    ...(objects ? {} : { accounts: noAccounts }),
  });
  const plans = await planResources(loaded.resources, {
    aws,
    reconcilers,
    offline: !objects,
    unresolved,
    onPlanned: (r, object) =>
      planned.set(`${r.namespace ?? 'default'}/${r.name}`, object as ProtectedBucket),
    ...(objects
      ? {
          liveStatus: async (r: LoadedResource) => {
            const def = kindOf(r.object);
            if (!def) return undefined;
            const live = await objects.get(def, r.namespace ?? 'default', r.name);
            return live?.status;
          },
        }
      : {}),
  });
  if (values.output === 'json') {
    console.log(
      JSON.stringify(
        {
          exitCode: exitCodeOf(plans),
          ...(objects ? {} : { offline: OFFLINE_NOTE }),
          resources: plans.map((p) => ({
            ...p,
            changes: p.changes.map((ch) => ({ ...ch })),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    const colour = !values['no-color'] && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
    console.log(renderPlan(plans, colour, !objects));
  }
  return exitCodeOf(plans);
}
