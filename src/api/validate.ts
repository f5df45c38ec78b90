// Validates a Seawall object the way the API server will, without a cluster: structural
// defaulting, the OpenAPI schema (ajv over the same schemas the CRDs are built from),
// unknown fields (kubectl's default field validation is Strict), the CEL rules in
// `x-kubernetes-validations` (evaluated with cel-js, `self` bound to each node), plus
// checks the API server cannot make (DQDL rulesets of a QualityPipeline).
//
// Transition rules (those that read `oldSelf`) need the stored object and are skipped.
// Messages follow the API server's (`Invalid value: "<value>": ...`), with a
// did-you-mean for misspelt field names, enum values and DQDL rule types.
import { Environment } from '@marcbachmann/cel-js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseRuleset, undefinedReferences, validateForEmbedded } from '../dq/index.ts';
import { DEFAULT_SCHEDULE, parseGlueCron } from '../schedule/glue-cron.ts';
import { API_VERSION, GROUP } from './common.ts';
import { toOpenApi } from './crd.ts';
import type { KindDefinition } from './kind-definition.ts';
import { kinds } from './kinds.ts';
import type { CelRule } from './schema-helpers.ts';
import { didYouMean } from './suggest.ts';

/** A path into the object: keys and array indexes, from the object's root. */
export type ObjectPath = (string | number)[];

export interface ValidationIssue {
  /** Where the problem is (for line numbers). */
  path: ObjectPath;
  /** The same path as Kubernetes prints it: spec.backup.region, spec.buckets[0].name. */
  field: string;
  message: string;
  /** For a problem inside a multi-line string (a DQDL ruleset): the 1-based line in it. */
  valueLine?: number;
}

type JsonSchema = Record<string, unknown>;
type Json = unknown;

