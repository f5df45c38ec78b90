// Runs of the embedded engine started by this operator process. A run can take minutes,
// far longer than a reconcile should hold a worker, so it goes on in the background — in a
// child process with the spec's memory and time limits (src/dq/engine/isolated.ts), never
// on the operator's event loop — and the pipeline's reconciles poll it. The map is in
// memory on purpose: a run is only ever watched by the process that started it; a new
// process (after a crash, or a new leader) finds the run in status.currentRun but not
// here, and marks it failed.
import { randomBytes } from 'node:crypto';
import { type IsolatedRunRequest, type ResultsDocument, startIsolatedRun } from '../../dq/index.ts';

export type RunProgress =
  | { state: 'running' }
  | { state: 'finished'; document: ResultsDocument }
  | { state: 'crashed'; message: string };

/** Starts a run; the result never rejects for bad data (a FAILED document says why). */
export type PipelineRunner = (request: IsolatedRunRequest) => {
  result: Promise<ResultsDocument>;
  stop(reason: string): void;
};

interface Handle {
  progress: RunProgress;
  done: Promise<void>;
  stop(reason: string): void;
}

export class EmbeddedRuns {
  /** Names this process in status.currentRun.operator. */
  readonly operatorId: string;
  readonly #runs = new Map<string, Handle>();
  readonly #runner: PipelineRunner;
  readonly #onFinished: ((runId: string) => void) | undefined;

  constructor(
    options: {
      runner?: PipelineRunner;
      operatorId?: string;
      onFinished?: (runId: string) => void;
    } = {},
  ) {
    this.operatorId = options.operatorId ?? `embedded-${randomBytes(6).toString('hex')}`;
    this.#runner = options.runner ?? startIsolatedRun;
    this.#onFinished = options.onFinished;
  }

  /** Starts a run unless one with this id is already known. One run per id, ever. */
  start(runId: string, request: IsolatedRunRequest): void {
    if (this.#runs.has(runId)) return;
    const handle: Handle = {
      progress: { state: 'running' },
      done: Promise.resolve(),
      stop: () => {},
    };
    let run: ReturnType<PipelineRunner>;
    try {
      run = this.#runner(request);
    } catch (error) {
      run = { result: Promise.reject(error), stop: () => {} };
    }
    handle.stop = run.stop;
    handle.done = run.result
      .then(
        (document) => {
          handle.progress = { state: 'finished', document };
        },
        (error: unknown) => {
          handle.progress = {
            state: 'crashed',
            message: error instanceof Error ? error.message : String(error),
          };
        },
      )
      .finally(() => this.#onFinished?.(runId));
    this.#runs.set(runId, handle);
  }

  /** undefined: this process never started that run. */
  progress(runId: string): RunProgress | undefined {
    return this.#runs.get(runId)?.progress;
  }

  /** Forgets a finished run once its outcome is in status. */
  forget(runId: string): void {
    const handle = this.#runs.get(runId);
    if (handle && handle.progress.state !== 'running') this.#runs.delete(runId);
  }

  /** Ends every run in flight (operator shutdown): each is marked failed with the reason. */
  stopAll(reason: string): void {
    for (const handle of this.#runs.values())
      if (handle.progress.state === 'running') handle.stop(reason);
  }

  /** Waits for every run in flight (graceful shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.#runs.values()].map((h) => h.done));
  }

  get running(): number {
    return [...this.#runs.values()].filter((h) => h.progress.state === 'running').length;
  }
}
