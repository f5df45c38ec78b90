// IAM policy language as JSON semantics: AWS reorders keys, turns one-element arrays into
// strings (and back), URL-encodes documents and reformats whitespace. Comparing the
// normalised form keeps those from ever looking like drift. Used by the bucket policy,
// the key policy and the role's policies.

export type PolicyValue = string | string[];

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, PolicyValue>;
  NotPrincipal?: '*' | Record<string, PolicyValue>;
  Action?: PolicyValue;
  NotAction?: PolicyValue;
  Resource?: PolicyValue;
  NotResource?: PolicyValue;
  Condition?: Record<string, Record<string, PolicyValue | boolean>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Id?: string;
  Statement: PolicyStatement[];
}

export const POLICY_VERSION = '2012-10-17';

/** Parses a policy as AWS returns it: plain JSON, or URL-encoded (IAM). Statement may be one object. */
export function parsePolicy(text: string | undefined): PolicyDocument | undefined {
  if (!text) return undefined;
  const raw = text.trimStart().startsWith('{') ? text : decodeURIComponent(text);
  const parsed = JSON.parse(raw) as { Version?: string; Id?: string; Statement?: unknown };
  const statements = Array.isArray(parsed.Statement)
    ? parsed.Statement
    : parsed.Statement
      ? [parsed.Statement]
      : [];
  return {
    Version: POLICY_VERSION,
    ...(parsed.Id ? { Id: parsed.Id } : {}),
    Statement: statements as PolicyStatement[],
  };
}

function sortedList(value: PolicyValue | boolean): string[] {
  const list = Array.isArray(value) ? value : [String(value)];
  return [...new Set(list.map(String))].sort();
}

function normalizePrincipal(
  principal: PolicyStatement['Principal'],
): string | Record<string, string[]> | undefined {
  if (principal === undefined || principal === '*') return principal;
  return Object.fromEntries(
    Object.entries(principal)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, sortedList(v)]),
  );
}

/** A statement in canonical form: single values as sorted lists, keys sorted, no empty fields. */
export function normalizeStatement(statement: PolicyStatement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (statement.Sid) out.Sid = statement.Sid;
  out.Effect = statement.Effect;
  const principal = normalizePrincipal(statement.Principal);
  if (principal !== undefined) out.Principal = principal;
  const notPrincipal = normalizePrincipal(statement.NotPrincipal);
  if (notPrincipal !== undefined) out.NotPrincipal = notPrincipal;
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    const value = statement[key];
    if (value !== undefined) out[key] = sortedList(value);
  }
  if (statement.Condition) {
    out.Condition = Object.fromEntries(
      Object.entries(statement.Condition)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operator, block]) => [
          operator,
          Object.fromEntries(
            Object.entries(block)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sortedList(v)]),
          ),
        ]),
    );
  }
  return out;
}

export function statementsEqual(a: PolicyStatement, b: PolicyStatement): boolean {
  return JSON.stringify(normalizeStatement(a)) === JSON.stringify(normalizeStatement(b));
}

/** Statements compared as a set (AWS may reorder them), each as JSON semantics. */
export function statementSetsEqual(a: PolicyStatement[], b: PolicyStatement[]): boolean {
  const key = (s: PolicyStatement) => JSON.stringify(normalizeStatement(s));
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((s, i) => s === right[i]);
}

export function renderPolicy(document: PolicyDocument): string {
  return JSON.stringify(document);
}

/**
 * The statements a party owns in a shared document: those whose Sid is in `sids`.
 * Statements without a Sid or with another Sid belong to someone else and are kept.
 */
export function splitStatements(
  document: PolicyDocument | undefined,
  ownedSid: (sid: string | undefined) => boolean,
): { owned: PolicyStatement[]; foreign: PolicyStatement[] } {
  const owned: PolicyStatement[] = [];
  const foreign: PolicyStatement[] = [];
  for (const s of document?.Statement ?? []) (ownedSid(s.Sid) ? owned : foreign).push(s);
  return { owned, foreign };
}

/** Statements whose Sid starts with this are Seawall's; every other statement is left as is. */
export const SEAWALL_SID_PREFIX = 'Seawall';

export function isSeawallSid(sid: string | undefined): boolean {
  return sid?.startsWith(SEAWALL_SID_PREFIX) ?? false;
}
