import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toOpenApi } from './crd.ts';
import { kinds } from './kinds.ts';
import { renderCrds } from './render.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('CRDs generated from src/api', () => {
  it.each(renderCrds())('$file is up to date (run `npm run gen`)', ({ file, yaml }) => {
    expect(readFileSync(`${root}/${file}`, 'utf8')).toBe(yaml);
  });

  it('turns a TypeBox record into additionalProperties', () => {
    const schema = toOpenApi({
      type: 'object',
      patternProperties: { '^(.*)$': { type: 'string' } },
    });
    expect(schema).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('refuses a schema keyword a structural CRD cannot carry', () => {
    expect(() => toOpenApi({ anyOf: [{ type: 'string' }] })).toThrow(/anyOf/);
  });
});

describe('every field explains itself (kubectl explain)', () => {
  const missing = (schema: Record<string, unknown>, path: string, out: string[]) => {
    const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, child] of Object.entries(properties)) {
      const childPath = `${path}.${name}`;
      if (typeof child.description !== 'string' || child.description.length === 0) {
        out.push(childPath);
      }
      missing(child, childPath, out);
      if (child.items) missing(child.items as Record<string, unknown>, `${childPath}[]`, out);
      if (typeof child.additionalProperties === 'object') {
        missing(child.additionalProperties as Record<string, unknown>, `${childPath}{}`, out);
      }
    }
  };
  it.each(kinds.map((k) => [k.kind, k] as const))('%s', (_kind, def) => {
    const out: string[] = [];
    missing(toOpenApi(def.spec), '.spec', out);
    missing(toOpenApi(def.status), '.status', out);
    expect(out).toEqual([]);
  });
});
