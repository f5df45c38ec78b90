// `seawall crds`: the CustomResourceDefinitions of this version, for
// `seawall crds | kubectl apply --server-side -f -` before an upgrade.
import { parseArgs } from 'node:util';
import { renderCrds } from '../api/render.ts';

const HELP = `Usage: seawall crds

Prints the CustomResourceDefinitions of this version of Seawall (YAML, one document per
kind), e.g. to apply them before upgrading the operator:

  seawall crds | kubectl apply --server-side -f -`;

export async function crdsCommand(argv: string[] = []): Promise<number> {
  let values: { help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`seawall crds: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  process.stdout.write(
    renderCrds()
      .map((c) => c.yaml)
      .join('---\n'),
  );
  return 0;
}
