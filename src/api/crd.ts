// Builds a CustomResourceDefinition from a KindDefinition. The schema objects are
// TypeBox schemas; serialising them through JSON drops TypeBox's symbol keys and
// leaves plain OpenAPI v3, which is what the API server wants.
import { CATEGORY, GROUP, VERSION } from './common.ts';
import type { KindDefinition } from './kind-definition.ts';

type JsonObject = Record<string, unknown>;

/**
 * The status an object shows before Seawall has written one. The API server applies
 * it when it reads an object without status, so kstatus (Flux), Argo CD and
 * `kubectl wait` see Reconciling=True / Ready=Unknown — never a healthy-looking object
 * with no conditions (which kstatus would call Current).
 */
export const UNSEEN_STATUS = {
  conditions: [
    {
      type: 'Ready',
      status: 'Unknown',
      reason: 'NotYetReconciled',
      message: 'Seawall has not reconciled this resource yet',
      lastTransitionTime: '1970-01-01T00:00:00Z',
    },
    {
      type: 'Reconciling',
      status: 'True',
      reason: 'NotYetReconciled',
      message: 'Seawall has not reconciled this resource yet',
      lastTransitionTime: '1970-01-01T00:00:00Z',
    },
  ],
};

/** Keys the structural schema of a CRD may carry; anything else is a bug in src/api. */
const ALLOWED_KEYS = new Set([
  'type',
  'description',
  'properties',
  'required',
  'items',
  'enum',
  'default',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'maxProperties',
  'additionalProperties',
  'nullable',
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);

/** Plain-JSON copy of a schema with TypeBox-only keys removed. */
export function toOpenApi(schema: unknown): JsonObject {
  const plain = JSON.parse(JSON.stringify(schema)) as JsonObject;
  return clean(plain);
}

function clean(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'patternProperties') {
      // TypeBox renders Record<string, T> as patternProperties; CRDs want additionalProperties.
      const [inner] = Object.values(value as JsonObject);
      out.additionalProperties = clean(inner as JsonObject);
      continue;
    }
    if (!ALLOWED_KEYS.has(key)) {
      if (key === 'additionalProperties' || key === '$id' || key === 'title') continue;
      throw new Error(`schema key ${key} is not allowed in a structural CRD schema`);
    }
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as JsonObject).map(([k, v]) => [k, clean(v as JsonObject)]),
      );
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = clean(value as JsonObject);
    } else if (key === 'x-kubernetes-validations') {
      // A rule's JSON Schema equivalent is for the published JSON Schemas, not the API server.
      out[key] = (value as JsonObject[]).map(({ jsonSchema: _, ...rule }) => rule);
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function buildCrd(def: KindDefinition): JsonObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      scope: def.scope ?? 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.printerColumns.map((c) => ({ ...c })),
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: def.description,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: 'APIVersion of this object.' },
                kind: { type: 'string', description: 'Kind of this object.' },
                metadata: { type: 'object' },
                spec: toOpenApi(def.spec),
                status: { ...toOpenApi(def.status), default: UNSEEN_STATUS },
              },
            },
          },
        },
      ],
    },
  };
}
