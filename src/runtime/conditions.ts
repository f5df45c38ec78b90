// The conditions helper (after fluxcd/pkg/runtime/conditions): every condition carries
// the generation it was computed from, and lastTransitionTime moves only when the
// status changes. Ready / Reconciling / Stalled follow kstatus so kubectl wait, Flux
// and Argo CD read health the same way.
import type { Condition } from '../api/common.ts';

export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Paused: 'Paused',
} as const;

export type Status = Condition['status'];

export interface ConditionInput {
  type: string;
  status: Status;
  reason: string;
  message: string;
}

/** Returns `conditions` with `input` set; the array is new, the rest untouched. */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  generation: number,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === input.type);
  const previous = index >= 0 ? list[index] : undefined;
  const next: Condition = {
    type: input.type,
    status: input.status,
    observedGeneration: generation,
    lastTransitionTime:
      previous && previous.status === input.status
        ? previous.lastTransitionTime
        : now.toISOString(),
    reason: input.reason,
    message: truncate(input.message, 32_000),
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return sortConditions(list);
}

export function removeCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** Ready first, then the kstatus pair, then kind-specific conditions alphabetically. */
function sortConditions(list: Condition[]): Condition[] {
  const order = (t: string) => {
    const i = [ConditionType.Ready, ConditionType.Reconciling, ConditionType.Stalled].indexOf(
      t as 'Ready',
    );
    return i < 0 ? 10 : i;
  };
  return list.sort((a, b) => order(a.type) - order(b.type) || a.type.localeCompare(b.type));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The outcome of one reconcile, as the controller summarises it into conditions. */
export type Summary =
  | { state: 'ready'; message: string; reason?: string }
  | { state: 'progressing'; reason: string; message: string }
  | { state: 'waiting'; reason: string; message: string }
  | { state: 'retrying'; reason: string; message: string }
  | { state: 'stalled'; reason: string; message: string }
  | { state: 'paused'; message: string };

/**
 * Folds a reconcile summary into the three kstatus conditions:
 * - ready:       Ready=True,  no Reconciling, no Stalled
 * - progressing: Ready=Unknown, Reconciling=True   (new generation, before any AWS work)
 * - waiting:     Ready=False, Reconciling=True     (a dependency, a run in progress)
 * - retrying:    Ready=False, Reconciling=True     (transient error, backing off)
 * - stalled:     Ready=False, Stalled=True         (needs a change from a person)
 * - paused:      Paused=True, the rest kept as they were
 */
export function summarize(
  conditions: readonly Condition[] | undefined,
  summary: Summary,
  generation: number,
  now: Date,
): Condition[] {
  let list = removeCondition(conditions, ConditionType.Paused);
  const set = (type: string, status: Status, reason: string, message: string) => {
    list = setCondition(list, { type, status, reason, message }, generation, now);
  };
  switch (summary.state) {
    case 'ready':
      set(ConditionType.Ready, 'True', summary.reason ?? 'Succeeded', summary.message);
      list = removeCondition(
        removeCondition(list, ConditionType.Reconciling),
        ConditionType.Stalled,
      );
      break;
    case 'progressing':
      set(ConditionType.Ready, 'Unknown', summary.reason, summary.message);
      set(ConditionType.Reconciling, 'True', summary.reason, summary.message);
      list = removeCondition(list, ConditionType.Stalled);
      break;
    case 'waiting':
    case 'retrying':
      set(ConditionType.Ready, 'False', summary.reason, summary.message);
      set(ConditionType.Reconciling, 'True', summary.reason, summary.message);
      list = removeCondition(list, ConditionType.Stalled);
      break;
    case 'stalled':
      set(ConditionType.Ready, 'False', summary.reason, summary.message);
      set(ConditionType.Stalled, 'True', summary.reason, summary.message);
      list = removeCondition(list, ConditionType.Reconciling);
      break;
    case 'paused':
      set(ConditionType.Paused, 'True', 'Paused', summary.message);
      break;
  }
  return list;
}
