// Where `validate` and `plan` read Seawall resources from: YAML files, directories
// (searched recursively), standard input (`-f -`, e.g. `helm template ... | seawall
// validate -f -`) and kustomizations rendered by kustomize (`-k DIR`). Every resource keeps
// the file and line it came from, so messages can point at them.
//
// A directory holding a kustomization is read file by file only when that gives what
// kustomize would render (a list of local files, at most a namespace): an overlay's
// patches or a `../base` would otherwise be read raw — or not at all — and the result
// called valid. Such a directory is refused with the command that reads it rendered.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import {
  type Document,
  isMap,
  isSeq,
  LineCounter,
  type Node,
  parse,
  parseAllDocuments,
  type Scalar,
} from 'yaml';
import { isSeawallObject, type ObjectPath } from '../api/validate.ts';

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
  /** YAML streams read (files, standard input, rendered kustomizations). */
  files: number;
  /** What was asked for, as given: for messages about the whole read. */
  sources: string[];
}

export interface SourceOptions {
  /** Relative paths resolve against it and files are shown relative to it (default: cwd). */
  cwd?: string;
  /** Directories to render with kustomize (`-k`). */
  kustomize?: string[];
  /** Standard input, for `-f -` (default: read file descriptor 0). */
  readStdin?: () => string;
  /** `kubectl kustomize DIR` (default: run kubectl, or kustomize when kubectl is missing). */
  renderKustomization?: (dir: string) => string;
}

/** The path meaning standard input. */
export const STDIN = '-';

const SKIP_DIRS = new Set(['node_modules', '.git', '.github-cache']);
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** Kustomization fields whose effect reading the files one by one reproduces (or ignores harmlessly). */
const FAITHFUL_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'namespace',
  'labels',
  'commonLabels',
  'commonAnnotations',
]);

interface Kustomization {
  file: string;
  namespace?: string;
  /** Why reading the directory file by file would not give what kustomize renders. */
  unfaithful?: string;
}

function readKustomization(dir: string): Kustomization | undefined {
  const name = KUSTOMIZATION_FILES.find((f) => existsSync(join(dir, f)));
  if (!name) return undefined;
  const file = join(dir, name);
  let k: Record<string, unknown>;
  try {
    k = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    return { file, unfaithful: `it is not valid YAML (${(error as Error).message})` };
  }
  const extra = Object.keys(k).filter((key) => !FAITHFUL_FIELDS.has(key));
  const outside = ((k.resources ?? []) as unknown[])
    .map(String)
    .filter((r) => r.includes('://') || r.startsWith('/') || r.split(/[\\/]/).includes('..'));
  const reasons = [
    ...(extra.length ? [`it uses ${extra.join(', ')}`] : []),
    ...(outside.length ? [`it includes ${outside.join(', ')}`] : []),
  ];
  return {
    file,
    ...(typeof k.namespace === 'string' ? { namespace: k.namespace } : {}),
    ...(reasons.length ? { unfaithful: reasons.join(' and ') } : {}),
  };
}

interface YamlFile {
  path: string;
  /** The namespace a kustomization above it sets. */
  namespace?: string;
}

/**
 * YAML files under a path: the file itself, or every *.yaml / *.yml below a directory.
 * A directory whose kustomization cannot be read file by file becomes a problem instead.
 */
function yamlFiles(
  path: string,
  problems: FileProblem[],
  show: (p: string) => string,
  namespace?: string,
): YamlFile[] {
  const stat = statSync(path);
  if (stat.isFile()) return [{ path, ...(namespace ? { namespace } : {}) }];
  const kustomization = readKustomization(path);
  if (kustomization?.unfaithful) {
    const dir = show(path);
    problems.push({
      file: show(kustomization.file),
      line: 1,
      message: `a kustomization that is not read file by file (${kustomization.unfaithful}): validate what kustomize renders, with \`seawall validate -k ${dir}\` or \`kubectl kustomize ${dir} | seawall validate -f -\``,
    });
    return [];
  }
  const ns = kustomization?.namespace ?? namespace;
  const out: YamlFile[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...yamlFiles(full, problems, show, ns));
    } else if (/\.ya?ml$/.test(entry.name) && !KUSTOMIZATION_FILES.includes(entry.name))
      out.push({ path: full, ...(ns ? { namespace: ns } : {}) });
  }
  return out;
}

