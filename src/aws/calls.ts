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
  return READ_PREFIXES.some((p) => operation.startsWith(p));
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
