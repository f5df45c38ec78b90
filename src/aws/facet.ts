// A facet owns one AWS field group (bucket.versioning, key.rotation, ...). It observes
// AWS with read calls only, computes the desired value from the spec, diffs the two with
// a pure function and applies only when they differ and the policy allows it. The same
// facets serve the operator (apply), `seawall plan` (observe + diff) and drift reports.
import type { DriftItem } from '../api/common.ts';
import type { FacetMode } from '../runtime/mode.ts';

export interface FieldDiff {
  field: string;
  expected: unknown;
  observed: unknown;
}

export interface Facet<Ctx, Observed, Desired = Observed> {
  /** Stable name, `<resource>.<facet>`: shows in drift items, metrics and plan output. */
  readonly name: string;
  /**
   * The SDK operations observe and apply call (`s3:GetBucketVersioning`): what the facet
   * needs the operator's IAM policy to allow. A unit test holds each list to the code.
   */
  readonly calls: readonly string[];
  /** The AWS resource the facet reads and writes (ARN or s3://bucket). */
  resource(ctx: Ctx): string;
  /** Read calls only. */
  observe(ctx: Ctx): Promise<Observed>;
  /** Pure: the value the spec asks for. */
  desired(ctx: Ctx): Desired;
  /** Pure: what differs. Empty when AWS matches the spec. */
  diff(desired: Desired, observed: Observed): FieldDiff[];
  /** Write calls that make AWS match `desired`. */
  apply(ctx: Ctx, desired: Desired, observed: Observed): Promise<void>;
}

export type { FacetMode } from '../runtime/mode.ts';

export interface FacetOutcome<Observed = unknown> {
  facet: string;
  /** What observe read: later steps use it instead of reading again. */
  observed: Observed;
  resource: string;
  diffs: FieldDiff[];
  applied: boolean;
  /**
   * Drift items to record: for drift checks, and for `plan`, where they are the pending
   * changes (action Reported: nothing was done).
   */
  drift: DriftItem[];
}

export function renderValue(value: unknown): string {
  if (value === undefined) return '<absent>';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export async function runFacet<Ctx, O, D>(
  facet: Facet<Ctx, O, D>,
  ctx: Ctx,
  mode: FacetMode,
  now: Date,
): Promise<FacetOutcome<O>> {
  const observed = await facet.observe(ctx);
  const desired = facet.desired(ctx);
  const diffs = facet.diff(desired, observed);
  const resource = facet.resource(ctx);
  const apply = diffs.length > 0 && (mode === 'converge' || mode === 'correct');
  if (apply) await facet.apply(ctx, desired, observed);
  const drift: DriftItem[] =
    mode === 'correct' || mode === 'report' || mode === 'plan'
      ? diffs.map((d) => ({
          resource,
          facet: facet.name,
          field: d.field,
          expected: renderValue(d.expected),
          observed: renderValue(d.observed),
          action: mode === 'correct' ? 'Corrected' : 'Reported',
          detectedAt: now.toISOString(),
        }))
      : [];
  return { facet: facet.name, observed, resource, diffs, applied: apply, drift };
}

/** Compares two values as JSON semantics: key order never matters; array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** Field-by-field diff of flat records: the common case for facets. */
export function diffFields<T extends object>(
  desired: T,
  observed: Partial<T> | undefined,
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const [field, expected] of Object.entries(desired)) {
    const actual = (observed as Record<string, unknown> | undefined)?.[field];
    if (!jsonEqual(expected, actual)) diffs.push({ field, expected, observed: actual });
  }
  return diffs;
}
