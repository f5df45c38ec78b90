import type { ResultsDocument } from '../results.ts';

/**
 * A results document with what differs between runs (timestamps) replaced, for golden
 * comparisons in unit and integration tests.
 */
export function normalize(document: ResultsDocument): ResultsDocument {
  return { ...document, startedAt: '<time>', finishedAt: '<time>' };
}
