import { describe, expect, it } from 'vitest';
import type { AwsAccountSpec } from '../../api/awsaccount.ts';
import { type ChoiceInput, chooseAccount, type KnownAccount } from './choice.ts';

const spec = (namespaces: AwsAccountSpec['namespaces']): AwsAccountSpec => ({
  accountId: '111111111111',
  regions: ['ca-central-1'],
  namespaces,
});
const data: KnownAccount = {
  name: 'data',
  spec: spec([{ names: ['parks'], default: true, bucketPrefixes: ['parks-'] }]),
};
const shared: KnownAccount = {
  name: 'shared',
  spec: spec([
    { names: ['roads'], bucketPrefixes: ['roads-'] },
    { selector: { matchLabels: { team: 'parks' } }, bucketPrefixes: ['parks-'] },
  ]),
};
const other: KnownAccount = {
  name: 'other',
  spec: spec([{ names: ['parks'], default: true, bucketPrefixes: ['x-'] }]),
};

const choose = (input: Partial<ChoiceInput>) =>
  chooseAccount({ accounts: [data, shared], namespace: 'parks', labels: {}, ...input });

describe('which account an object is managed in', () => {
  it.each([
    {
      name: 'no AwsAccount at all: the operator (today)',
      input: { accounts: [] },
      want: 'operator',
    },
    { name: 'unset: the namespace default', input: {}, want: 'account:data' },
    { name: 'named and granted by name', input: { requested: 'data' }, want: 'account:data' },
    {
      name: 'named and granted by label',
      input: { requested: 'shared', labels: { team: 'parks' } },
      want: 'account:shared',
    },
    { name: 'named, not granted', input: { requested: 'shared' }, want: 'AccountNotGranted' },
    { name: 'named, missing', input: { requested: 'nope' }, want: 'AccountNotFound' },
    {
      name: 'granted but no default: must choose (no escape to the operator)',
      input: { namespace: 'roads' },
      want: 'AccountNotGranted',
    },
    {
      name: 'not mentioned anywhere: the operator',
      input: { namespace: 'elsewhere' },
      want: 'operator',
    },
    {
      name: 'not mentioned, the operator requires accounts',
      input: { namespace: 'elsewhere', requireAccount: true },
      want: 'AccountNotGranted',
    },
    {
      name: 'two defaults',
      input: { accounts: [data, other] },
      want: 'AccountAmbiguous',
    },
    {
      name: 'an empty selector grants nothing',
      input: {
        accounts: [
          { name: 'x', spec: spec([{ selector: { matchLabels: {} }, bucketPrefixes: [] }]) },
        ],
        requested: 'x',
      },
      want: 'AccountNotGranted',
    },
  ])('$name', ({ input, want }) => {
    const choice = choose(input as Partial<ChoiceInput>);
    const got =
      choice.kind === 'operator'
        ? 'operator'
        : choice.kind === 'account'
          ? `account:${choice.name}`
          : choice.reason;
    expect(got).toBe(want);
  });
});
