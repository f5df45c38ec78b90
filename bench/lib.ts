// Shared pieces of the benchmarks: process memory, result tables, JSON output, and the
// body of the operator processes they measure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { createLogger } from '../src/runtime/logger.ts';
import { type OperatorOptions, startOperator } from '../src/runtime/operator.ts';

/** Where results go: bench/results/, or $SEAWALL_BENCH_RESULTS (bench/run.ts --results). */
export const resultsDir =
  process.env.SEAWALL_BENCH_RESULTS ?? fileURLToPath(new URL('./results', import.meta.url));

/** Resident and peak resident memory of a process, in MiB (Linux /proc). */
export function memoryOf(pid: number): { rssMiB: number; peakRssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssMiB: round(kib('VmRSS') / 1024), peakRssMiB: round(kib('VmHWM') / 1024) };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

export function writeResults(name: string, data: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pooled<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The body of a benchmark's operator process: the real runtime on one namespace with a
 * 1-hour drift interval, /metrics on a free port printed as {"httpPort": N} for the parent
 * to read, and a clean stop on SIGTERM.
 */
export async function serveBenchOperator(
  kubeconfig: string,
  namespace: string,
  workers: number,
  options: Pick<OperatorOptions, 'reconcilers' | 'classifiers' | 'instrument'>,
): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const operator = await startOperator({
    kc,
    log: createLogger('warn'),
    ...options,
    namespaces: [namespace],
    workers,
    defaultDriftIntervalMs: 3_600_000,
    httpPort: 0,
    httpHost: '127.0.0.1',
  });
  console.log(JSON.stringify({ httpPort: operator.httpPort }));
  process.once('SIGTERM', () => {
    void operator.stop(5000).then(() => process.exit(0));
  });
}
