// bucket.policy: the bucket-policy statements Seawall owns, recognised by Sid. Other
// statements (a person's, another tool's) are kept as they are; ours are compared as JSON
// semantics, never as strings, because S3 reformats and reorders what it stores.
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import type { Facet, FieldDiff } from '../facet.ts';
import {
  diffOwnedStatements,
  isSeawallSid,
  POLICY_VERSION,
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
  renderPolicy,
  splitStatements,
} from '../iam/policy-document.ts';
import { type BucketTarget, bucketArn, bucketResource } from './bucket.ts';

export interface BucketPolicyContext extends BucketTarget {
  /** The statements Seawall owns in this bucket's policy (Sids starting with "Seawall"). */
  statements: PolicyStatement[];
}

export interface BucketPolicyState {
  document: PolicyDocument | undefined;
}

export interface BucketPolicyDesired {
  statements: PolicyStatement[];
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

/** Pure: our statements in the observed document versus the desired ones. */
export function diffBucketPolicy(
  desired: BucketPolicyDesired,
  observed: BucketPolicyState,
): FieldDiff[] {
  return diffOwnedStatements(desired.statements, observed.document);
}

/** Pure: the document to write — everybody else's statements, then ours. */
export function mergeBucketPolicy(
  observed: PolicyDocument | undefined,
  statements: PolicyStatement[],
): PolicyDocument | undefined {
  const { foreign } = splitStatements(observed, isSeawallSid);
  const all = [...foreign, ...statements];
  if (all.length === 0) return undefined;
  return {
    Version: POLICY_VERSION,
    ...(observed?.Id ? { Id: observed.Id } : {}),
    Statement: all,
  };
}

export const bucketPolicyFacet: Facet<BucketPolicyContext, BucketPolicyState, BucketPolicyDesired> =
  {
    name: 'bucket.policy',
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
    desired: (ctx) => ({ statements: ctx.statements }),
    diff: diffBucketPolicy,
    async apply(ctx, desired, observed) {
      const next = mergeBucketPolicy(observed.document, desired.statements);
      if (next === undefined) {
        await ctx.s3.send(new DeleteBucketPolicyCommand({ Bucket: ctx.bucket }));
        return;
      }
      await ctx.s3.send(
        new PutBucketPolicyCommand({ Bucket: ctx.bucket, Policy: renderPolicy(next) }),
      );
    },
  };
