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
  /**
   * The same constraint in JSON Schema (draft-07), for the published JSON Schemas that
   * editors and kubeconform read. Left out where JSON Schema cannot say it (a comparison
   * of two fields, a duration range): those are checked by the API server and
   * `seawall validate` only. Never part of the CRD.
   */
  jsonSchema?: Record<string, unknown>;
}

/**
 * JSON Schema's if/then/else, for a rule's `jsonSchema`. Built from entries because a
 * literal `then` key makes an object look like a promise (and lint says so).
 */
export function jsonIf(
  condition: Record<string, unknown>,
  then: Record<string, unknown>,
  otherwise?: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries([
    ['if', condition],
    ['then', then],
    ...(otherwise ? [['else', otherwise]] : []),
  ]);
}

/** A CEL string literal (single-quoted) holding `text`, e.g. a regular expression. */
export function celString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A string restricted to literal values, rendered as `type: string, enum: [...]`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description: string; default?: T[number] },
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** Attaches CEL rules to a schema node (after any it already has). */
export function withRules<S extends TSchema>(schema: S, rules: CelRule[]): S {
  const existing = (schema as { 'x-kubernetes-validations'?: CelRule[] })[
    'x-kubernetes-validations'
  ];
  return { ...schema, 'x-kubernetes-validations': [...(existing ?? []), ...rules] } as S;
}

/**
 * A field that cannot change once set. The rule sits on the field itself, so the API
 * server's refusal names it (spec.bucketName, not spec) — a transition rule, which only
 * the API server can check: it needs the stored object.
 */
export function immutable<S extends TSchema>(schema: S, message: string): S {
  return withRules(schema, [{ rule: 'self == oldSelf', message }]);
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

/**
 * A Go duration bounded on both sides. CEL's duration() parses what the pattern admits
 * (Go's time.ParseDuration syntax), so the API server compares real durations.
 */
export function BoundedDuration(description: string, min: string, max: string) {
  return withRules(Duration(description), [
    {
      rule: `duration(self) >= duration('${min}') && duration(self) <= duration('${max}')`,
      message: `must be between ${min} and ${max}`,
    },
  ]);
}
