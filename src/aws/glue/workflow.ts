// The workflow that holds the scheduled trigger, the job and (optionally) the crawler, so
// a person sees one run graph in the Glue console: a Glue resource (resource.ts), and its
// definition facet.
import {
  CreateWorkflowCommand,
  DeleteWorkflowCommand,
  GetWorkflowCommand,
  UpdateWorkflowCommand,
} from '@aws-sdk/client-glue';
import { diffFields } from '../facet.ts';
import { type GlueApi, glueDefinitionFacet, glueResource } from './resource.ts';

export interface WorkflowDefinition {
  Description: string;
  MaxConcurrentRuns: number;
}

export const workflowApi: GlueApi<WorkflowDefinition, WorkflowDefinition> = {
  type: 'workflow',
  calls: ['glue:GetWorkflow', 'glue:CreateWorkflow', 'glue:DeleteWorkflow'],
  async read(ref) {
    const { Workflow } = await ref.glue.send(
      new GetWorkflowCommand({ Name: ref.name, IncludeGraph: false }),
    );
    if (!Workflow) return undefined;
    return {
      Description: Workflow.Description ?? '',
      MaxConcurrentRuns: Workflow.MaxConcurrentRuns ?? 0,
    };
  },
  async create(ref, tags) {
    await ref.glue.send(
      new CreateWorkflowCommand({ Name: ref.name, ...ref.definition, Tags: tags }),
    );
  },
  async delete(ref) {
    await ref.glue.send(new DeleteWorkflowCommand({ Name: ref.name }));
  },
};

export const glueWorkflow = glueResource(workflowApi);

/** glue.workflow.definition: UpdateWorkflow sets what differs. */
export const workflowDefinitionFacet = glueDefinitionFacet<WorkflowDefinition, WorkflowDefinition>(
  'workflow',
  {
    calls: ['glue:UpdateWorkflow'],
    diff: diffFields,
    async apply(ctx, desired) {
      await ctx.ref.glue.send(new UpdateWorkflowCommand({ Name: ctx.ref.name, ...desired }));
    },
  },
);
