// Go-style durations ("90s", "10m", "1h30m") as Kubernetes and Flux write them.
import { DURATION_PATTERN } from '../api/schema-helpers.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  if (!new RegExp(DURATION_PATTERN).test(text))
    throw new Error(`invalid duration ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, value, , unit] of text.matchAll(/([0-9]+(\.[0-9]+)?)(ms|s|m|h)/g)) {
    total += Number(value) * (UNIT_MS[unit ?? 's'] ?? 0);
  }
  return Math.round(total);
}

/** Spreads periodic work so a thousand resources created together don't check together. */
export function withJitter(ms: number, fraction = 0.1, random = Math.random): number {
  return Math.round(ms * (1 - fraction + 2 * fraction * random()));
}
