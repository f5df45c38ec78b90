// Writes src/aws/iam-policy.generated.ts: the SDK calls found in src/ and the IAM policy
// they need. Part of `npm run gen`; src/aws/iam-policy.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderGeneratedModule, scanSdkCalls } from '../src/aws/iam-policy.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = 'src/aws/iam-policy.generated.ts';
writeFileSync(join(root, file), renderGeneratedModule(scanSdkCalls(join(root, 'src'), root)));
console.log(`wrote ${file}`);
