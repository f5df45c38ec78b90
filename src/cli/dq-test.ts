// `seawall dq test`: try DQDL rules on local files before they go to Git. The rules come
// from a DQDL file or a QualityPipeline YAML (its spec.rules, format and CSV options);
// the data from CSV, JSON Lines or Parquet files (gzip too). It runs the engine the
// operator runs (runEmbeddedPipeline, over a local-folder store instead of S3), prints a
// per-rule table and the first failing rows with their reasons, and exits 0 when every
// rule passes, 1 when one does not, 2 on an error (bad rules, unreadable data, usage).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import {
  type FailedRow,
  localStore,
  parseRuleset,
  type ResultsDocument,
  runEmbeddedPipeline,
  type SourceFormat,
  validateForEmbedded,
} from '../dq/index.ts';

const HELP = `Usage: seawall dq test --rules FILE [options] DATA [DATA ...]

Runs DQDL rules over local files with the engine the operator runs (engine embedded) and
prints each rule's outcome and metrics, then the first failing rows and why they failed.
Exit code: 0 every rule passed, 1 a rule failed, 2 an error (rules, data or usage).

  -r, --rules FILE       a DQDL file, or a QualityPipeline YAML (its spec.rules, source
                         format and CSV options are used)
  DATA                   files or folders (searched recursively) of CSV (with a header),
                         JSON Lines or Parquet; .gz for gzip
      --format FORMAT    csv, jsonl or parquet (default: the YAML's, else by extension)
      --delimiter CHAR   CSV field delimiter (default ,)
      --now TIME         what now() means in rules (ISO-8601; default: now)
      --rows N           failing rows to show (default 10)
  -o, --output FORMAT    text (default) or json`;

class UsageError extends Error {}

interface RulesInput {
  rules: string;
  format?: SourceFormat;
  delimiter?: string;
  quote?: string;
  escape?: string;
}

/** Rules from a DQDL file or the first QualityPipeline in a YAML file. */
export function readRules(file: string): RulesInput {
  const text = readFileSync(file, 'utf8');
  if (!/\.ya?ml$/i.test(file)) return { rules: text };
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS() as {
      kind?: string;
      spec?: {
        rules?: string;
        source?: {
          format?: SourceFormat;
          csv?: { delimiter?: string; quote?: string; escape?: string };
        };
      };
    } | null;
    if (object?.kind !== 'QualityPipeline' || typeof object.spec?.rules !== 'string') continue;
    const csv = object.spec.source?.csv ?? {};
    return {
      rules: object.spec.rules,
      ...(object.spec.source?.format ? { format: object.spec.source.format } : {}),
      ...csv,
    };
  }
  throw new UsageError(`${file} holds no QualityPipeline with spec.rules`);
}

/** The format a file's name says (csv, csv.gz, jsonl, ndjson, json, parquet). */
export function formatOf(file: string): SourceFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv') || name.endsWith('.tsv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  if (name.endsWith('.parquet')) return 'parquet';
  return undefined;
}

function filesUnder(path: string): string[] {
  const full = resolve(path);
  const stats = statSync(full, { throwIfNoEntry: false });
  if (!stats) throw new UsageError(`${path} does not exist`);
  if (stats.isFile()) return [full];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && formatOf(e.name) !== undefined)
    .map((e) => resolve(e.parentPath, e.name))
    .sort();
}

function cell(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat.padEnd(width);
}

function metricText(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(
      ([name, value]) =>
        `${name}=${Number.isInteger(value) ? value : Number(value.toPrecision(6))}`,
    )
    .join(' ');
}

function printText(document: ResultsDocument, failing: FailedRow[], failedRows: number): void {
  if (document.status === 'FAILED') {
    console.error(`seawall dq test: ${document.error}`);
    return;
  }
  const rows = document.rows;
  console.log(
    `${document.rules.passed}/${document.rules.total} rules passed (score ${Number((document.score ?? 0).toFixed(4))}) over ${rows.processed} rows in ${document.source.objects.length} file(s): ${rows.passed} pass every rule, ${rows.failed} fail${rows.malformed ? ` (${rows.malformed} malformed)` : ''}\n`,
  );
  const width = Math.min(60, Math.max(4, ...document.ruleResults.map((r) => r.rule.length)));
  console.log(`${'RULE'.padEnd(8)} ${'OUTCOME'.padEnd(7)} ${'DQDL'.padEnd(width)} METRICS / WHY`);
  for (const r of document.ruleResults) {
    const detail = [metricText(r.evaluatedMetrics), r.message ?? ''].filter(Boolean).join('  ');
    console.log(`${r.name.padEnd(8)} ${r.outcome.padEnd(7)} ${cell(r.rule, width)} ${detail}`);
  }
  if (failing.length === 0) return;
  console.log(`\nFirst failing rows (${failing.length} of ${failedRows}):`);
  for (const row of failing) {
    console.log(`  ${row.object} record ${row.record}: ${JSON.stringify(row.values)}`);
    for (const f of row.failures)
      console.log(`    ${f.rule ? `${f.name} ${f.rule}: ` : ''}${f.reason}`);
  }
}

