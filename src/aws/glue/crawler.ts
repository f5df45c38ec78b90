// The optional crawler that catalogues the trusted prefix into a Glue database, so the
// trusted rows are queryable (Athena) right after a run; started by a CONDITIONAL trigger.
// A Glue resource (resource.ts), and its definition facet.
import {
  CreateCrawlerCommand,
  DeleteCrawlerCommand,
  GetCrawlerCommand,
  UpdateCrawlerCommand,
} from '@aws-sdk/client-glue';
import { diffFields } from '../facet.ts';
import { type GlueApi, type GlueRef, glueDefinitionFacet, glueResource } from './resource.ts';

export interface CrawlerDefinition {
  Role: string;
  DatabaseName: string;
  /** s3:// paths. */
  S3Paths: string[];
}

/** Pure: the create and update requests carry the same definition. */
export function crawlerInput(ref: GlueRef<CrawlerDefinition>) {
  const d = ref.definition;
  return {
    Name: ref.name,
    Role: d.Role,
    DatabaseName: d.DatabaseName,
    Description: ref.description,
    Targets: { S3Targets: d.S3Paths.map((Path) => ({ Path })) },
  };
}

export const crawlerApi: GlueApi<CrawlerDefinition, CrawlerDefinition> = {
  type: 'crawler',
  calls: ['glue:GetCrawler', 'glue:CreateCrawler', 'glue:DeleteCrawler'],
  async read(ref) {
    const { Crawler } = await ref.glue.send(new GetCrawlerCommand({ Name: ref.name }));
    if (!Crawler) return undefined;
    return {
      Role: Crawler.Role ?? '',
      DatabaseName: Crawler.DatabaseName ?? '',
      S3Paths: (Crawler.Targets?.S3Targets ?? []).map((t) => t.Path ?? ''),
    };
  },
  async create(ref, tags) {
    await ref.glue.send(new CreateCrawlerCommand({ ...crawlerInput(ref), Tags: tags }));
  },
  async delete(ref) {
    await ref.glue.send(new DeleteCrawlerCommand({ Name: ref.name }));
  },
};

export const glueCrawler = glueResource(crawlerApi);

/** glue.crawler.definition: UpdateCrawler is sent the whole crawler. */
export const crawlerDefinitionFacet = glueDefinitionFacet<CrawlerDefinition, CrawlerDefinition>(
  'crawler',
  {
    calls: ['glue:UpdateCrawler'],
    diff: diffFields,
    async apply(ctx) {
      await ctx.ref.glue.send(new UpdateCrawlerCommand(crawlerInput(ctx.ref)));
    },
  },
);
