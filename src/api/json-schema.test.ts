import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { jsonSchemaFileName, jsonSchemaFor, renderJsonSchemas } from './json-schema.ts';
import { kinds } from './kinds.ts';
import { protectedBucketKind } from './protectedbucket.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('JSON Schemas generated from src/api', () => {
  it.each(renderJsonSchemas())('$file is up to date (run `npm run gen`)', ({ file, json }) => {
    expect(readFileSync(`${root}/${file}`, 'utf8')).toBe(json);
  });

  it('are named as kubeconform looks for them by default', () => {
    expect(jsonSchemaFileName('ProtectedBucket')).toBe('protectedbucket-seawall-v1alpha1.json');
  });

  it('carry no Kubernetes extension and refuse unknown fields', () => {
    const text = JSON.stringify(jsonSchemaFor(protectedBucketKind));
    expect(text).not.toContain('x-kubernetes-');
    const spec = jsonSchemaFor(protectedBucketKind).properties as Record<
      string,
      { additionalProperties?: unknown }
    >;
    expect(spec.spec?.additionalProperties).toBe(false);
  });

  it('accept every Seawall object of the Vancouver example (ajv, draft-07)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validators = new Map(kinds.map((k) => [k.kind, ajv.compile(jsonSchemaFor(k))]));
    const files = [
      'raw-data-bucket.yaml',
      'parking-meters.yaml',
      'street-trees.yaml',
      'cost-monitor.yaml',
    ];
    for (const file of files) {
      const text = readFileSync(`${root}/examples/vancouver/${file}`, 'utf8');
      for (const doc of parseAllDocuments(text, { version: '1.1' })) {
        const object = doc.toJS() as { kind: string };
        const validate = validators.get(object.kind);
        expect(validate, object.kind).toBeDefined();
        expect(validate?.(object), `${file}: ${JSON.stringify(validate?.errors)}`).toBe(true);
      }
    }
  });
});
