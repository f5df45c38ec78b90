import { describe, expect, it } from 'vitest';
import {
  type PolicyStatement,
  parsePolicy,
  splitStatements,
  statementSetsEqual,
  statementsEqual,
} from './policy-document.ts';

const base: PolicyStatement = {
  Sid: 'SeawallDenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

describe('statementsEqual: JSON semantics, not strings', () => {
  it.each<[string, PolicyStatement, boolean]>([
    ['identical', { ...base }, true],
    ['single value as a one-element list', { ...base, Action: ['s3:*'] }, true],
    ['resources reordered', { ...base, Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::b'] }, true],
    [
      'boolean condition value',
      { ...base, Condition: { Bool: { 'aws:SecureTransport': false } } },
      true,
    ],
    [
      'keys in another order',
      JSON.parse(
        JSON.stringify({
          Condition: base.Condition,
          Resource: base.Resource,
          Action: base.Action,
          Principal: '*',
          Effect: 'Deny',
          Sid: base.Sid,
        }),
      ),
      true,
    ],
    ['condition removed', { ...base, Condition: undefined }, false],
    ['effect flipped', { ...base, Effect: 'Allow' }, false],
    ['a resource missing', { ...base, Resource: 'arn:aws:s3:::b/*' }, false],
    ['principal narrowed', { ...base, Principal: { AWS: 'arn:aws:iam::1:root' } }, false],
  ])('%s → %s', (_, other, equal) => {
    expect(statementsEqual(base, other)).toBe(equal);
  });

  it('principal lists compare as sets', () => {
    expect(
      statementsEqual(
        { Effect: 'Allow', Principal: { AWS: ['a', 'b'] } },
        { Effect: 'Allow', Principal: { AWS: ['b', 'a'] } },
      ),
    ).toBe(true);
  });

  it('statement sets ignore order', () => {
    const other: PolicyStatement = { Sid: 'X', Effect: 'Allow', Action: 's3:GetObject' };
    expect(statementSetsEqual([base, other], [other, base])).toBe(true);
    expect(statementSetsEqual([base, other], [base])).toBe(false);
  });
});

describe('parsePolicy', () => {
  it.each([
    ['plain JSON', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}'],
    [
      'URL-encoded (IAM)',
      encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}'),
    ],
    ['a single statement object', '{"Version":"2012-10-17","Statement":{"Effect":"Allow"}}'],
  ])('%s', (_, text) => {
    expect(parsePolicy(text)?.Statement).toEqual([{ Effect: 'Allow' }]);
  });
  it('absent → undefined', () => expect(parsePolicy(undefined)).toBeUndefined());
});

describe('splitStatements', () => {
  it('separates owned statements by Sid, keeping the rest', () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [base, { Effect: 'Allow' }, { Sid: 'Mine', Effect: 'Deny' }],
      }),
    );
    const { owned, foreign } = splitStatements(doc, (sid) => sid?.startsWith('Seawall') ?? false);
    expect(owned).toHaveLength(1);
    expect(foreign).toHaveLength(2);
  });
});
