import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toOpenApi } from './crd.ts';
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
