// `npm run bench`: the benchmarks under bench/ one after another (or those named), each in
// its own process, then a table of what each did and whether it wrote its JSON.
// Exits non-zero when one fails or writes no JSON. See bench/run-plan.ts for the usage.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultsDir } from './lib.ts';
import { BenchUsageError, benchmarksIn, planBench, resultState, USAGE } from './run-plan.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const available = benchmarksIn(readdirSync(benchDir));

let plan: ReturnType<typeof planBench>;
try {
  plan = planBench(process.argv.slice(2), available);
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (plan.list) {
  console.log(available.join('\n'));
  process.exit(0);
}

const outDir = plan.results ?? resultsDir;

function run(name: string): Promise<number> {
  return new Promise((resolve) => {
    // The same Node that runs this file (Node 24 from the npm `node` package).
    const child = spawn(process.execPath, [join(benchDir, `${name}.ts`), ...plan.args], {
      stdio: 'inherit',
      env: { ...process.env, ...(plan.results ? { SEAWALL_BENCH_RESULTS: plan.results } : {}) },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function readResult(name: string): { mtimeMs: number; text: string } | undefined {
  const file = join(outDir, `${name}.json`);
  try {
    return { mtimeMs: statSync(file).mtimeMs, text: readFileSync(file, 'utf8') };
  } catch {
    return undefined;
  }
}

const rows: { benchmark: string; exit: number; seconds: number; json: string }[] = [];
for (const name of plan.names) {
  console.log(`\n== bench ${name} ${plan.args.join(' ')}`.trimEnd());
  const started = Date.now();
  const exit = await run(name);
  rows.push({
    benchmark: name,
    exit,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    json: `${resultState(readResult(name), started)} (${join(outDir, `${name}.json`)})`,
  });
}
console.log('\nbenchmarks');
console.table(rows);
process.exit(rows.every((r) => r.exit === 0 && r.json.startsWith('written')) ? 0 : 1);
