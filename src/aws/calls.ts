// Every AWS call Seawall makes is observed: counted in /metrics by service, operation
// and outcome, and visible to tests and benchmarks ("a steady-state check makes zero
// write calls").

export type CallOutcome = 'success' | 'error';

export interface AwsCall {
  service: string;
  operation: string;
  region: string;
  outcome: CallOutcome;
  errorCode?: string;
}

export type CallObserver = (call: AwsCall) => void;

const READ_PREFIXES = ['Get', 'List', 'Describe', 'Head', 'Lookup', 'Search', 'Check'];

/** True for calls that only read: they may run at any time, including in `plan`. */
export function isReadOperation(operation: string): boolean {
  // STS AssumeRole changes nothing in AWS: a session in an AwsAccount is what `plan` reads with.
  return operation === 'AssumeRole' || READ_PREFIXES.some((p) => operation.startsWith(p));
}

/** Collects calls in memory: for tests, benchmarks and `plan`'s "no write was made" guarantee. */
export class CallLog {
  readonly calls: AwsCall[] = [];
  readonly observer: CallObserver = (call) => {
    this.calls.push(call);
  };
  reads(): AwsCall[] {
    return this.calls.filter((c) => isReadOperation(c.operation));
  }
  writes(): AwsCall[] {
    return this.calls.filter((c) => !isReadOperation(c.operation));
  }
  clear(): void {
    this.calls.length = 0;
  }
}

const CALL = Symbol('seawall.awsCall');

export interface FailedCall {
  service: string;
  operation: string;
  region?: string;
  /** Where the call went (the endpoint), for "AWS did not answer" messages. */
  endpoint?: string;
}

/** Remembers on an SDK error which call failed (AWS's own message does not always say). */
export function markFailedCall(
  error: unknown,
  service: string,
  operation: string,
  where: { region?: string; endpoint?: string } = {},
): void {
  if (error && typeof error === 'object' && !(CALL in error)) {
    Object.defineProperty(error, CALL, {
      value: { service, operation, ...where },
      enumerable: false,
    });
  }
}

export function failedCallOf(error: unknown): FailedCall | undefined {
  if (!error || typeof error !== 'object') return undefined;
  return (error as { [CALL]?: FailedCall })[CALL];
}
