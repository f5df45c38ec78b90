// What `npm run bench` runs (pure; bench/run.ts runs it): the benchmarks are the bench/*.ts
// files that are not helpers — lib.ts, the runner's own run.ts and run-*.ts, and the *-operator.ts
// child processes a benchmark starts. Each benchmark writes bench/results/<name>.json (or
// into $SEAWALL_BENCH_RESULTS), which is how the runner knows it finished its work.

export interface BenchPlan {
  /** Benchmarks to run, in order. */
  names: string[];
  /** Arguments for the one benchmark named (after `--`). */
  args: string[];
  /** Write results here instead of bench/results/. */
  results: string | undefined;
  list: boolean;
}

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export const USAGE = `usage: npm run bench -- [--list] [--results DIR] [NAME ...] [-- ARGS for one NAME]
  npm run bench                         every benchmark, one after another
  npm run bench -- runtime              one benchmark
  npm run bench -- runtime -- 200 4     one benchmark with its own arguments
  npm run bench -- --results /tmp/b     write the JSON there (bench/results/ keeps the recorded numbers)`;

/** Benchmark names among the files of bench/ (sorted). */
export function benchmarksIn(files: string[]): string[] {
  return files
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .filter((n) => n !== 'lib' && n !== 'run' && !n.startsWith('run-') && !n.endsWith('-operator'))
    .sort();
}

export function planBench(argv: string[], available: string[]): BenchPlan {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const args = split === -1 ? [] : argv.slice(split + 1);
  const names: string[] = [];
  let results: string | undefined;
  let list = false;
  for (let i = 0; i < own.length; i++) {
    const arg = own[i] as string;
    if (arg === '--list') list = true;
    else if (arg === '--results') {
      results = own[++i];
      if (!results) throw new BenchUsageError('--results needs a directory');
    } else if (arg.startsWith('-')) throw new BenchUsageError(`unknown option ${arg}`);
    else if (!available.includes(arg))
      throw new BenchUsageError(`no benchmark ${arg}; there are: ${available.join(', ')}`);
    else names.push(arg);
  }
  if (args.length > 0 && names.length !== 1)
    throw new BenchUsageError('arguments after -- go to exactly one named benchmark');
  return { names: names.length > 0 ? names : [...available], args, results, list };
}

/** What became of a benchmark's JSON: written by this run, or why not. */
export type ResultState = 'written' | 'missing' | 'stale' | 'invalid';

export function resultState(
  file: { mtimeMs: number; text: string } | undefined,
  startedAtMs: number,
): ResultState {
  if (!file) return 'missing';
  // Filesystem timestamps can trail the wall clock by a little; a second covers it.
  if (file.mtimeMs < startedAtMs - 1000) return 'stale';
  try {
    JSON.parse(file.text);
    return 'written';
  } catch {
    return 'invalid';
  }
}
