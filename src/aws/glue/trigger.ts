// glue.trigger: the SCHEDULED trigger that starts the job on the pipeline's cron (and the
// CONDITIONAL one that starts the crawler after the job succeeds), both in the workflow.
// Drift: schedule, actions, predicate and state (a trigger stopped by hand is started
// again). Type and workflow cannot be updated in Glue: a trigger that differs there is
// replaced.
import {
  type Action,
  CreateTriggerCommand,
  DeleteTriggerCommand,
  GetTriggerCommand,
  type Predicate,
  StartTriggerCommand,
  UpdateTriggerCommand,
} from '@aws-sdk/client-glue';
import type { Facet, FieldDiff } from '../facet.ts';
import { jsonEqual } from '../facet.ts';
import { withOwnerTag } from '../ownership.ts';
import { type GlueTarget, glueArn, isNotFound, requireOwned } from './resource.ts';

export interface TriggerDefinition {
  Type: 'SCHEDULED' | 'CONDITIONAL';
  WorkflowName: string;
  Schedule?: string;
  Predicate?: Predicate;
  Actions: Action[];
  /** Always ACTIVATED: a pipeline's schedule is on while the pipeline exists. */
  State: 'ACTIVATED';
}

export interface TriggerContext extends GlueTarget {
  triggerName: string;
  definition: TriggerDefinition;
  description: string;
}

export type TriggerState =
  | { exists: false }
  | {
      exists: true;
      Type: string;
      WorkflowName: string;
      Schedule?: string;
      Predicate?: Predicate;
      Actions: Action[];
      State: string;
    };

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

export function diffTrigger(desired: TriggerDefinition, observed: TriggerState): FieldDiff[] {
  if (!observed.exists) return [{ field: 'Trigger', expected: 'present', observed: undefined }];
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
  const replace = fields.has('Trigger') || fields.has('Type') || fields.has('WorkflowName');
  return {
    replace,
    update:
      !replace && (fields.has('Schedule') || fields.has('Predicate') || fields.has('Actions')),
    start: !replace && fields.has('State'),
  };
}

export const triggerFacet: Facet<TriggerContext, TriggerState, TriggerDefinition> = {
  calls: [
    'glue:CreateTrigger',
    'glue:DeleteTrigger',
    'glue:GetTrigger',
    'glue:StartTrigger',
    'glue:UpdateTrigger',
  ],
  name: 'glue.trigger',
  resource: (ctx) => glueArn(ctx, 'trigger', ctx.triggerName),
  async observe(ctx) {
    try {
      const { Trigger } = await ctx.glue.send(new GetTriggerCommand({ Name: ctx.triggerName }));
      if (!Trigger) return { exists: false };
      await requireOwned(ctx, 'trigger', ctx.triggerName);
      return {
        exists: true,
        Type: Trigger.Type ?? '',
        WorkflowName: Trigger.WorkflowName ?? '',
        ...(Trigger.Schedule ? { Schedule: Trigger.Schedule } : {}),
        ...(Trigger.Predicate ? { Predicate: Trigger.Predicate } : {}),
        Actions: Trigger.Actions ?? [],
        State: Trigger.State ?? '',
      };
    } catch (error) {
      if (isNotFound(error)) return { exists: false };
      throw error;
    }
  },
  desired: (ctx) => ctx.definition,
  diff: diffTrigger,
  async apply(ctx, desired, observed) {
    const plan = triggerPlan(diffTrigger(desired, observed));
    if (plan.replace) {
      if (observed.exists) {
        await ctx.glue.send(new DeleteTriggerCommand({ Name: ctx.triggerName }));
      }
      await ctx.glue.send(
        new CreateTriggerCommand({
          Name: ctx.triggerName,
          Type: desired.Type,
          WorkflowName: desired.WorkflowName,
          ...(desired.Schedule ? { Schedule: desired.Schedule } : {}),
          ...(desired.Predicate ? { Predicate: desired.Predicate } : {}),
          Actions: desired.Actions,
          Description: ctx.description,
          StartOnCreation: true,
          Tags: withOwnerTag({}, ctx.owner),
        }),
      );
      return;
    }
    if (plan.update) {
      await ctx.glue.send(
        new UpdateTriggerCommand({
          Name: ctx.triggerName,
          TriggerUpdate: {
            Name: ctx.triggerName,
            Description: ctx.description,
            ...(desired.Schedule ? { Schedule: desired.Schedule } : {}),
            ...(desired.Predicate ? { Predicate: desired.Predicate } : {}),
            Actions: desired.Actions,
          },
        }),
      );
    }
    if (
      plan.start ||
      (plan.update && observed.exists && effectiveState(observed.State) !== 'ACTIVATED')
    ) {
      await ctx.glue.send(new StartTriggerCommand({ Name: ctx.triggerName }));
    }
  },
};
