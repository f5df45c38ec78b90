// How a reconcile may touch AWS. The runtime chooses it (reconcileOnce); the AWS facets
// obey it. Kept apart so that src/aws depends on nothing else of the runtime.
export type FacetMode =
  /** Apply every difference: a new resource or a new generation of the spec. */
  | 'converge'
  /** A drift check with driftPolicy Correct: apply and record as Corrected. */
  | 'correct'
  /** A drift check with driftPolicy Report: record as Reported, never apply. */
  | 'report'
  /** `seawall plan`: observe and diff only. */
  | 'plan';