export async function dqTestCommand(argv: string[]): Promise<number> {
  let values: {
    rules?: string;
    format?: string;
    delimiter?: string;
    now?: string;
    rows?: string;
    output?: string;
    help?: boolean;
  };
  let data: string[];
  try {
    ({ values, positionals: data } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rules: { type: 'string', short: 'r' },
        format: { type: 'string' },
        delimiter: { type: 'string' },
        now: { type: 'string' },
        rows: { type: 'string', default: '10' },
        output: { type: 'string', short: 'o', default: 'text' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`seawall dq test: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const json = values.output === 'json';
  const fail = (message: string): number => {
    if (json) console.log(JSON.stringify({ status: 'ERROR', error: message }, null, 2));
    else console.error(`seawall dq test: ${message}`);
    return 2;
  };
  try {
    if (!values.rules || data.length === 0 || !['text', 'json'].includes(values.output ?? ''))
      throw new UsageError(`--rules and at least one DATA path are needed\n\n${HELP}`);
    const input = readRules(values.rules);
    const parsed = parseRuleset(input.rules);
    const problems = parsed.ok ? validateForEmbedded(parsed.ruleset) : parsed.errors;
    if (problems.length > 0)
      return fail(
        `the rules cannot run on the embedded engine:\n${problems.map((p) => `  ${values.rules}: DQDL line ${p.line}, column ${p.column}: ${p.message}`).join('\n')}`,
      );
    const files = data.flatMap(filesUnder);
    if (files.length === 0) throw new UsageError('no CSV, JSON Lines or Parquet file found');
    const formats = new Set(
      files.map((f) => (values.format ?? input.format ?? formatOf(f)) as SourceFormat | undefined),
    );
    if (formats.has(undefined))
      throw new UsageError('cannot tell the format of every file: give --format csv|jsonl|parquet');
    if (formats.size > 1)
      throw new UsageError(
        `the files mix formats (${[...formats].join(', ')}): test one format at a time`,
      );
    const format = [...formats][0]!;
    if (!['csv', 'jsonl', 'parquet'].includes(format))
      throw new UsageError(`unknown format ${JSON.stringify(format)}`);
    const now = values.now ? new Date(values.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now ${values.now} is not a time`);
    const limit = Number(values.rows);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--rows takes a whole number');

    // A store over the file system's root: keys are absolute paths without the first "/".
    const root = sep;
    const failing: FailedRow[] = [];
    const document = await runEmbeddedPipeline({
      store: localStore(root),
      source: {
        bucket: '',
        prefix: '',
        objects: files.map((f) => f.slice(root.length).split(sep).join('/')),
        format,
        csv: {
          ...((values.delimiter ?? input.delimiter)
            ? { delimiter: values.delimiter ?? input.delimiter }
            : {}),
          ...(input.quote ? { quote: input.quote } : {}),
          ...(input.escape ? { escape: input.escape } : {}),
        },
      },
      trusted: { bucket: '', prefix: '' },
      quarantine: { bucket: '', prefix: '' },
      results: { bucket: '', prefix: '' },
      rules: input.rules,
      runId: 'dq-test',
      now,
      writeOutputs: false,
      // A person's machine, not a pod: DuckDB gets room before it spills to the temporary folder.
      memoryBytes: 1024 ** 3,
      onFailedRow: (row) => failing.push(row),
      failedRowLimit: limit,
    });
    if (json) {
      console.log(
        JSON.stringify(
          {
            status:
              document.status === 'FAILED'
                ? 'ERROR'
                : document.rules.passed === document.rules.total
                  ? 'PASS'
                  : 'FAIL',
            ...(document.error ? { error: document.error } : {}),
            score: document.score,
            rules: document.ruleResults,
            rows: document.rows,
            files: document.source.objects.map((o) => ({
              file: relative(process.cwd(), sep + o.key),
              rows: o.rows,
              bytes: o.bytes,
            })),
            failingRows: failing,
          },
          null,
          2,
        ),
      );
    } else printText(document, failing, document.rows.failed);
    if (document.status === 'FAILED') return 2;
    return document.rules.passed === document.rules.total ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message);
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** `seawall dq <subcommand>`. */
export async function dqCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'test') return dqTestCommand(rest);
  if (sub === '--help' || sub === '-h') {
    console.log(HELP);
    return 0;
  }
  console.error(`seawall dq: unknown subcommand ${JSON.stringify(sub ?? '')}\n\n${HELP}`);
  return 2;
}
