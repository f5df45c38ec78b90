// The SCHEDULED trigger that starts the job on the pipeline's cron (and the CONDITIONAL
// one that starts the crawler after the job succeeds), both in the workflow: a Glue
// resource (resource.ts), and its definition facet. Drift: schedule, actions, predicate
// and state (a trigger stopped by hand is started again). Type and workflow cannot be
// updated in Glue: a trigger that differs there is replaced.
import {
  type Action,
  CreateTriggerCommand,
  DeleteTriggerCommand,
  GetTriggerCommand,
  type Predicate,
  StartTriggerCommand,
  UpdateTriggerCommand,
} from '@aws-sdk/client-glue';
import { type FieldDiff, jsonEqual } from '../facet.ts';
import { type GlueApi, glueDefinitionFacet, glueResource } from './resource.ts';

/** A trigger as Glue returns it. */
export interface TriggerObserved {
  Type: string;
  WorkflowName: string;
  Schedule?: string;
  Predicate?: Predicate;
  Actions: Action[];
  State: string;
}

/** A trigger as Seawall asks for it. */
export interface TriggerDefinition extends TriggerObserved {
  Type: 'SCHEDULED' | 'CONDITIONAL';
  /** Always ACTIVATED: a pipeline's schedule is on while the pipeline exists. */
  State: 'ACTIVATED';
}

/** Glue fills defaults into what it returns; compare only what we set. */
export function normalizeActions(actions: Action[] | undefined): Action[] {
  return (actions ?? []).map((a) => ({
    ...(a.JobName ? { JobName: a.JobName } : {}),
    ...(a.CrawlerName ? { CrawlerName: a.CrawlerName } : {}),
    ...(a.Arguments && Object.keys(a.Arguments).length > 0 ? { Arguments: a.Arguments } : {}),
  }));
}

export function normalizePredicate(predicate: Predicate | undefined): Predicate | undefined {
  if (!predicate?.Conditions?.length) return undefined;
  return {
    Logical: predicate.Logical ?? 'AND',
    Conditions: predicate.Conditions.map((c) => ({
      LogicalOperator: c.LogicalOperator ?? 'EQUALS',
      ...(c.JobName ? { JobName: c.JobName } : {}),
      ...(c.State ? { State: c.State } : {}),
      ...(c.CrawlerName ? { CrawlerName: c.CrawlerName } : {}),
      ...(c.CrawlState ? { CrawlState: c.CrawlState } : {}),
    })),
  };
}

/** ACTIVATING is on its way to ACTIVATED: not drift. */
function effectiveState(state: string): string {
  return state === 'ACTIVATING' ? 'ACTIVATED' : state;
}

/** Pure: field by field, Glue's defaults and a trigger on its way to ACTIVATED aside. */
export function diffTrigger(desired: TriggerDefinition, observed: TriggerObserved): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const check = (field: string, expected: unknown, actual: unknown) => {
    if (!jsonEqual(expected, actual)) diffs.push({ field, expected, observed: actual });
  };
  check('Type', desired.Type, observed.Type);
  check('WorkflowName', desired.WorkflowName, observed.WorkflowName);
  check('Schedule', desired.Schedule, observed.Schedule);
  check('Predicate', normalizePredicate(desired.Predicate), normalizePredicate(observed.Predicate));
  check('Actions', normalizeActions(desired.Actions), normalizeActions(observed.Actions));
  check('State', desired.State, effectiveState(observed.State));
  return diffs;
}

/** Pure: which calls bring the trigger in line. */
export function triggerPlan(diffs: FieldDiff[]): {
  replace: boolean;
  update: boolean;
  start: boolean;
} {
  const fields = new Set(diffs.map((d) => d.field));
  const replace = fields.has('Type') || fields.has('WorkflowName');
  return {
    replace,
    update:
      !replace && (fields.has('Schedule') || fields.has('Predicate') || fields.has('Actions')),
    start: !replace && fields.has('State'),
  };
}

export const triggerApi: GlueApi<TriggerDefinition, TriggerObserved> = {
  type: 'trigger',
  calls: ['glue:GetTrigger', 'glue:CreateTrigger', 'glue:DeleteTrigger'],
  async read(ref) {
    const { Trigger } = await ref.glue.send(new GetTriggerCommand({ Name: ref.name }));
    if (!Trigger) return undefined;
    return {
      Type: Trigger.Type ?? '',
      WorkflowName: Trigger.WorkflowName ?? '',
      ...(Trigger.Schedule ? { Schedule: Trigger.Schedule } : {}),
      ...(Trigger.Predicate ? { Predicate: Trigger.Predicate } : {}),
      Actions: Trigger.Actions ?? [],
      State: Trigger.State ?? '',
    };
  },
  async create(ref, tags) {
    const d = ref.definition;
    await ref.glue.send(
      new CreateTriggerCommand({
        Name: ref.name,
        Type: d.Type,
        WorkflowName: d.WorkflowName,
        ...(d.Schedule ? { Schedule: d.Schedule } : {}),
        ...(d.Predicate ? { Predicate: d.Predicate } : {}),
        Actions: d.Actions,
        Description: ref.description,
        StartOnCreation: true,
        Tags: tags,
      }),
    );
  },
  async delete(ref) {
    await ref.glue.send(new DeleteTriggerCommand({ Name: ref.name }));
  },
};

export const glueTrigger = glueResource(triggerApi);

/**
 * glue.trigger.definition: schedule, actions and predicate are updated in place; a trigger
 * stopped by hand is started; type and workflow, fixed at creation, mean a new trigger.
 */
export const triggerDefinitionFacet = glueDefinitionFacet<TriggerDefinition, TriggerObserved>(
  'trigger',
  {
    calls: ['glue:CreateTrigger', 'glue:DeleteTrigger', 'glue:StartTrigger', 'glue:UpdateTrigger'],
    diff: diffTrigger,
    async apply(ctx, desired, observed) {
      const { ref } = ctx;
      const plan = triggerPlan(diffTrigger(desired, observed));
      if (plan.replace) {
        // Type and workflow are fixed at creation: the same trigger again, with its tags.
        await triggerApi.delete(ref);
        await triggerApi.create(ref, ctx.found.tags);
        return;
      }
      if (plan.update) {
        await ref.glue.send(
          new UpdateTriggerCommand({
            Name: ref.name,
            TriggerUpdate: {
              Name: ref.name,
              Description: ref.description,
              ...(desired.Schedule ? { Schedule: desired.Schedule } : {}),
              ...(desired.Predicate ? { Predicate: desired.Predicate } : {}),
              Actions: desired.Actions,
            },
          }),
        );
      }
      if (plan.start || (plan.update && effectiveState(observed.State) !== 'ACTIVATED')) {
        await ref.glue.send(new StartTriggerCommand({ Name: ref.name }));
      }
    },
  },
);
