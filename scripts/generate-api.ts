// Writes crds/<plural>.seawall.dev.yaml from src/api. `npm run gen`; a unit test
// (src/api/crd.test.ts) fails when a committed CRD is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCrds } from '../src/api/render.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const { file, yaml } of renderCrds()) {
  writeFileSync(`${root}/${file}`, yaml);
  console.log(`wrote ${file}`);
}
