// Deequ's answers for the conformance corpus, cached. The corpus is generated, hashed
// (files, rules, the Python runner and the Deequ/Spark versions), and Deequ runs only when
// no answers exist for that hash — on a cold machine, once; after that the file is reused.
// Run `node test/conformance/deequ-baseline.ts` (scripts/test.sh does, before the tests).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus, type Dataset } from './corpus.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..', '..');

export interface DeequAnswer {
  outcome: string;
  failureReason: string | null;
  metrics: Record<string, number>;
}

export interface Baseline {
  key: string;
  seconds: number;
  datasets: Record<string, { schema: Record<string, string>; rules: Record<string, DeequAnswer> }>;
}

function cacheRoot(): string {
  return process.env.SEAWALL_CACHE ?? join(homedir(), '.cache', 'seawall');
}

/** The versions install-deequ.sh pins, read from the script so the key follows them. */
function versions(): string {
  const script = readFileSync(join(ROOT, 'scripts', 'install-deequ.sh'), 'utf8');
  return [...script.matchAll(/^(\w+_VERSION)="\$\{[^:]+:-([^}]+)\}"/gm)]
    .map((m) => `${m[1]}=${m[2]}`)
    .join(' ');
}

export interface Corpus {
  dir: string;
  key: string;
  datasets: Dataset[];
}

/** Generates the corpus into the cache and computes its key. */
export function corpus(): Corpus {
  const scratch = join(cacheRoot(), 'conformance', 'corpus');
  const datasets = buildCorpus(scratch);
  const hash = createHash('sha256');
  for (const d of datasets) {
    hash.update(JSON.stringify(d));
    hash.update(readFileSync(join(scratch, d.file)));
  }
  for (const file of ['run_deequ.py', 'deequ_session.py'])
    hash.update(readFileSync(join(HERE, file)));
  hash.update(versions());
  const key = hash.digest('hex').slice(0, 16);
  return { dir: scratch, key, datasets };
}

export function baselinePath(key: string): string {
  return join(cacheRoot(), 'conformance', `deequ-${key}.json`);
}

export function readBaseline(key: string): Baseline | undefined {
  const path = baselinePath(key);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Baseline) : undefined;
}

/** Runs Deequ over the corpus unless its answers are cached; returns them and whether it ran. */
export function ensureBaseline(): { baseline: Baseline; ran: boolean; seconds: number } {
  const started = performance.now();
  const { dir, key, datasets } = corpus();
  const cached = readBaseline(key);
  if (cached)
    return { baseline: cached, ran: false, seconds: (performance.now() - started) / 1000 };
  const install = join(ROOT, 'scripts', 'install-deequ.sh');
  const python = execFileSync('bash', [install], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
  const home = join(python, '..', '..', '..');
  mkdirSync(join(cacheRoot(), 'conformance'), { recursive: true });
  const manifest = join(cacheRoot(), 'conformance', `manifest-${key}.json`);
  writeFileSync(manifest, JSON.stringify({ key, dir, datasets }, null, 1));
  execFileSync(
    python,
    [join(HERE, 'run_deequ.py'), join(home, 'ivy', 'jars'), manifest, baselinePath(key)],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      cwd: HERE,
      env: { ...process.env, PYTHONPATH: HERE },
    },
  );
  const baseline = readBaseline(key);
  if (!baseline) throw new Error(`Deequ wrote no answers to ${baselinePath(key)}`);
  return { baseline, ran: true, seconds: (performance.now() - started) / 1000 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { baseline, ran, seconds } = ensureBaseline();
  const rules = Object.values(baseline.datasets).reduce(
    (n, d) => n + Object.keys(d.rules).length,
    0,
  );
  console.log(
    `conformance: Deequ answers for ${rules} rule cases (key ${baseline.key}) ${ran ? `computed by Deequ in ${seconds.toFixed(1)} s` : `cached, ${seconds.toFixed(1)} s`}`,
  );
}
