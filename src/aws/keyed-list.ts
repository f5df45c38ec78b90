// A list AWS stores as one document whose items carry an id — lifecycle rules, replication
// rules, inventory configurations, policy statements by Sid — and of which Seawall owns
// some items (by id) and leaves the others to whoever made them. Pure: compare Seawall's
// items with what is there, and merge Seawall's back into the others'.
import type { FieldDiff } from './facet.ts';
import { jsonEqual } from './facet.ts';

export interface KeyedList<T> {
  /** The item's id (a rule ID, a Sid). */
  key(item: T): string | undefined;
  /** Is this id Seawall's? */
  owns(key: string | undefined): boolean;
  /** The item in its comparable form (AWS reformats what it stores). */
  normalize?(item: T): unknown;
  /** The field name a difference is reported under (default `<key>`). */
  field?(key: string): string;
}

/** Pure: Seawall's items, desired vs observed, one difference per id. */
export function diffKeyedList<T>(list: KeyedList<T>, desired: T[], observed: T[]): FieldDiff[] {
  const norm = (item: T | undefined) =>
    item === undefined ? undefined : (list.normalize?.(item) ?? item);
  const mine = observed.filter((item) => list.owns(list.key(item)));
  const keys = [...new Set([...desired, ...mine].map((item) => list.key(item) ?? ''))].sort();
  const diffs: FieldDiff[] = [];
  for (const key of keys) {
    const want = desired.find((item) => list.key(item) === key);
    const have = mine.find((item) => list.key(item) === key);
    if (!jsonEqual(norm(want), norm(have))) {
      diffs.push({ field: list.field?.(key) ?? key, expected: norm(want), observed: norm(have) });
    }
  }
  return diffs;
}

/**
 * Pure: the list to write — the others' items as they are (those `drop` rejects go), and
 * Seawall's desired ones, first or last.
 */
export function mergeKeyedList<T>(
  list: KeyedList<T>,
  observed: T[],
  desired: T[],
  options: { ours: 'first' | 'last'; drop?: (item: T) => boolean } = { ours: 'last' },
): T[] {
  const others = observed.filter((item) => !list.owns(list.key(item)) && !options.drop?.(item));
  return options.ours === 'first' ? [...desired, ...others] : [...others, ...desired];
}
