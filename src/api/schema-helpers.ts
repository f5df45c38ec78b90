// Small builders over TypeBox that keep every schema inside the subset Kubernetes
// accepts as a *structural* CRD schema (no anyOf/oneOf without a type, no $ref) while
// still giving TypeScript a precise static type. Everything in src/api is written once
// here and becomes: the TypeScript types (Static<>), the runtime validation of the CLI
// (ajv + CEL) and the CRDs in crds/ (scripts/generate-api.ts).
import { type TSchema, type TUnsafe, Type } from '@sinclair/typebox';

/** A CEL rule evaluated by the API server (x-kubernetes-validations) and by `seawall validate`. */
export interface CelRule {
  rule: string;
  message: string;
  /** JSONPath-ish field the error is reported on, relative to the schema node. */
  fieldPath?: string;
  reason?:
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueRequired'
    | 'FieldValueDuplicate';
}

/** A string restricted to literal values, rendered as `type: string, enum: [...]`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description: string; default?: T[number] },
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** Attaches CEL rules to a schema node. */
export function withRules<S extends TSchema>(schema: S, rules: CelRule[]): S {
  return { ...schema, 'x-kubernetes-validations': rules } as S;
}

/** A Go-style duration ("30s", "10m", "1h30m"), as Flux and Kubernetes write them. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

export function Duration(description: string, defaultValue?: string) {
  return Type.String({
    description,
    pattern: DURATION_PATTERN,
    maxLength: 32,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
}

/** A free-form string map (tags, labels). */
export function StringMap(description: string, maxProperties = 50) {
  return Type.Record(Type.String(), Type.String({ maxLength: 256 }), {
    description,
    maxProperties,
  });
}
