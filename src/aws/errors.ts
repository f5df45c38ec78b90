// AWS SDK errors decide terminal versus retryable (after ACK's runtime): by error code
// first, then by $fault and HTTP status. Throttling and 5xx are transient; access denied,
// validation and "name taken" need a person.
import { AWAITING_PROPAGATION, type ErrorClass } from '../runtime/errors.ts';
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
  'AwsUnreachable',
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

/**
 * What AWS answers while a change made moments ago has not reached every service yet
 * (IAM, KMS and S3 are eventually consistent). Such an error waits, for a bounded time
 * (reconcileOnce), instead of stalling at once; after that it is what it says.
 */
interface PropagationShape {
  code: string;
  /** The message must match too: the same code also means a real mistake. */
  message?: RegExp;
  /** Only from this service (the failed call says which). */
  service?: string;
  awaited: string;
  stallReason: string;
}

export const PROPAGATION_SHAPES: PropagationShape[] = [
  {
    code: 'MalformedPolicyDocumentException',
    message: /invalid principal/i,
    awaited:
      'a principal named in the policy (a new IAM role becomes visible to KMS after a delay)',
    stallReason: 'InvalidPrincipal',
  },
  {
    code: 'MalformedPolicy',
    message: /invalid principal/i,
    awaited:
      'a principal named in the bucket policy (a new IAM role becomes visible to S3 after a delay)',
    stallReason: 'InvalidPrincipal',
  },
  {
    code: 'InvalidRequest',
    message: /versioning must be .?enabled/i,
    awaited: 'bucket versioning just enabled (S3 takes a moment to see it)',
    stallReason: 'VersioningNotEnabled',
  },
  {
    code: 'InvalidInputException',
    message: /assume/i,
    awaited: 'an IAM role Glue must assume (new roles become assumable after a delay)',
    stallReason: 'RoleNotAssumable',
  },
  {
    code: 'NotFoundException',
    service: 'kms',
    awaited: 'a KMS key created moments ago (new keys become visible after a delay)',
    stallReason: 'KeyNotFound',
  },
  {
    code: 'InsufficientEncryptionPolicyException',
    awaited: 'the KMS key policy CloudTrail needs (key policy changes propagate after a delay)',
    stallReason: 'InsufficientEncryptionPolicy',
  },
  {
    code: 'InsufficientS3BucketPolicyException',
    awaited:
      'the log bucket policy CloudTrail needs (bucket policy changes propagate after a delay)',
    stallReason: 'InsufficientS3BucketPolicy',
  },
  {
    code: 'InsufficientSnsTopicPolicyException',
    awaited: 'the SNS topic policy CloudTrail needs',
    stallReason: 'InsufficientSnsTopicPolicy',
  },
];

/** The propagation shape an SDK error has, if any. */
export function propagationShapeOf(error: unknown): PropagationShape | undefined {
  const code = awsErrorCode(error);
  if (!code) return undefined;
  const message = (error as SdkErrorShape).message ?? '';
  const call = failedCallOf(error);
  return PROPAGATION_SHAPES.find(
    (shape) =>
      shape.code === code &&
      (!shape.message || shape.message.test(message)) &&
      (!shape.service || shape.service === call?.service),
  );
}

export function classifyAwsError(error: unknown): ErrorClass | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorShape;
  const code = awsErrorCode(error) ?? '';
  const status = e.$metadata?.httpStatusCode;
  const message = `${code}: ${e.message ?? ''}`.trim();
  const propagation = propagationShapeOf(error);
  if (propagation) {
    const call = failedCallOf(error);
    return {
      kind: 'waiting',
      reason: AWAITING_PROPAGATION,
      message,
      requeueAfterMs: 1000,
      awaiting: {
        what: call
          ? `${propagation.awaited} [${call.service}:${call.operation}]`
          : propagation.awaited,
        stallReason: propagation.stallReason,
      },
    };
  }
  if (NETWORK.has(code) || NETWORK.has(e.code ?? '')) {
    // Say where: which call, which region, which endpoint did not answer.
    const call = failedCallOf(error);
    const where = call?.endpoint
      ? `AWS did not answer ${call.service}:${call.operation} in ${call.region} (${call.endpoint}): `
      : '';
    return { kind: 'transient', reason: 'AwsUnreachable', message: `${where}${message}` };
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
