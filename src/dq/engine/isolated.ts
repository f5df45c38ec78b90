// An embedded run in a child process, so nothing a run does — a pathological input, a
// huge frequency table, a crash — can hold the operator's event loop, where leases are
// renewed, reconciles run and health checks are answered. The parent only waits: it
// enforces the spec's limits (memory by RSS and V8's heap limit, time by a timer), kills
// the child when one is crossed, and turns every way a child can end into a results
// document that says why.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import { quantityBytes } from '../../api/quantities.ts';
import type { ResultsDocument } from '../results.ts';
import type { EmbeddedPipelineOptions } from './pipeline.ts';
import { s3Store } from './store.ts';

/** What a child needs to reach S3: plain data, sent over IPC (never argv or env). */
export interface S3Access {
  region: string;
  endpoint?: string | undefined;
  /** Unset: the child uses the SDK's default chain (IRSA, Pod Identity, env), as the operator. */
  credentials?: AwsCredentialIdentity | undefined;
}

export interface RunLimits {
  memoryBytes: number;
  timeoutMs: number;
}

export type IsolatedPipelineOptions = Omit<EmbeddedPipelineOptions, 's3' | 'store' | 'onFailedRow'>;

export interface IsolatedRunRequest {
  options: IsolatedPipelineOptions;
  s3: S3Access;
  limits: RunLimits;
}

/** Messages from the child. */
export type ChildMessage =
  | { type: 'done'; document: ResultsDocument }
  | { type: 'error'; message: string };

const CHILD = fileURLToPath(new URL('./run-child.ts', import.meta.url));
/** How often the parent reads the child's resident memory. */
const WATCH_MS = 100;
const MiB = 1024 * 1024;

/** Resident memory of a process in bytes (Linux); undefined where /proc is missing. */
function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * MiB
    ? `${(bytes / 1024 / MiB).toFixed(1)} GiB`
    : `${Math.round(bytes / MiB)} MiB`;
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/**
 * The V8 heap gets a quarter of the limit: the rows live in DuckDB (native memory, under
 * its own memory_limit, counted in the resident size this parent watches), and V8 lets
 * garbage pile up to its heap limit before it collects hard — a large heap limit would have
 * the run killed for garbage.
 */
export function heapLimitMiB(memoryBytes: number): number {
  return Math.max(48, Math.floor((memoryBytes * 0.25) / MiB));
}

/**
 * The scratch disk a run may use when its request does not say: SEAWALL_DQ_DISK_LIMIT
 * (bytes, or a Kubernetes quantity such as 2Gi), which a deployment sets to the size of
 * the volume behind the temporary folder. Unset: no limit of the engine's own.
 */
export function diskLimitFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.SEAWALL_DQ_DISK_LIMIT?.trim();
  if (!text) return undefined;
  const bytes = quantityBytes(text);
  if (bytes === undefined)
    throw new Error(`SEAWALL_DQ_DISK_LIMIT=${text} is not a size (bytes, or 512Mi, 2Gi, ...)`);
  return bytes;
}

export interface IsolatedRun {
  /** The run's document: the child's own, or a FAILED one saying why the child ended. */
  result: Promise<ResultsDocument>;
  /** The child's pid (tests watch it). */
  pid: number | undefined;
  /** Ends the run now (operator shutdown): the result says it was stopped. */
  stop(reason: string): void;
}

/**
 * Starts a run in a child process. The result never rejects: a child that is killed, crashes
 * or breaks a limit gives a FAILED document with the reason (`failedDocument`).
 */
