// JSON Schemas (draft-07) of the Seawall kinds, for editors (yaml-language-server) and
// kubeconform, generated from the same TypeBox source as the CRDs. Differences from the
// CRD's OpenAPI schema, each because a JSON Schema validator sees the object as written,
// not as the API server does:
// - unknown fields are refused (additionalProperties: false), as `kubectl apply`'s strict
//   field validation does;
// - a CEL rule becomes its JSON Schema equivalent where one exists (CelRule.jsonSchema,
//   written with the API server's defaulting in mind); the rest — comparisons between two
//   fields, duration ranges, keys unique by case or by a map key, transition rules — are
//   left to the API server and `seawall validate`;
// - x-kubernetes-* keywords are dropped (a `set` list becomes uniqueItems).
import { API_VERSION, GROUP, VERSION } from './common.ts';
import { toOpenApi } from './crd.ts';
import type { KindDefinition } from './kind-definition.ts';
import { kinds } from './kinds.ts';
import type { CelRule } from './schema-helpers.ts';

type JsonObject = Record<string, unknown>;

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$';

/** The file name kubeconform looks for by default: `{{ .ResourceKind }}{{ .KindSuffix }}.json`. */
export function jsonSchemaFileName(kind: string): string {
  return `${kind.toLowerCase()}-${GROUP.split('.')[0]}-${VERSION}.json`;
}

/** JSON Schema of one node; `closed`: unknown fields refused (spec), or tolerated (status). */
function strict(node: JsonObject, closed = true): JsonObject {
  const out: JsonObject = {};
  const constraints: JsonObject[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as JsonObject).map(([k, v]) => [k, strict(v as JsonObject, closed)]),
      );
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = strict(value as JsonObject, closed);
    } else if (key === 'x-kubernetes-validations') {
      for (const rule of value as CelRule[]) if (rule.jsonSchema) constraints.push(rule.jsonSchema);
    } else if (key === 'x-kubernetes-list-type') {
      if (value === 'set') out.uniqueItems = true;
    } else if (!key.startsWith('x-kubernetes-')) {
      out[key] = value;
    }
  }
  if (closed && out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if (constraints.length > 0) out.allOf = constraints;
  return out;
}

/** The JSON Schema of a whole object of this kind. */
export function jsonSchemaFor(def: KindDefinition): JsonObject {
  // Not toOpenApi: it drops CelRule.jsonSchema, which is what is wanted here.
  const spec = strict(plain(JSON.parse(JSON.stringify(def.spec)) as JsonObject));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${def.kind} (${API_VERSION})`,
    description: `${def.description} Generated from Seawall's API by \`npm run gen\`; what JSON Schema cannot express (comparisons between fields, duration bounds, immutable fields) is checked by the API server and \`seawall validate\`.`,
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { type: 'string', const: API_VERSION },
      kind: { type: 'string', const: def.kind },
      metadata: {
        type: 'object',
        description: 'Standard object metadata.',
        properties: {
          name: { type: 'string', maxLength: 253, pattern: DNS_SUBDOMAIN },
          namespace: { type: 'string', maxLength: 63 },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          annotations: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      spec,
      // Status is Seawall's to write; an exported object may carry fields of a newer version.
      status: strict(toOpenApi(def.status), false),
    },
  };
}

/** TypeBox's Record renders as patternProperties: the map's values, as additionalProperties. */
function plain(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'patternProperties') {
      const [inner] = Object.values(value as JsonObject);
      out.additionalProperties = plain(inner as JsonObject);
    } else if (key === '$id' || key === 'title') {
      // TypeBox bookkeeping.
    } else if (Array.isArray(value)) {
      out[key] = value.map((v) =>
        typeof v === 'object' && v !== null ? plain(v as JsonObject) : v,
      );
    } else if (typeof value === 'object' && value !== null) {
      out[key] =
        key === 'properties'
          ? Object.fromEntries(
              Object.entries(value as JsonObject).map(([k, v]) => [k, plain(v as JsonObject)]),
            )
          : plain(value as JsonObject);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Every kind's JSON Schema, as committed under schemas/. */
export function renderJsonSchemas(): { file: string; json: string }[] {
  return kinds.map((def) => ({
    file: `schemas/${jsonSchemaFileName(def.kind)}`,
    json: `${JSON.stringify(jsonSchemaFor(def), null, 2)}\n`,
  }));
}
