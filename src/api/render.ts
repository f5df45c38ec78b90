import { stringify } from 'yaml';
import { buildCrd } from './crd.ts';
import { kinds } from './kinds.ts';

const HEADER = '# Generated from src/api by `npm run gen`. Do not edit.\n';

/** The CRD files exactly as they are committed under crds/. */
export function renderCrds(): { file: string; yaml: string }[] {
  return kinds.map((def) => ({
    file: `crds/${def.plural}.seawall.dev.yaml`,
    yaml: HEADER + stringify(buildCrd(def), { lineWidth: 0 }),
  }));
}
