import { describe, expect, it } from 'vitest';
import { markFailedCall } from './calls.ts';
import { classifyAwsError } from './errors.ts';

const sdkError = (name: string, fault: 'client' | 'server', status: number) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
  });

describe('classifyAwsError', () => {
  it.each([
    ['AccessDenied', 'client', 403, 'stalled', 'AccessDenied'],
    ['AccessDeniedException', 'client', 400, 'stalled', 'AccessDenied'],
    ['BucketAlreadyExists', 'client', 409, 'stalled', 'NameTaken'],
    ['MalformedPolicyDocumentException', 'client', 400, 'stalled', 'InvalidSpec'],
    ['ThrottlingException', 'client', 400, 'transient', 'AwsThrottled'],
    ['SlowDown', 'server', 503, 'transient', 'AwsThrottled'],
    ['TooManyRequestsException', 'client', 429, 'transient', 'AwsThrottled'],
    ['InternalError', 'server', 500, 'transient', 'AwsServerError'],
    ['ServiceUnavailable', 'server', 503, 'transient', 'AwsServerError'],
    ['SomethingNew', 'client', 403, 'stalled', 'AccessDenied'],
    ['NoSuchBucket', 'client', 404, 'transient', 'AwsClientError'],
  ] as const)('%s (%s %d) is %s/%s', (name, fault, status, kind, reason) => {
    expect(classifyAwsError(sdkError(name, fault, status))).toMatchObject({ kind, reason });
  });

  it('names the IAM action an AccessDenied needs, from the call that failed', () => {
    const error = sdkError('AccessDenied', 'client', 403);
    markFailedCall(error, 's3', 'HeadBucket');
    const found = classifyAwsError(error);
    expect(found).toMatchObject({ kind: 'stalled', reason: 'AccessDenied' });
    // HeadBucket is authorised as s3:ListBucket: the operation's name alone would mislead.
    expect(found?.message).toContain('s3:ListBucket');
  });

  describe('errors that only mean AWS has not propagated a recent change yet', () => {
    const shaped = (name: string, message: string, service: string, operation: string) => {
      const error = Object.assign(new Error(message), {
        name,
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
      markFailedCall(error, service, operation);
      return error;
    };
    it.each([
      [
        'MalformedPolicyDocumentException',
        'Policy contains a statement with one or more invalid principals.',
        'kms',
        'PutKeyPolicy',
        'InvalidPrincipal',
      ],
      [
        'MalformedPolicy',
        'Invalid principal in policy',
        's3',
        'PutBucketPolicy',
        'InvalidPrincipal',
      ],
      [
        'InvalidRequest',
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
        's3',
        'PutBucketReplication',
        'VersioningNotEnabled',
      ],
      [
        'InvalidInputException',
        "Service is unable to assume provided role. Please verify role's TrustPolicy",
        'glue',
        'CreateCrawler',
        'RoleNotAssumable',
      ],
      [
        'NotFoundException',
        "Key 'arn:aws:kms:x' does not exist",
        'kms',
        'CreateAlias',
        'KeyNotFound',
      ],
      [
        'InsufficientEncryptionPolicyException',
        'Insufficient permissions to access S3 bucket b or KMS key k.',
        'cloudtrail',
        'CreateTrail',
        'InsufficientEncryptionPolicy',
      ],
    ] as const)(
      '%s from %s:%s waits (stalls as %s when it lasts)',
      (name, message, service, operation, stallReason) => {
        const found = classifyAwsError(shaped(name, message, service, operation));
        expect(found).toMatchObject({
          kind: 'waiting',
          reason: 'AwaitingPropagation',
          awaiting: { stallReason },
        });
        if (found?.kind === 'waiting')
          expect(found.awaiting?.what).toContain(`${service}:${operation}`);
      },
    );

    it.each([
      ['MalformedPolicyDocumentException', 'The policy has a syntax error', 'kms', 'PutKeyPolicy'],
      [
        'InvalidRequest',
        'Destination bucket must have versioning enabled',
        's3',
        'PutBucketReplication',
      ],
      ['NotFoundException', 'Entity not found', 'glue', 'GetJob'],
    ] as const)('%s "%s" is what it says, not propagation', (name, message, service, operation) => {
      expect(classifyAwsError(shaped(name, message, service, operation))?.kind).not.toBe('waiting');
    });
  });

  it('treats a refused connection as transient', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(classifyAwsError(error)).toMatchObject({ kind: 'transient', reason: 'AwsUnreachable' });
  });

  it('leaves non-AWS values to the caller', () => {
    expect(classifyAwsError('boom')).toBeUndefined();
    expect(classifyAwsError(new Error('plain'))).toBeUndefined();
  });
});