/** `kubectl kustomize DIR`, or `kustomize build DIR` where there is no kubectl. */
export function renderWithKustomize(dir: string): string {
  const options = { encoding: 'utf8' as const, maxBuffer: 64 * 1024 * 1024 };
  try {
    return execFileSync('kubectl', ['kustomize', dir], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw kustomizeError(error);
  }
  try {
    return execFileSync('kustomize', ['build', dir], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('-k needs kubectl or kustomize on the PATH');
    throw kustomizeError(error);
  }
}

function kustomizeError(error: unknown): Error {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
  return new Error(stderr || (error as Error).message);
}

/** Reads every Seawall resource from the YAML under the given paths (and kustomizations). */
export function loadResources(paths: string[], options: SourceOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const resolve = (p: string) => (isAbsolute(p) ? p : join(cwd, p));
  // Paths below the working directory are shown relative to it, others as they are.
  const show = (p: string) => {
    const rel = relative(cwd, p);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const resources: LoadedResource[] = [];
  const problems: FileProblem[] = [];
  let files = 0;
  const read = (file: string, text: string, namespace?: string) => {
    files++;
    readStream(file, text, namespace, resources, problems);
  };
  for (const path of paths) {
    if (path === STDIN) {
      read('<stdin>', (options.readStdin ?? (() => readFileSync(0, 'utf8')))());
      continue;
    }
    let list: YamlFile[];
    try {
      list = yamlFiles(resolve(path), problems, show);
    } catch (error) {
      problems.push({ file: path, line: 0, message: (error as Error).message });
      continue;
    }
    for (const f of list) read(show(f.path), readFileSync(f.path, 'utf8'), f.namespace);
  }
  for (const dir of options.kustomize ?? []) {
    const label = `${show(resolve(dir))} (kustomize)`;
    let text: string;
    try {
      text = (options.renderKustomization ?? renderWithKustomize)(resolve(dir));
    } catch (error) {
      problems.push({ file: label, line: 0, message: (error as Error).message });
      continue;
    }
    read(label, text);
  }
  return { resources, problems, files, sources: [...paths, ...(options.kustomize ?? [])] };
}

/** Every Seawall resource of one YAML stream (multi-document). */
function readStream(
  file: string,
  text: string,
  namespace: string | undefined,
  resources: LoadedResource[],
  problems: FileProblem[],
): void {
  const lineCounter = new LineCounter();
  // YAML 1.1, as kubectl, Flux and Argo CD read it (sigs.k8s.io/yaml): `enforceTLS: yes`
  // is the boolean true they send to the API server, not the string "yes".
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    version: '1.1',
  });
  if (!Array.isArray(documents)) {
    problems.push({ file, line: 1, message: 'not a YAML stream' });
    return;
  }
  for (const doc of documents) {
    const lineAt = (offset: number) => lineCounter.linePos(offset).line;
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        problems.push({ file, line: lineAt(e.pos[0]), message: `YAML: ${e.message}` });
      continue;
    }
    const object: unknown = doc.toJS({ maxAliasCount: 100 });
    if (!isSeawallObject(object)) continue;
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    // kustomize's namespace transformer sets every namespaced object's namespace.
    if (namespace) object.metadata = { ...metadata, namespace };
    const start = doc.contents?.range?.[0] ?? 0;
    const ns = namespace ?? metadata.namespace;
    resources.push({
      file,
      line: lineAt(start),
      kind: String(object.kind ?? '<no kind>'),
      name: typeof metadata.name === 'string' ? metadata.name : '<no name>',
      namespace: typeof ns === 'string' ? ns : undefined,
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
