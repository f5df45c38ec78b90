import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_PARTITIONS } from '../src/api/regions.generated.ts';
import { repoRoot } from './deploy-files.ts';
import { renderRegionsModule, sdkPartitions } from './regions.ts';

describe('the AWS regions Seawall accepts', () => {
  it('src/api/regions.generated.ts is up to date with the SDK (run `npm run gen`)', async () => {
    const text = readFileSync(join(repoRoot, 'src/api/regions.generated.ts'), 'utf8');
    expect(text).toBe(renderRegionsModule(await sdkPartitions()));
  });

  it('holds the commercial regions the examples use, and no pseudo-region', () => {
    const aws = AWS_PARTITIONS.find((p) => p.id === 'aws')?.regions ?? [];
    expect(aws).toEqual(expect.arrayContaining(['ca-central-1', 'ca-west-1', 'us-east-1']));
    const all = AWS_PARTITIONS.flatMap((p) => p.regions);
    expect(all.filter((r) => r.endsWith('-global'))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
  });
});
