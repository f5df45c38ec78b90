import { describe, expect, it } from 'vitest';
import { StalledError } from '../runtime/errors.ts';
import {
  assertOwnedOrAdoptable,
  diffTags,
  OWNER_TAG,
  ownershipOf,
  ownerValue,
  tagChanges,
  withOwnerTag,
} from './ownership.ts';

const me = 'ns/ProtectedBucket/raw';

describe('ownership', () => {
  it('ownerValue is <namespace>/<kind>/<name>', () => {
    expect(ownerValue({ namespace: 'ns', kind: 'ProtectedBucket', name: 'raw' })).toBe(me);
  });

  it.each([
    [{ [OWNER_TAG]: me }, 'owned'],
    [{}, 'unowned'],
    [undefined, 'unowned'],
    [{ [OWNER_TAG]: 'other/ProtectedBucket/x' }, 'other-owner'],
  ] as const)('ownershipOf(%j) = %s', (tags, expected) => {
    expect(ownershipOf(tags, me)).toBe(expected);
  });

  it.each([
    ['owned', { [OWNER_TAG]: me }, false, { adopted: false }],
    ['unowned, adopt', {}, true, { adopted: true }],
    ['unowned, no adopt', {}, false, { reason: 'NotOwned' }],
    [
      'another owner, adopt',
      { [OWNER_TAG]: 'x/ProtectedBucket/y' },
      true,
      { reason: 'OwnedByAnother' },
    ],
  ] as const)('assertOwnedOrAdoptable: %s', (_, tags, adopt, expected) => {
    const run = () => assertOwnedOrAdoptable({ what: 'bucket "b"', tags, owner: me, adopt });
    if ('reason' in expected) {
      expect(run).toThrow(StalledError);
      try {
        run();
      } catch (error) {
        expect((error as StalledError).reason).toBe(expected.reason);
        expect((error as StalledError).message).toContain('bucket "b"');
      }
    } else {
      expect(run()).toBe(expected.adopted);
    }
  });

  it('the owner tag always wins over a spec tag of the same key', () => {
    expect(withOwnerTag({ [OWNER_TAG]: 'spoof', a: '1' }, me)).toEqual({ [OWNER_TAG]: me, a: '1' });
  });

  it.each([
    ['equal', { a: '1' }, { a: '1' }, []],
    ['changed', { a: '1' }, { a: '2' }, ['tag:a']],
    ['missing', { a: '1' }, {}, ['tag:a']],
    ['extra', {}, { b: '1' }, ['tag:b']],
    ['aws: tags ignored', {}, { 'aws:cloudformation:stack': 'x' }, []],
  ])('diffTags: %s', (_, desired, observed, fields) => {
    expect(diffTags(desired, observed).map((d) => d.field)).toEqual(fields);
  });

  it('tagChanges sets what differs and removes what is extra (never aws: tags)', () => {
    expect(tagChanges({ a: '1', b: '2' }, { a: '1', b: '3', c: '4', 'aws:x': 'y' })).toEqual({
      set: { b: '2' },
      remove: ['c'],
    });
  });
});
