// AWS SDK errors decide terminal versus retryable (after ACK's runtime): by error code
// first, then by $fault and HTTP status. Throttling and 5xx are transient; access denied,
// validation and "name taken" need a person.
import type { ErrorClass } from '../runtime/errors.ts';
import { failedCallOf } from './calls.ts';
import { deniedCallHint } from './iam-policy.ts';

interface SdkErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'OperationAborted',
  'ConcurrentModificationException',
  'ConflictException',
]);

/** Codes that no retry can fix: the spec or the account must change. */
const TERMINAL = new Map<string, string>([
  ['AccessDenied', 'AccessDenied'],
  ['AccessDeniedException', 'AccessDenied'],
  ['UnauthorizedOperation', 'AccessDenied'],
  ['InvalidClientTokenId', 'InvalidCredentials'],
  ['UnrecognizedClientException', 'InvalidCredentials'],
  ['SignatureDoesNotMatch', 'InvalidCredentials'],
  ['ExpiredToken', 'InvalidCredentials'],
  ['BucketAlreadyExists', 'NameTaken'],
  ['InvalidBucketName', 'InvalidSpec'],
  ['IllegalLocationConstraintException', 'InvalidSpec'],
  ['InvalidLocationConstraint', 'InvalidSpec'],
  ['MalformedPolicy', 'InvalidSpec'],
  ['MalformedPolicyDocumentException', 'InvalidSpec'],
  ['MalformedPolicyDocument', 'InvalidSpec'],
  ['InvalidArgument', 'InvalidSpec'],
  ['InvalidRequest', 'InvalidSpec'],
  ['ValidationException', 'InvalidSpec'],
  ['ValidationError', 'InvalidSpec'],
  ['InvalidParameterValue', 'InvalidSpec'],
  ['InvalidParameterValueException', 'InvalidSpec'],
  ['InvalidParameterCombination', 'InvalidSpec'],
  ['InvalidInputException', 'InvalidSpec'],
  ['KMSInvalidStateException', 'KeyNotUsable'],
  ['DisabledException', 'KeyNotUsable'],
  ['NotFoundException', 'NotFound'],
  ['InvalidArnException', 'InvalidSpec'],
  ['OptInRequired', 'AccountNotReady'],
]);

export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorShape;
  return e.Code ?? e.name ?? e.code;
}

export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.includes(code);
}

/** Network failures from Node (the emulator or AWS unreachable). */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
  'AbortError',
  'NetworkingError',
]);

export function classifyAwsError(error: unknown): ErrorClass | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorShape;
  const code = awsErrorCode(error) ?? '';
  const status = e.$metadata?.httpStatusCode;
  const message = `${code}: ${e.message ?? ''}`.trim();
  if (NETWORK.has(code) || NETWORK.has(e.code ?? '')) {
    return { kind: 'transient', reason: 'AwsUnreachable', message };
  }
  if (THROTTLING.has(code) || status === 429)
    return { kind: 'transient', reason: 'AwsThrottled', message };
  const terminal = TERMINAL.get(code);
  if (terminal)
    return { kind: 'stalled', reason: terminal, message: withDeniedHint(terminal, message, error) };
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) {
    return { kind: 'transient', reason: 'AwsServerError', message };
  }
  if (status === 403) {
    return {
      kind: 'stalled',
      reason: 'AccessDenied',
      message: withDeniedHint('AccessDenied', message, error),
    };
  }
  if (e.$fault === 'client') return { kind: 'transient', reason: 'AwsClientError', message };
  return undefined;
}

/**
 * An AccessDenied names the IAM action to grant: S3 answers a denied HEAD with no body
 * and often a bare "Access Denied", so the call the SDK made is the only sure witness.
 */
function withDeniedHint(reason: string, message: string, error: unknown): string {
  const call = failedCallOf(error);
  if (reason !== 'AccessDenied' || !call) return message;
  return `${message} (${deniedCallHint(call.service, call.operation)})`;
}
