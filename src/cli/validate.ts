// `seawall validate -f PATH`: checks every Seawall resource in the YAML under PATH the way
// the API server will (schema, defaults, unknown fields, CEL rules) plus what only Seawall
// checks (DQDL, the schedule through the operator's cron parser), with
// `file:line: Kind/name: field: message` lines. Exit 1 on any error — and when there is no
// Seawall resource at all, which is a wrong path, not a valid repository: fit for
// pre-commit hooks and CI. Other kinds in the same files are ignored.

import { kinds } from '../api/kinds.ts';
import { didYouMean } from '../api/suggest.ts';
import { formatPath, kindOf, validateObject } from '../api/validate.ts';
import { type FileCommandValues, parseFileCommandArgs, sourceOptions } from './args.ts';
import { type FileProblem, type LoadResult, loadResources } from './sources.ts';

export {
  type FileProblem,
  type LoadedResource,
  type LoadResult,
  loadResources,
} from './sources.ts';

const HELP = `Usage: seawall validate (-f PATH | -k DIR) ... [-o text|json]

Checks every Seawall resource (apiVersion seawall.dev/*) in the YAML under each PATH
against the schemas and CEL rules of the CRDs (as the API server will), the DQDL parser
and the operator's schedule parser. Other kinds are ignored; no cluster, no AWS needed.

  -f, --filename PATH    a file, a directory (searched recursively for *.yaml and *.yml;
                         multi-document files are fine), or - for standard input:
                           helm template ... | seawall validate -f -
                         (repeatable). A directory whose kustomization patches or pulls in
                         files from elsewhere is refused: use -k for it.
  -k, --kustomize DIR    render DIR with \`kubectl kustomize\` (or kustomize) and check the
                         result (repeatable)
  -o, --output FORMAT    text (default) or json

Relative paths are relative to the current directory (under \`npm run\`, to the directory
npm was started in). Exit code: 0 valid, 1 any error or no Seawall resource found,
2 usage error.`;

/**
 * Validates what `loadResources` read; problems in file order. Finding no Seawall resource
 * at all is a problem too: a wrong path or an unrendered overlay, never "valid".
 */
export function validateResources(loaded: LoadResult): FileProblem[] {
  const problems = [...loaded.problems];
  if (loaded.resources.length === 0 && loaded.problems.length === 0)
    problems.push({
      file: loaded.sources.join(', ') || '<no input>',
      line: 0,
      message: `no Seawall resource (apiVersion seawall.dev/*) in ${loaded.files} YAML file(s): check the path, or render templates first (helm template ... | seawall validate -f -)`,
    });
  for (const r of loaded.resources) {
    const resource = `${r.kind}/${r.name}`;
    const def = kindOf(r.object);
    if (!def) {
      problems.push({
        file: r.file,
        line: r.lineOf(['kind']),
        resource,
        field: 'kind',
        message: `no kind ${JSON.stringify(r.kind)} in the seawall.dev API of this version of seawall${didYouMean(
          r.kind,
          kinds.map((k) => k.kind),
        )}`,
      });
      continue;
    }
    for (const issue of validateObject(def, r.object)) {
      problems.push({
        file: r.file,
        line:
          issue.valueLine === undefined
            ? r.lineOf(issue.path)
            : r.lineInValue(issue.path, issue.valueLine),
        resource,
        field: issue.field,
        message: issue.message,
      });
    }
  }
  const order = new Map(loaded.resources.map((r, i) => [r.file, i]));
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        (order.get(a.p.file) ?? -1) - (order.get(b.p.file) ?? -1) ||
        a.p.file.localeCompare(b.p.file) ||
        a.p.line - b.p.line ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}

export function formatProblem(p: FileProblem): string {
  const parts = [`${p.file}:${p.line}`];
  if (p.resource) parts.push(p.resource);
  if (p.field) parts.push(p.field);
  parts.push(p.message);
  return parts.join(': ');
}

export async function validateCommand(argv: string[]): Promise<number> {
  const values = parseFileCommandArgs<FileCommandValues>('validate', argv, {}, HELP, 2);
  if (typeof values === 'number') return values;
  const loaded = loadResources(values.filename ?? [], sourceOptions(values));
  const problems = validateResources(loaded);
  if (values.output === 'json') {
    console.log(
      JSON.stringify(
        {
          valid: problems.length === 0,
          files: loaded.files,
          resources: loaded.resources.map((r) => ({
            file: r.file,
            line: r.line,
            kind: r.kind,
            name: r.name,
          })),
          errors: problems,
        },
        null,
        2,
      ),
    );
  } else {
    for (const p of problems) console.error(formatProblem(p));
    const summary = `${loaded.resources.length} Seawall resource(s) in ${loaded.files} file(s)`;
    if (problems.length === 0) console.log(`${summary}: valid`);
    else console.error(`${summary}: ${problems.length} error(s)`);
  }
  return problems.length === 0 ? 0 : 1;
}

export { formatPath };
