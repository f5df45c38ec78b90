// bucket.policy: the bucket-policy statements Seawall owns, recognised by Sid. Other
// statements (a person's, another tool's) are kept as they are — unless they open the
// protected bucket to the public or to another account: such a statement is drift,
// named by its Sid, and goes when Seawall puts its own statements back (S3 would refuse
// a public one under Block Public Access anyway, leaving the TLS rule unrestored). Ours
// are compared as JSON semantics, never as strings: S3 reformats what it stores.
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';
import { diffOwnedStatements, mergeOwnedStatements } from '../iam/owned-statements.ts';
import {
  isSeawallSid,
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
  renderPolicy,
} from '../iam/policy-document.ts';
import { exposureOf } from '../iam/statement-exposure.ts';
import { type BucketTarget, bucketArn, bucketResource } from './bucket.ts';

export interface BucketPolicyContext extends BucketTarget {
  /** The statements Seawall owns in this bucket's policy (Sids starting with "Seawall"). */
  statements: PolicyStatement[];
  /** The bucket's account: grants to any other account are exposure. */
  accountId: string;
}

export interface BucketPolicyState {
  document: PolicyDocument | undefined;
}

export interface BucketPolicyDesired {
  statements: PolicyStatement[];
  accountId: string;
}

/** Denies every request to the bucket and its objects that is not made over TLS. */
export function tlsOnlyStatement(bucket: string): PolicyStatement {
  const arn = bucketArn(bucket);
  return {
    Sid: 'SeawallDenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** A statement's name in drift items: its Sid, or its position. */
function statementLabel(statement: PolicyStatement, index: number): string {
  return statement.Sid ? statement.Sid : `#${index}`;
}

/** Pure: others' statements that open the bucket to the public or another account. */
export function exposingStatements(
  document: PolicyDocument | undefined,
  accountId: string,
): { label: string; statement: PolicyStatement; why: string }[] {
  return (document?.Statement ?? []).flatMap((statement, index) => {
    if (isSeawallSid(statement.Sid)) return [];
    const why = exposureOf(statement, accountId);
    return why ? [{ label: statementLabel(statement, index), statement, why }] : [];
  });
}

/** Pure: our statements in the observed document versus the desired ones, and exposure. */
export function diffBucketPolicy(
  desired: BucketPolicyDesired,
  observed: BucketPolicyState,
): FieldDiff[] {
  return [
    ...diffOwnedStatements(desired.statements, observed.document),
    ...exposingStatements(observed.document, desired.accountId).map((e) => ({
      field: `statement:${e.label}`,
      expected: '<absent>',
      observed: `${e.why}: ${JSON.stringify(e.statement)}`,
    })),
  ];
}

/** Pure: the document to write — everybody else's statements that expose nothing, then ours. */
export function mergeBucketPolicy(
  observed: PolicyDocument | undefined,
  statements: PolicyStatement[],
  accountId?: string,
): PolicyDocument | undefined {
  return mergeOwnedStatements(observed, statements, {
    ours: 'last',
    ...(accountId === undefined ? {} : { drop: (s) => exposureOf(s, accountId) !== undefined }),
  });
}

export const bucketPolicyFacet: Facet<BucketPolicyContext, BucketPolicyState, BucketPolicyDesired> =
  {
    name: 'bucket.policy',
    calls: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
    resource: (ctx) => bucketResource(ctx.bucket),
    async observe(ctx) {
      try {
        const out = await ctx.s3.send(new GetBucketPolicyCommand({ Bucket: ctx.bucket }));
        return { document: parsePolicy(out.Policy) };
      } catch (error) {
        if (isAwsError(error, 'NoSuchBucketPolicy')) return { document: undefined };
        throw error;
      }
    },
    desired: (ctx) => ({ statements: ctx.statements, accountId: ctx.accountId }),
    diff: diffBucketPolicy,
    async apply(ctx, desired, observed) {
      const next = mergeBucketPolicy(observed.document, desired.statements, desired.accountId);
      if (next === undefined) {
        await ctx.s3.send(new DeleteBucketPolicyCommand({ Bucket: ctx.bucket }));
        return;
      }
      await ctx.s3.send(
        new PutBucketPolicyCommand({ Bucket: ctx.bucket, Policy: renderPolicy(next) }),
      );
    },
  };
