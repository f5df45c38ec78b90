// glue.crawler: optional; catalogues the trusted prefix into a Glue database so the
// trusted rows are queryable (Athena) right after a run. Started by a CONDITIONAL trigger.
import {
  CreateCrawlerCommand,
  GetCrawlerCommand,
  UpdateCrawlerCommand,
} from '@aws-sdk/client-glue';
import type { Facet } from '../facet.ts';
import { diffFields } from '../facet.ts';
import { withOwnerTag } from '../ownership.ts';
import { type GlueTarget, glueArn, isNotFound, requireOwned } from './resource.ts';

export interface CrawlerDefinition {
  Role: string;
  DatabaseName: string;
  /** s3:// paths. */
  S3Paths: string[];
}

export interface CrawlerContext extends GlueTarget {
  crawlerName: string;
  definition: CrawlerDefinition;
  description: string;
}

export type CrawlerState = { exists: false } | ({ exists: true } & CrawlerDefinition);

export function diffCrawler(desired: CrawlerDefinition, observed: CrawlerState) {
  if (!observed.exists) return [{ field: 'Crawler', expected: 'present', observed: undefined }];
  const { exists: _, ...fields } = observed;
  return diffFields(desired, fields);
}

export function crawlerInput(ctx: CrawlerContext) {
  const d = ctx.definition;
  return {
    Name: ctx.crawlerName,
    Role: d.Role,
    DatabaseName: d.DatabaseName,
    Description: ctx.description,
    Targets: { S3Targets: d.S3Paths.map((Path) => ({ Path })) },
  };
}

export const crawlerFacet: Facet<CrawlerContext, CrawlerState, CrawlerDefinition> = {
  calls: ['glue:CreateCrawler', 'glue:GetCrawler', 'glue:GetTags', 'glue:UpdateCrawler'],
  name: 'glue.crawler',
  resource: (ctx) => glueArn(ctx, 'crawler', ctx.crawlerName),
  async observe(ctx) {
    try {
      const { Crawler } = await ctx.glue.send(new GetCrawlerCommand({ Name: ctx.crawlerName }));
      if (!Crawler) return { exists: false };
      await requireOwned(ctx, 'crawler', ctx.crawlerName);
      return {
        exists: true,
        Role: Crawler.Role ?? '',
        DatabaseName: Crawler.DatabaseName ?? '',
        S3Paths: (Crawler.Targets?.S3Targets ?? []).map((t) => t.Path ?? ''),
      };
    } catch (error) {
      if (isNotFound(error)) return { exists: false };
      throw error;
    }
  },
  desired: (ctx) => ctx.definition,
  diff: diffCrawler,
  async apply(ctx, _desired, observed) {
    if (!observed.exists) {
      await ctx.glue.send(
        new CreateCrawlerCommand({ ...crawlerInput(ctx), Tags: withOwnerTag({}, ctx.owner) }),
      );
      return;
    }
    await ctx.glue.send(new UpdateCrawlerCommand(crawlerInput(ctx)));
  },
};