/** spec.backup.region, spec.buckets[0].maxObjects */
export function formatPath(path: ObjectPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out || '<root>';
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

// ajv-formats is CommonJS: its default export arrives as the module object under Node.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv) => Ajv;

// verbose: errors carry the offending value, which messages echo as the API server does.
const ajv = addFormats(
  new Ajv({
    allErrors: true,
    strict: false,
    validateFormats: true,
    useDefaults: false,
    verbose: true,
  }),
);
ajv.addKeyword({ keyword: 'x-kubernetes-validations' });
ajv.addKeyword({ keyword: 'x-kubernetes-list-type' });
ajv.addKeyword({ keyword: 'x-kubernetes-list-map-keys' });
ajv.addKeyword({ keyword: 'x-kubernetes-map-type' });
ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields' });

interface CompiledKind {
  schema: JsonSchema;
  validate: ValidateFunction;
}
const compiled = new Map<string, CompiledKind>();

function compiledSpec(def: KindDefinition): CompiledKind {
  let entry = compiled.get(def.kind);
  if (!entry) {
    const schema = toOpenApi(def.spec);
    entry = { schema, validate: ajv.compile(schema) };
    compiled.set(def.kind, entry);
  }
  return entry;
}

// The API server evaluates `matches` with RE2, where \p{L} is a Unicode class; cel-js
// compiles the pattern with a plain JavaScript RegExp, where it is not. Rules are run
// with `matches` mapped to a function that compiles in Unicode mode, which agrees with
// RE2 on the syntax the rules use (classes, anchors, \p{..}, alternation).
const celEnv = new Environment({ unlistedVariablesAreDyn: true }).registerFunction(
  'string.re2Matches(string): bool',
  (text: string, pattern: string) => new RegExp(pattern, 'u').test(text),
);

/** The rule as cel-js runs it (see celEnv). */
function forCelJs(rule: string): string {
  return rule.replace(/\.matches\(/g, '.re2Matches(');
}

/** True for a rule that compares with the stored object: only the API server can check it. */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

/** Every CEL rule of a schema, with the path (schema-wise) of its node. */
export function collectRules(schema: JsonSchema, at = 'spec'): { at: string; rule: CelRule }[] {
  const out: { at: string; rule: CelRule }[] = [];
  const rules = schema['x-kubernetes-validations'] as CelRule[] | undefined;
  for (const rule of rules ?? []) out.push({ at, rule });
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  for (const [key, child] of Object.entries(properties ?? {}))
    out.push(...collectRules(child, `${at}.${key}`));
  if (schema.items) out.push(...collectRules(schema.items as JsonSchema, `${at}[*]`));
  if (typeof schema.additionalProperties === 'object')
    out.push(...collectRules(schema.additionalProperties as JsonSchema, `${at}[*]`));
  return out;
}

/** Compiles a CEL rule with cel-js; throws with the parser's message when it cannot. */
export function compileRule(rule: string): void {
  celEnv.parse(forCelJs(rule));
}

/**
 * Validates one Seawall object. `object` is the parsed YAML document. Returns every
 * problem found (empty: the API server should accept it).
 */
export function validateObject(def: KindDefinition, object: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: ObjectPath, message: string, valueLine?: number) =>
    issues.push({
      path,
      field: formatPath(path),
      message,
      ...(valueLine === undefined ? {} : { valueLine }),
    });
  if (!isRecord(object)) {
    add([], 'a Kubernetes object must be a mapping');
    return issues;
  }
  if (object.apiVersion !== API_VERSION)
    add(['apiVersion'], `must be ${API_VERSION} (found ${JSON.stringify(object.apiVersion)})`);
  const metadata = object.metadata;
  if (!isRecord(metadata)) add(['metadata'], 'metadata.name is required');
  else {
    const name = metadata.name;
    if (typeof name !== 'string' || name === '') add(['metadata', 'name'], 'name is required');
    else if (!DNS_SUBDOMAIN.test(name))
      add(
        ['metadata', 'name'],
        'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "-" or ".", and must start and end with an alphanumeric character',
      );
  }
  for (const key of Object.keys(object)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(key))
      add([key], `unknown field "${key}"`);
  }
  if (!('spec' in object) || object.spec === null || object.spec === undefined) {
    add(['spec'], 'Required value');
    return issues;
  }
  const { schema, validate } = compiledSpec(def);
  const spec = structuredClone(object.spec);
  applyDefaults(schema, spec);

  const structural = new Set<string>();
  if (!validate(spec)) {
    for (const error of validate.errors ?? []) {
      const path = ['spec', ...pointerToPath(error.instancePath)];
      const issue = ajvIssue(error, path);
      structural.add(formatPath(issue.path));
      add(issue.path, issue.message);
    }
  }
  unknownFields(schema, spec, ['spec'], add);
  listTypes(schema, spec, ['spec'], add);
  evaluateRules(schema, spec, ['spec'], structural, add);
  if (def.kind === 'QualityPipeline') {
    dqdlIssues(spec, add);
    scheduleIssues(spec, issues, add);
  }
  return dedupe(issues);
}

export function kindOf(object: unknown): KindDefinition | undefined {
  if (!isRecord(object)) return undefined;
  return kinds.find((k) => k.kind === object.kind);
}

/** True for an object of Seawall's API group, whatever its kind or version. */
export function isSeawallObject(object: unknown): object is Record<string, unknown> {
  return (
    isRecord(object) &&
    typeof object.apiVersion === 'string' &&
    object.apiVersion.split('/')[0] === GROUP
  );
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointerToPath(pointer: string): ObjectPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The value as the API server echoes it: JSON for scalars (cut at 80 characters), nothing for objects. */
export function echo(value: unknown): string {
  if (value === null || typeof value === 'object' || value === undefined) return '';
  const text = JSON.stringify(value);
  return `${text.length > 80 ? `${text.slice(0, 77)}..."` : text}: `;
}

/** More than this many supported values are summarised (a region enum has dozens). */
const LISTED_VALUES = 12;

function ajvIssue(error: ErrorObject, path: ObjectPath): { path: ObjectPath; message: string } {
  const params = error.params as Record<string, unknown>;
  const value: unknown = error.data;
  switch (error.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'Required value' };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const listed =
        allowed.length <= LISTED_VALUES
          ? allowed.map((v) => JSON.stringify(v)).join(', ')
          : `${allowed.length} values, see \`kubectl explain\` or the JSON Schema`;
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return {
        path,
        message: `Unsupported value: ${echo(value)}supported values: ${listed}${hint}`,
      };
    }
    case 'type':
      return {
        path,
        message: `Invalid value: ${echo(value)}must be of type ${String(params.type)}`,
      };
    case 'pattern':
      return {
        path,
        message: `Invalid value: ${echo(value)}should match '${String(params.pattern)}'`,
      };
    case 'additionalProperties':
      return {
        path: [...path, String(params.additionalProperty)],
        message: `unknown field "${formatPath([...path, String(params.additionalProperty)])}"`,
      };
    default:
      return { path, message: `Invalid value: ${echo(value)}${error.message ?? error.keyword}` };
  }
}

