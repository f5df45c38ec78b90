// Where the list of AWS regions comes from: the partitions table the AWS SDK uses to
// resolve endpoints (@aws-sdk/core). It is not exported by the package, so it is read from
// its file at generation time (scripts/generate-regions.ts) and committed as
// regions.generated.ts: the CRDs, the JSON Schemas and `seawall validate` then agree
// without reading node_modules at run time.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Partition {
  /** aws, aws-cn, aws-us-gov, ... */
  id: string;
  regions: string[];
}

interface PartitionsInfo {
  partitions: { id: string; regionRegex: string; regions: Record<string, unknown> }[];
}

/** The SDK's partitions, each with its real regions (not the `aws-global` pseudo-regions). */
export async function sdkPartitions(): Promise<Partition[]> {
  const require = createRequire(import.meta.url);
  const core = dirname(require.resolve('@aws-sdk/core/package.json'));
  const file = join(core, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
  const { partitionsInfo } = (await import(pathToFileURL(file).href)) as {
    partitionsInfo: PartitionsInfo;
  };
  return partitionsInfo.partitions.map((p) => {
    const regex = new RegExp(p.regionRegex);
    return {
      id: p.id,
      regions: Object.keys(p.regions)
        .filter((r) => regex.test(r))
        .sort(),
    };
  });
}

export function renderRegionsModule(partitions: Partition[]): string {
  return `// Generated from the AWS SDK's partitions table by \`npm run gen\` (scripts/generate-regions.ts).
// Do not edit: upgrade @aws-sdk/core and regenerate.

/** Every region of every AWS partition this version of Seawall knows, by partition. */
export const AWS_PARTITIONS: { id: string; regions: string[] }[] = ${JSON.stringify(partitions, null, 2)};
`;
}
