// The statements Seawall owns in a policy document it shares with others (a bucket policy,
// a key policy): recognised by Sid ("Seawall..."), compared as a set of JSON values — AWS
// reorders and reformats what it stores — and merged back beside everybody else's, which
// are kept as they are unless the caller says one must go. One keyed list, two users.
import type { FieldDiff } from '../facet.ts';
import { type KeyedList, mergeKeyedList } from '../keyed-list.ts';
import {
  isSeawallSid,
  POLICY_VERSION,
  type PolicyDocument,
  type PolicyStatement,
  splitStatements,
  statementSetsEqual,
} from './policy-document.ts';

/** A policy's statements as a keyed list: the Sid is the key; "Seawall..." Sids are ours. */
export const ownedStatements: KeyedList<PolicyStatement> = {
  key: (statement) => statement.Sid,
  owns: isSeawallSid,
};

/**
 * Pure: Seawall's statements in the observed document versus the desired ones. One
 * difference for the whole set (field `Statement`): a statement's meaning can move
 * between Sids, so they are compared together.
 */
export function diffOwnedStatements(
  desired: PolicyStatement[],
  observed: PolicyDocument | undefined,
): FieldDiff[] {
  const { owned } = splitStatements(observed, isSeawallSid);
  if (statementSetsEqual(owned, desired)) return [];
  return [{ field: 'Statement', expected: desired, observed: owned }];
}

/**
 * Pure: the document to write — everybody else's statements (those `drop` rejects go)
 * and ours, first or last; undefined when nothing is left (the policy is deleted).
 */
export function mergeOwnedStatements(
  observed: PolicyDocument | undefined,
  desired: PolicyStatement[],
  options: { ours: 'first' | 'last'; drop?: (statement: PolicyStatement) => boolean },
): PolicyDocument | undefined {
  const all = mergeKeyedList(ownedStatements, observed?.Statement ?? [], desired, options);
  if (all.length === 0) return undefined;
  return {
    Version: POLICY_VERSION,
    ...(observed?.Id ? { Id: observed.Id } : {}),
    Statement: all,
  };
}
