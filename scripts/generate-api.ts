// Writes crds/<plural>.seawall.dev.yaml and the JSON Schemas in schemas/ from src/api.
// `npm run gen`; unit tests (src/api/crd.test.ts, src/api/json-schema.test.ts) fail when
// a committed file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '../src/api/json-schema.ts';
import { renderCrds } from '../src/api/render.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const { file, yaml } of renderCrds()) {
  writeFileSync(`${root}/${file}`, yaml);
  console.log(`wrote ${file}`);
}
mkdirSync(`${root}/schemas`, { recursive: true });
for (const { file, json } of renderJsonSchemas()) {
  writeFileSync(`${root}/${file}`, json);
  console.log(`wrote ${file}`);
}