export function startIsolatedRun(request: IsolatedRunRequest): IsolatedRun {
  const { limits } = request;
  // Read first: a malformed SEAWALL_DQ_DISK_LIMIT fails the start before anything exists.
  const diskBytes = request.options.diskBytes ?? diskLimitFromEnvironment();
  // The run's scratch folder is the parent's to remove: a killed child leaves its staged
  // objects and spill files behind.
  const scratch = mkdtempSync(join(request.options.spillDirectory ?? tmpdir(), 'seawall-run-'));
  request = {
    ...request,
    options: {
      ...request.options,
      spillDirectory: scratch,
      ...(diskBytes === undefined ? {} : { diskBytes }),
    },
  };
  const child: ChildProcess = fork(CHILD, [], {
    // A small young generation: V8's default lets it take tens of MiB of the limit.
    execArgv: [
      `--max-old-space-size=${heapLimitMiB(limits.memoryBytes)}`,
      '--max-semi-space-size=4',
    ],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // glibc gives each thread that allocates (DuckDB's and libuv's) an arena of its own that
    // keeps freed memory: two arenas keep the resident size near what the run holds.
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  let verdict: string | undefined;
  let document: ResultsDocument | undefined;
  let peak = 0;
  const kill = (reason: string): void => {
    verdict ??= reason;
    child.kill('SIGKILL');
  };
  const watch = setInterval(() => {
    if (child.pid === undefined) return;
    const rss = residentBytes(child.pid);
    if (rss === undefined) return;
    peak = Math.max(peak, rss);
    if (rss > limits.memoryBytes)
      kill(
        `the run used more than its memory limit of ${formatBytes(limits.memoryBytes)} (spec.embedded.memoryLimit) and was stopped`,
      );
  }, WATCH_MS);
  const timer = setTimeout(
    () =>
      kill(
        `the run took longer than its time limit of ${formatDuration(limits.timeoutMs)} (spec.embedded.timeout) and was stopped`,
      ),
    limits.timeoutMs,
  );
  // Timers of a run must not keep an operator that is shutting down alive.
  watch.unref();
  timer.unref();
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'done') document = message.document;
    else verdict ??= message.message;
  });
  const result = new Promise<ResultsDocument>((resolve) => {
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      // 'error' without 'exit' (the process never started) ends the run too, once.
      if (ended) return;
      ended = true;
      clearInterval(watch);
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      if (document && !verdict) {
        resolve(document);
        return;
      }
      let reason = verdict;
      if (!reason && /heap out of memory|Reached heap limit/i.test(stderr)) {
        reason = `the run used more than its memory limit of ${formatBytes(limits.memoryBytes)} (spec.embedded.memoryLimit): the engine ran out of heap`;
      }
      reason ??= `the run's process ended unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
      const failed = failedDocument(request.options, reason);
      // The run's record under the results prefix, as a run that ended itself leaves one;
      // best effort: status says why either way.
      void recordFailure(request, failed).finally(() => resolve(failed));
    };
    child.once('exit', end);
    child.once('error', (error) => {
      verdict ??= `could not start the run's process: ${error.message}`;
      if (child.pid === undefined) end(null, null);
    });
  });
  child.send({ type: 'run', request });
  return {
    result,
    pid: child.pid,
    stop: (reason) => kill(reason),
  };
}

/** Writes the FAILED document the child could not write; never throws. */
async function recordFailure(
  request: IsolatedRunRequest,
  document: ResultsDocument,
): Promise<void> {
  if (request.options.writeOutputs === false) return;
  const { s3 } = request;
  const client = new S3Client({
    region: s3.region,
    maxAttempts: 3,
    ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}),
    ...(s3.credentials ? { credentials: s3.credentials } : {}),
  });
  const { results, runId } = request.options;
  const prefix =
    results.prefix === '' || results.prefix.endsWith('/') ? results.prefix : `${results.prefix}/`;
  try {
    await s3Store(client).put(
      results.bucket,
      `${prefix}${runId}.json`,
      `${JSON.stringify(document, null, 2)}\n`,
      'application/json',
    );
  } catch {
    // status.lastRun carries the reason
  } finally {
    client.destroy();
  }
}

/** The results document of a run that ended without one of its own. */
export function failedDocument(options: IsolatedPipelineOptions, error: string): ResultsDocument {
  const now = new Date().toISOString();
  return {
    apiVersion: 'seawall.io/v1alpha1',
    kind: 'DataQualityRunResult',
    runId: options.runId,
    engine: 'embedded',
    status: 'FAILED',
    error,
    startedAt: now,
    finishedAt: now,
    score: null,
    rules: { total: 0, passed: 0, failed: 0, errored: 0 },
    rows: { processed: 0, passed: 0, failed: 0, malformed: 0 },
    ruleResults: [],
    source: {
      bucket: options.source.bucket,
      prefix: options.source.prefix,
      format: options.source.format,
      objects: [],
    },
    outputs: { trusted: [], quarantine: [] },
  };
}
