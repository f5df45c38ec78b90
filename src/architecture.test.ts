// The shape of src/, enforced: which folder may import which, and no import cycles.
// - runtime is the controller machinery: it knows the API's types and nothing of AWS or
//   of any kind (so it could drive another cloud);
// - aws knows AWS: from runtime it takes only the error classes and the mode type;
// - no file reaches itself through value imports (type-only imports are erased).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));

interface Edge {
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const IMPORT =
  /^\s*(?:import|export)\s+(type\s+)?(?:(\{[^}]*\}|\*\s+as\s+\w+|\w+(?:\s*,\s*\{[^}]*\})?)\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Relative imports of a file (src-relative paths), and whether each is type-only. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const clause = m[2] ?? '';
    const names = clause.startsWith('{')
      ? clause
          .slice(1, -1)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    const typeOnly =
      Boolean(m[1]) || (names.length > 0 && names.every((n) => n.startsWith('type ')));
    const target = resolve(dirname(file), m[3] ?? '');
    edges.push({ to: relative(src, target).split(sep).join('/'), typeOnly });
  }
  return edges;
}

const files = sources(src).map((f) => relative(src, f).split(sep).join('/'));
const graph = new Map(files.map((f) => [f, importsOf(join(src, f))]));
const folder = (file: string) => file.split('/')[0] ?? '';

function violations(from: string, allowed: (to: string) => boolean): string[] {
  return [...graph]
    .filter(([file]) => folder(file) === from)
    .flatMap(([file, edges]) =>
      edges.filter((e) => !allowed(e.to)).map((e) => `${file} → ${e.to}`),
    );
}

/** Strongly connected components of more than one file (Tarjan), over value imports. */
function cycles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const e of graph.get(v) ?? []) {
      if (e.typeOnly || !graph.has(e.to)) continue;
      if (!indexOf.has(e.to)) {
        visit(e.to);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(e.to) ?? 0));
      } else if (onStack.has(e.to)) {
        low.set(v, Math.min(low.get(v) ?? 0, indexOf.get(e.to) ?? 0));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of files) if (!indexOf.has(f)) visit(f);
  return found;
}

describe('the dependency direction of src/', () => {
  it('sees the imports it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get('runtime/controller.ts')?.map((e) => e.to)).toContain('runtime/workqueue.ts');
  });

  it('runtime imports only runtime and api', () => {
    expect(violations('runtime', (to) => ['runtime', 'api'].includes(folder(to)))).toEqual([]);
  });

  it('aws takes from runtime only the error classes, the mode type and the drift-event source contract', () => {
    // drift-events.ts is the interface the SQS consumer (src/aws/events) implements (ADR 70).
    const allowedRuntime = new Set([
      'runtime/errors.ts',
      'runtime/mode.ts',
      'runtime/drift-events.ts',
    ]);
    expect(violations('aws', (to) => folder(to) !== 'runtime' || allowedRuntime.has(to))).toEqual(
      [],
    );
    expect(violations('aws', (to) => !['kinds', 'cli'].includes(folder(to)))).toEqual([]);
  });

  it('api, dq and schedule know nothing of AWS clients, kinds, the runtime or the CLI', () => {
    for (const from of ['api', 'dq', 'schedule']) {
      expect(
        violations(from, (to) => !['aws', 'kinds', 'runtime', 'cli'].includes(folder(to))),
      ).toEqual([]);
    }
  });

  it('no import cycles anywhere in src/', () => {
    expect(cycles()).toEqual([]);
  });
});
