// `seawall validate -f PATH`: checks every Seawall resource in the YAML under PATH the way
// the API server will (schema, defaults, unknown fields, CEL rules) plus DQDL, with
// `file:line: Kind/name: field: message` lines. Exit 1 on any error: fit for pre-commit
// hooks and CI. Other kinds in the same files are ignored.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  type Document,
  isMap,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type Scalar,
} from 'yaml';
import {
  formatPath,
  isSeawallObject,
  kindOf,
  type ObjectPath,
  validateObject,
} from '../api/validate.ts';
import { type FileCommandValues, parseFileCommandArgs } from './args.ts';

const HELP = `Usage: seawall validate -f PATH [-f PATH ...] [-o text|json]

Checks every Seawall resource (apiVersion seawall.dev/*) in the YAML files under each
PATH (a file or a directory, searched recursively for *.yaml and *.yml; multi-document
files are fine; other kinds are ignored) against the schemas, the CEL rules of the CRDs
and the DQDL parser. Exit code: 0 valid, 1 any error, 2 usage error.

  -f, --filename PATH   file or directory (repeatable)
  -o, --output FORMAT   text (default) or json`;

/** One Seawall resource read from a file, with what is needed to point at its lines. */
export interface LoadedResource {
  file: string;
  /** 1-based line of the document start. */
  line: number;
  kind: string;
  name: string;
  namespace: string | undefined;
  object: Record<string, unknown>;
  /** 1-based line of a path inside this document (the nearest existing ancestor). */
  lineOf(path: ObjectPath): number;
  /** 1-based file line of line `n` of the string at `path` (block scalars: `rules: |`). */
  lineInValue(path: ObjectPath, n: number): number;
}

export interface FileProblem {
  file: string;
  line: number;
  /** `Kind/name`, when the problem belongs to a resource. */
  resource?: string;
  field?: string;
  message: string;
}

export interface LoadResult {
  resources: LoadedResource[];
  problems: FileProblem[];
  files: number;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.github-cache']);

/** YAML files under a path: the file itself, or every *.yaml / *.yml below a directory. */
export function yamlFiles(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...yamlFiles(full));
    } else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Reads every Seawall resource from the YAML under the given paths. */
export function loadResources(paths: string[], cwd = process.cwd()): LoadResult {
  const resources: LoadedResource[] = [];
  const problems: FileProblem[] = [];
  let files = 0;
  for (const path of paths) {
    let list: string[];
    try {
      list = yamlFiles(path);
    } catch (error) {
      problems.push({ file: path, line: 0, message: (error as Error).message });
      continue;
    }
    for (const full of list) {
      files++;
      const file = relative(cwd, full) || full;
      const text = readFileSync(full, 'utf8');
      const lineCounter = new LineCounter();
      const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
      const docs = Array.isArray(documents) ? documents : [];
      if (!Array.isArray(documents)) {
        problems.push({ file, line: 1, message: 'not a YAML stream' });
        continue;
      }
      for (const doc of docs) {
        const lineAt = (offset: number) => lineCounter.linePos(offset).line;
        if (doc.errors.length > 0) {
          for (const e of doc.errors)
            problems.push({ file, line: lineAt(e.pos[0]), message: `YAML: ${e.message}` });
          continue;
        }
        const object: unknown = doc.toJS({ maxAliasCount: 100 });
        if (!isSeawallObject(object)) continue;
        const metadata = (object.metadata ?? {}) as Record<string, unknown>;
        const start = doc.contents?.range?.[0] ?? 0;
        resources.push({
          file,
          line: lineAt(start),
          kind: String(object.kind ?? '<no kind>'),
          name: typeof metadata.name === 'string' ? metadata.name : '<no name>',
          namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
          object,
          lineOf: (path) => lineAt(offsetOf(doc, path) ?? start),
          lineInValue: (path, n) => {
            const node = doc.getIn(path, true) as Scalar | undefined;
            const block = node?.type === 'BLOCK_LITERAL' || node?.type === 'BLOCK_FOLDED';
            const first = lineAt(node?.range?.[0] ?? start);
            // A block scalar's range starts at its indicator (`|`); its text on the next line.
            return block ? first + n : first + n - 1;
          },
        });
      }
    }
  }
  return { resources, problems, files };
}

/** Offset of the node at `path` or of its nearest existing ancestor (keys point at the key). */
function offsetOf(doc: Document, path: ObjectPath): number | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset = node?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (p.key as { value?: unknown } | null)?.value === part || p.key === part,
      );
      if (!pair) return offset;
      const key = pair.key as Node | null;
      offset = key?.range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else return offset;
  }
  return offset;
}

/** Validates what `loadResources` read; problems in file order. */
export function validateResources(loaded: LoadResult): FileProblem[] {
  const problems = [...loaded.problems];
  for (const r of loaded.resources) {
    const resource = `${r.kind}/${r.name}`;
    const def = kindOf(r.object);
    if (!def) {
      problems.push({
        file: r.file,
        line: r.lineOf(['kind']),
        resource,
        field: 'kind',
        message: `no kind ${JSON.stringify(r.kind)} in the seawall.dev API of this version of seawall`,
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
  const files = values.filename ?? [];
  const loaded = loadResources(files);
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