/**
 * Structural defaulting as the API server does it: a missing property with a default
 * gets it (then is defaulted further); defaults apply inside objects that exist.
 */
export function applyDefaults(schema: JsonSchema, value: Json): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applyDefaults(schema.items as JsonSchema, item);
    return;
  }
  if (!isRecord(value)) return;
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  for (const [key, child] of Object.entries(properties ?? {})) {
    if (!(key in value) && child.default !== undefined) value[key] = structuredClone(child.default);
    if (key in value) applyDefaults(child, value[key]);
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (!properties || !(key in properties))
        applyDefaults(schema.additionalProperties as JsonSchema, child);
    }
  }
}

/** Fields the schema does not know: the API server refuses them under Strict validation. */
function unknownFields(
  schema: JsonSchema,
  value: Json,
  path: ObjectPath,
  add: (path: ObjectPath, message: string) => void,
): void {
  if (Array.isArray(value)) {
    if (schema.items)
      value.forEach((item, i) => {
        unknownFields(schema.items as JsonSchema, item, [...path, i], add);
      });
    return;
  }
  if (!isRecord(value)) return;
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (typeof schema.additionalProperties === 'object') {
    for (const [key, child] of Object.entries(value))
      unknownFields(schema.additionalProperties as JsonSchema, child, [...path, key], add);
    return;
  }
  if (!properties || schema['x-kubernetes-preserve-unknown-fields']) return;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties[key];
    if (!childSchema)
      add(
        [...path, key],
        `unknown field "${formatPath([...path, key])}"${didYouMean(key, Object.keys(properties))}`,
      );
    else unknownFields(childSchema, child, [...path, key], add);
  }
}

/** x-kubernetes-list-type map and set: no two items with the same key (or value). */
function listTypes(
  schema: JsonSchema,
  value: Json,
  path: ObjectPath,
  add: (path: ObjectPath, message: string) => void,
): void {
  if (Array.isArray(value)) {
    const type = schema['x-kubernetes-list-type'];
    const keys = schema['x-kubernetes-list-map-keys'] as string[] | undefined;
    if (type === 'map' || type === 'set') {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const identity =
          type === 'map' && isRecord(item)
            ? Object.fromEntries((keys ?? []).map((k) => [k, item[k]]))
            : item;
        const key = JSON.stringify(identity);
        if (seen.has(key)) add([...path, i], `Duplicate value: ${key}`);
        seen.add(key);
      });
    }
    if (schema.items)
      value.forEach((item, i) => {
        listTypes(schema.items as JsonSchema, item, [...path, i], add);
      });
    return;
  }
  if (!isRecord(value)) return;
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema =
      properties[key] ??
      (typeof schema.additionalProperties === 'object'
        ? (schema.additionalProperties as JsonSchema)
        : undefined);
    if (childSchema) listTypes(childSchema, child, [...path, key], add);
  }
}

/** The value as CEL sees it: integers (by schema) are CEL ints (BigInt), numbers doubles. */
function toCel(schema: JsonSchema, value: Json): unknown {
  if (schema.type === 'integer' && typeof value === 'number' && Number.isInteger(value))
    return BigInt(value);
  if (Array.isArray(value)) {
    const items = (schema.items as JsonSchema | undefined) ?? {};
    return value.map((v) => toCel(items, v));
  }
  if (isRecord(value)) {
    const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
    const extra =
      typeof schema.additionalProperties === 'object'
        ? (schema.additionalProperties as JsonSchema)
        : {};
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toCel(properties[k] ?? extra, v)]),
    );
  }
  return value;
}

