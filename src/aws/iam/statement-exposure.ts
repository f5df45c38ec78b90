// Does a statement in a resource policy open the resource to the public or to another
// account? After S3's own definition of "public" (S3 User Guide, "The meaning of
// public"): an Allow to Principal "*" (or AWS "*") is public unless a condition pins it
// with fixed values to keys that identify a caller or a source — an account, an
// organization, a VPC, an ARN, a fixed IP range. Pure functions, table-tested.
import type { PolicyStatement, PolicyValue } from './policy-document.ts';

/** Condition keys that, with fixed values, make a Principal "*" statement non-public. */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:userid',
    'aws:SourceIp',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
    'kms:CallerAccount',
  ].map((k) => k.toLowerCase()),
);

/** Operators whose values are fixed (wildcards in StringLike/ArnLike still count if none is "*"). */
const FIXED_OPERATORS =
  /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)(IfExists)?$/;

function values(value: PolicyValue | boolean | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function isBroad(key: string, value: string): boolean {
  if (value === '*' || value === '') return true;
  // A source IP of 0.0.0.0/0 (or any /0–/7 range) restricts nothing.
  if (key === 'aws:sourceip') {
    const bits = Number(value.split('/')[1] ?? '32');
    return Number.isFinite(bits) && bits < 8;
  }
  return false;
}

/** True when the statement's conditions pin the caller or source to fixed values. */
function isRestricted(statement: PolicyStatement): boolean {
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (!FIXED_OPERATORS.test(operator)) continue;
    for (const [key, value] of Object.entries(block)) {
      const k = key.toLowerCase();
      const list = values(value);
      if (RESTRICTING_KEYS.has(k) && list.length > 0 && !list.some((v) => isBroad(k, v)))
        return true;
    }
  }
  return false;
}

function principalValues(statement: PolicyStatement): { star: boolean; aws: string[] } {
  const principal = statement.Principal;
  if (principal === undefined) return { star: false, aws: [] };
  if (principal === '*') return { star: true, aws: [] };
  const aws = values(principal.AWS);
  return { star: aws.includes('*'), aws };
}

/** An Allow open to anyone (S3's "public"). */
export function grantsPublicAccess(statement: PolicyStatement): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (statement.NotPrincipal !== undefined) return true;
  return principalValues(statement).star && !isRestricted(statement);
}

/** The account id a principal names (`123456789012`, `arn:aws:iam::123456789012:...`). */
export function accountOfPrincipal(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const match = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal);
  return match?.[1];
}

/** Accounts other than `ownAccount` that an Allow names as principals. */
export function crossAccountPrincipals(statement: PolicyStatement, ownAccount: string): string[] {
  if (statement.Effect !== 'Allow') return [];
  const accounts = principalValues(statement)
    .aws.map(accountOfPrincipal)
    .filter((a): a is string => a !== undefined && a !== ownAccount);
  return [...new Set(accounts)].sort();
}

/** Why a statement exposes the resource, or undefined when it does not. */
export function exposureOf(statement: PolicyStatement, ownAccount: string): string | undefined {
  if (grantsPublicAccess(statement)) return 'grants public access';
  const others = crossAccountPrincipals(statement, ownAccount);
  if (others.length > 0) return `grants access to another account (${others.join(', ')})`;
  return undefined;
}
