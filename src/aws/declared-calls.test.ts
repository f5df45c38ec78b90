// Every facet and managed resource declares the SDK operations it calls (`calls`): what it
// needs the operator's IAM policy to allow. This holds each list to the code — the
// commands its functions construct must be declared, and each declared operation must be
// one src/ really calls (so it is in the generated policy).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sdkCalls } from './iam-policy.generated.ts';
import { iamActionsFor } from './iam-policy.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

interface Declares {
  name: string;
  calls: readonly string[];
  functions: ((...args: never[]) => unknown)[];
}

/** Facets (name, observe, apply) and managed resources (type, read, create) a module exports. */
async function declarers(): Promise<Declares[]> {
  const found: Declares[] = [];
  for (const file of modules(here)) {
    const exports = (await import(file)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(exports)) {
      if (!value || typeof value !== 'object' || !('calls' in value)) continue;
      const v = value as Record<string, unknown>;
      const functions = Object.values(v).filter(
        (f): f is (...args: never[]) => unknown => typeof f === 'function',
      );
      const isFacet = typeof v.observe === 'function' && typeof v.apply === 'function';
      const isResource = typeof v.read === 'function' && typeof v.create === 'function';
      if (!isFacet && !isResource) continue;
      found.push({
        name: `${exported} (${file.slice(here.length)})`,
        calls: v.calls as string[],
        functions,
      });
    }
  }
  return found;
}

const known = new Set(sdkCalls.map((c) => `${c.service}:${c.operation}`));

describe('declared AWS calls', async () => {
  const all = await declarers();

  it('finds the facets and resources of src/aws', () => {
    expect(all.length).toBeGreaterThan(25);
  });

  it.each(all.map((d) => [d.name, d] as const))('%s declares what it calls', (_name, d) => {
    const constructed = new Set(
      d.functions.flatMap((f) =>
        [...f.toString().matchAll(/new (\w+)Command\(/g)].map((m) => m[1]),
      ),
    );
    const declaredOperations = new Set(d.calls.map((c) => c.split(':')[1]));
    for (const operation of constructed) expect(declaredOperations).toContain(operation);
    for (const call of d.calls) {
      expect(known, `${call} is not called anywhere in src/`).toContain(call);
      const [service = '', operation = ''] = call.split(':');
      expect(iamActionsFor(service, operation).actions.length).toBeGreaterThan(0);
    }
  });
});
