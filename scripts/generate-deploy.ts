// Writes the deployment files derived from crds/ (see scripts/deploy-files.ts) and
// removes generated files whose CRD is gone. Part of `npm run gen`.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_DIRS, renderDeployFiles, repoRoot } from './deploy-files.ts';

const files = renderDeployFiles();
const wanted = new Set(files.map((f) => f.file));
for (const dir of GENERATED_DIRS) {
  mkdirSync(join(repoRoot, dir), { recursive: true });
  for (const name of readdirSync(join(repoRoot, dir))) {
    if (!wanted.has(`${dir}/${name}`)) {
      rmSync(join(repoRoot, dir, name));
      console.log(`removed ${dir}/${name}`);
    }
  }
}
for (const { file, content } of files) {
  mkdirSync(dirname(join(repoRoot, file)), { recursive: true });
  writeFileSync(join(repoRoot, file), content);
  console.log(`wrote ${file}`);
}
