// A facet chain: the facets of one resource, in the order they run, declared as data (in
// the spirit of cert-manager's policy chains). Each link says which facet, how it gets
// its context from the chain's input, and when it applies; the chain runner (the kinds'
// ReconcileSteps) runs them in order and stops at the first error. Sharing a chain shares
// a behaviour: the secure-bucket chain protects a ProtectedBucket and a CostMonitor's log
// bucket alike.
import type { Facet } from './facet.ts';

export interface ChainLink<In> {
  readonly facet: Facet<unknown, unknown, unknown>;
  /** The facet's context, from the chain's input: pure. */
  context(input: In): unknown;
  /** The facet runs only when this says so (default: always). */
  when?(input: In): boolean;
}

export type FacetChain<In> = readonly ChainLink<In>[];

export function link<In, Ctx, O, D>(
  facet: Facet<Ctx, O, D>,
  context: (input: In) => Ctx,
  when?: (input: In) => boolean,
): ChainLink<In> {
  return {
    facet: facet as unknown as Facet<unknown, unknown, unknown>,
    context,
    ...(when ? { when } : {}),
  };
}

/** The SDK operations a chain's facets call. */
export function chainCalls<In>(chain: FacetChain<In>): string[] {
  return [...new Set(chain.flatMap((l) => l.facet.calls))].sort();
}
