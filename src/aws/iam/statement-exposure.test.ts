import { describe, expect, it } from 'vitest';
import type { PolicyStatement } from './policy-document.ts';
import { exposureOf } from './statement-exposure.ts';

const OWN = '111122223333';
const allow = (extra: Partial<PolicyStatement>): PolicyStatement => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});

describe('exposureOf', () => {
  it.each<[string, PolicyStatement, string | undefined]>([
    ['Principal "*"', allow({ Principal: '*' }), 'grants public access'],
    ['AWS "*"', allow({ Principal: { AWS: '*' } }), 'grants public access'],
    [
      'AWS ["*"] among others',
      allow({ Principal: { AWS: ['*', `arn:aws:iam::${OWN}:root`] } }),
      'grants public access',
    ],
    [
      'NotPrincipal',
      allow({ NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` } }),
      'grants public access',
    ],
    [
      '"*" pinned to an account',
      allow({ Principal: '*', Condition: { StringEquals: { 'aws:SourceAccount': OWN } } }),
      undefined,
    ],
    [
      '"*" pinned to an org',
      allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }),
      undefined,
    ],
    [
      '"*" with a wildcard account',
      allow({ Principal: '*', Condition: { StringLike: { 'aws:SourceAccount': '*' } } }),
      'grants public access',
    ],
    [
      '"*" from 0.0.0.0/0',
      allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }),
      'grants public access',
    ],
    [
      '"*" from a fixed range',
      allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
      undefined,
    ],
    [
      '"*" only over TLS (not a restriction)',
      allow({ Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
      'grants public access',
    ],
    [
      'a Deny to "*" (the TLS rule)',
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' },
      undefined,
    ],
    ['this account', allow({ Principal: { AWS: `arn:aws:iam::${OWN}:role/reader` } }), undefined],
    [
      'another account',
      allow({ Principal: { AWS: 'arn:aws:iam::444455556666:root' } }),
      'grants access to another account (444455556666)',
    ],
    [
      'another account by id',
      allow({ Principal: { AWS: '444455556666' } }),
      'grants access to another account (444455556666)',
    ],
    [
      'a service principal',
      allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } }),
      undefined,
    ],
  ])('%s → %s', (_what, statement, expected) => {
    expect(exposureOf(statement, OWN)).toBe(expected);
  });
});
