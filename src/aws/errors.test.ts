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
