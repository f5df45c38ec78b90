// Writes src/api/regions.generated.ts: every region of every partition the AWS SDK this
// version of Seawall ships with knows (its endpoint-resolution data). The CRDs make a
// region an enum of this list, so the API server refuses a region AWS would never answer
// for, instead of Seawall retrying it forever. Part of `npm run gen`;
// scripts/regions.test.ts fails when the file is stale (e.g. after an SDK upgrade).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './deploy-files.ts';
import { renderRegionsModule, sdkPartitions } from './regions.ts';

const file = 'src/api/regions.generated.ts';
writeFileSync(join(repoRoot, file), renderRegionsModule(await sdkPartitions()));
console.log(`wrote ${file}`);