function evaluateRules(
  schema: JsonSchema,
  value: Json,
  path: ObjectPath,
  structural: Set<string>,
  add: (path: ObjectPath, message: string) => void,
): void {
  if (value === undefined || value === null) return;
  // Children first, as the API server reports them in schema order; order is cosmetic.
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      evaluateRules(schema.items as JsonSchema, item, [...path, i], structural, add);
    });
  } else if (isRecord(value)) {
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    for (const [key, child] of Object.entries(properties ?? {})) {
      if (key in value) evaluateRules(child, value[key], [...path, key], structural, add);
    }
    if (typeof schema.additionalProperties === 'object') {
      for (const [key, child] of Object.entries(value)) {
        evaluateRules(
          schema.additionalProperties as JsonSchema,
          child,
          [...path, key],
          structural,
          add,
        );
      }
    }
  }
  const rules = schema['x-kubernetes-validations'] as CelRule[] | undefined;
  if (!rules?.length) return;
  // A node whose type is already wrong cannot be evaluated meaningfully.
  if (structural.has(formatPath(path))) return;
  const self = toCel(schema, value);
  for (const rule of rules) {
    if (isTransitionRule(rule.rule)) continue;
    const at = rule.fieldPath ? [...path, ...fieldPathParts(rule.fieldPath)] : path;
    let result: unknown;
    try {
      result = celEnv.evaluate(forCelJs(rule.rule), { self });
    } catch (error) {
      // The API server refuses an object whose rule fails to evaluate, too.
      add(at, `rule ${rule.rule} could not be evaluated: ${firstLine(error)}`);
      continue;
    }
    if (result !== true) add(at, `Invalid value: ${echo(value)}${rule.message}`);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function fieldPathParts(fieldPath: string): ObjectPath {
  return fieldPath
    .split('.')
    .filter(Boolean)
    .flatMap((part) => {
      const m = /^([^[]+)\[(\d+)\]$/.exec(part);
      return m ? [m[1] as string, Number(m[2])] : [part];
    });
}

/**
 * DQDL checks for a QualityPipeline (the API server cannot make them): spec.rules must
 * parse, and with the embedded engine every rule must be one it can evaluate.
 */
function dqdlIssues(
  spec: Json,
  add: (path: ObjectPath, message: string, valueLine?: number) => void,
): void {
  if (!isRecord(spec) || typeof spec.rules !== 'string') return;
  const engine = typeof spec.engine === 'string' ? spec.engine : 'embedded';
  const path = ['spec', 'rules'];
  const parsed = parseRuleset(spec.rules);
  if (!parsed.ok) {
    for (const e of parsed.errors)
      add(path, `DQDL line ${e.line}, column ${e.column}: ${e.message}`, e.line);
    return;
  }
  if (engine !== 'embedded') {
    const aliases = Array.isArray(spec.referenceData)
      ? spec.referenceData.flatMap((r) =>
          isRecord(r) && typeof r.alias === 'string' ? [r.alias] : [],
        )
      : [];
    for (const e of undefinedReferences(parsed.ruleset, aliases))
      add(path, `DQDL line ${e.line}, column ${e.column}: ${e.message}`, e.line);
    return;
  }
  for (const e of validateForEmbedded(parsed.ruleset))
    add(path, `DQDL line ${e.line}, column ${e.column}: ${e.message}`, e.line);
}

/**
 * The schedule through the operator's own cron parser: the CRD's patterns refuse most
 * bad schedules, the parser all of them (a descending range, W, a 2-minute list). Skipped
 * when the API server's rules already refused it, so one mistake is reported once.
 */
function scheduleIssues(
  spec: Json,
  issues: ValidationIssue[],
  add: (path: ObjectPath, message: string) => void,
): void {
  if (!isRecord(spec)) return;
  const schedule = spec.schedule ?? DEFAULT_SCHEDULE;
  if (typeof schedule !== 'string' || issues.some((i) => i.field === 'spec.schedule')) return;
  const parsed = parseGlueCron(schedule);
  if (!parsed.ok) add(['spec', 'schedule'], `Invalid value: ${echo(schedule)}${parsed.message}`);
}
