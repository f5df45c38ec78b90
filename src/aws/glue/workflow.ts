// glue.workflow: the workflow that holds the scheduled trigger, the job and (optionally)
// the crawler, so a person sees one run graph in the Glue console.
import {
  CreateWorkflowCommand,
  GetWorkflowCommand,
  UpdateWorkflowCommand,
} from '@aws-sdk/client-glue';
import type { Facet } from '../facet.ts';
import { diffFields } from '../facet.ts';
import { withOwnerTag } from '../ownership.ts';
import { type GlueTarget, glueArn, isNotFound, requireOwned } from './resource.ts';

export interface WorkflowDefinition {
  Description: string;
  MaxConcurrentRuns: number;
}

export interface WorkflowContext extends GlueTarget {
  workflowName: string;
  definition: WorkflowDefinition;
}

export type WorkflowState = { exists: false } | ({ exists: true } & WorkflowDefinition);

export function diffWorkflow(desired: WorkflowDefinition, observed: WorkflowState) {
  if (!observed.exists) return [{ field: 'Workflow', expected: 'present', observed: undefined }];
  const { exists: _, ...fields } = observed;
  return diffFields(desired, fields);
}

export const workflowFacet: Facet<WorkflowContext, WorkflowState, WorkflowDefinition> = {
  calls: ['glue:CreateWorkflow', 'glue:GetTags', 'glue:GetWorkflow', 'glue:UpdateWorkflow'],
  name: 'glue.workflow',
  resource: (ctx) => glueArn(ctx, 'workflow', ctx.workflowName),
  async observe(ctx) {
    try {
      const { Workflow } = await ctx.glue.send(
        new GetWorkflowCommand({ Name: ctx.workflowName, IncludeGraph: false }),
      );
      if (!Workflow) return { exists: false };
      await requireOwned(ctx, 'workflow', ctx.workflowName);
      return {
        exists: true,
        Description: Workflow.Description ?? '',
        MaxConcurrentRuns: Workflow.MaxConcurrentRuns ?? 0,
      };
    } catch (error) {
      if (isNotFound(error)) return { exists: false };
      throw error;
    }
  },
  desired: (ctx) => ctx.definition,
  diff: diffWorkflow,
  async apply(ctx, desired, observed) {
    if (!observed.exists) {
      await ctx.glue.send(
        new CreateWorkflowCommand({
          Name: ctx.workflowName,
          ...desired,
          Tags: withOwnerTag({}, ctx.owner),
        }),
      );
      return;
    }
    await ctx.glue.send(new UpdateWorkflowCommand({ Name: ctx.workflowName, ...desired }));
  },
};
