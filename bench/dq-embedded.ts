// Benchmark of the embedded DQDL engine against DuckDB on the same 1,000,000-row CSV
// (about 100 MB) with the same 8 checks, in the same run. Run: node bench/dq-embedded.ts
// Each engine runs in a child process so peak RSS belongs to that engine alone. It also
// times CSV parsing alone — csv-parse (the engine's reader before), the hand-written
// reader the engine uses now, and DuckDB's — which is what docs/adr/0020 decides on.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { CsvReader } from '../src/dq/engine/csv-reader.ts';
import { runEmbeddedPipeline } from '../src/dq/index.ts';

const ROWS = 1_000_000;
const RULES = `Rules = [
  RowCount > 0,
  IsComplete "meter_id",
  IsUnique "meter_id",
  ColumnValues "area" in ["Downtown", "Harbor", "Uptown", "Old Town", "Airport"],
  ColumnValues "hourly_rate" between 0 and 10,
  ColumnValues "meter_id" matches "PM-[0-9]+",
  Completeness "last_inspected" > 0.95,
  Mean "hourly_rate" between 1 and 5
]`;

// The same checks in SQL: metrics, then the trusted/quarantine split a row-level run makes.
function duckdbSql(file: string, out: string): string[] {
  const src = `read_csv('${file}', header = true, all_varchar = true)`;
  const rate = 'TRY_CAST(hourly_rate AS DOUBLE)';
  const rowPass = `meter_id IS NOT NULL AND dup = 1
    AND area IN ('Downtown', 'Harbor', 'Uptown', 'Old Town', 'Airport')
    AND ${rate} > 0 AND ${rate} < 10 AND regexp_full_match(meter_id, 'PM-[0-9]+')
    AND last_inspected IS NOT NULL`;
  return [
    `SELECT count(*) AS row_count,
       count(meter_id) = count(*) AS is_complete,
       count(DISTINCT meter_id) = count(meter_id) AS is_unique,
       avg(CASE WHEN area IN ('Downtown', 'Harbor', 'Uptown', 'Old Town', 'Airport') THEN 1 ELSE 0 END) AS area_ok,
       avg(CASE WHEN ${rate} > 0 AND ${rate} < 10 THEN 1 ELSE 0 END) AS rate_ok,
       avg(CASE WHEN regexp_full_match(meter_id, 'PM-[0-9]+') THEN 1 ELSE 0 END) AS id_ok,
       count(last_inspected) / count(*) AS completeness,
       avg(${rate}) AS mean_rate
     FROM ${src}`,
    `CREATE TEMP TABLE judged AS SELECT *, count(*) OVER (PARTITION BY meter_id) AS dup FROM ${src}`,
    `COPY (SELECT * EXCLUDE (dup) FROM judged WHERE ${rowPass}) TO '${out}/trusted.csv' (HEADER)`,
    `COPY (SELECT * EXCLUDE (dup) FROM judged WHERE NOT coalesce(${rowPass}, false)) TO '${out}/quarantine.csv' (HEADER)`,
  ];
}

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file);
  const areas = ['Downtown', 'Harbor', 'Uptown', 'Old Town'];
  out.write('meter_id,area,hourly_rate,accepts_credit_card,last_inspected,street\n');
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    // About 0.3% planted defects across the checks.
    const id = i % 5000 === 0 ? `PM-${i - 1}` : `PM-${i}`;
    const area = i % 1000 === 0 ? 'Moon' : areas[i % 4];
    const rate = i % 1500 === 0 ? '12.5' : (1 + (i % 8) * 0.5).toFixed(2);
    const inspected =
      i % 700 === 0
        ? ''
        : `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    chunk += `${id},${area},${rate},${i % 3 !== 0},${inspected},${i % 211} Harbour View Road block ${i % 53} north pier car park level ${i % 4}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/**
 * A local-disk stand-in for S3 (list, streaming get, put, multipart), so the benchmark
 * measures the engine and not an S3 emulator or the network.
 */
function diskS3(root: string): S3Client {
  const path = (bucket: string, key: string) => join(root, bucket, key);
  // Multipart uploads go straight to disk at their part's offset (the engine's parts are
  // all 8 MiB but the last), so the stand-in adds no memory of its own.
  const uploads = new Map<string, number>();
  const PART = 8 * 1024 * 1024;
  const write = (file: string, data: Buffer | string) => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, data);
  };
  const client = {
    config: {
      endpoint: async () => ({ hostname: 'disk.local', protocol: 'http:', path: '/' }),
      forcePathStyle: true,
      requestChecksumCalculation: async () => 'WHEN_REQUIRED',
    },
    async send(command: unknown): Promise<unknown> {
      if (command instanceof ListObjectsV2Command) {
        const { Bucket, Prefix = '' } = command.input;
        const dir = path(Bucket!, Prefix);
        const names = readdirSync(dir);
        return {
          Contents: names.map((n) => ({ Key: `${Prefix}${n}`, Size: statSync(join(dir, n)).size })),
        };
      }
      if (command instanceof GetObjectCommand) {
        return {
          Body: createReadStream(path(command.input.Bucket!, command.input.Key!), {
            highWaterMark: 1 << 20,
          }),
        };
      }
      if (command instanceof PutObjectCommand) {
        const body = command.input.Body;
        write(path(command.input.Bucket!, command.input.Key!), body as Buffer);
        return {};
      }
      if (command instanceof CreateMultipartUploadCommand) {
        const id = `${command.input.Bucket}/${command.input.Key}`;
        const file = path(command.input.Bucket!, command.input.Key!);
        mkdirSync(join(file, '..'), { recursive: true });
        uploads.set(id, openSync(file, 'w'));
        return { UploadId: id };
      }
      if (command instanceof UploadPartCommand) {
        const body = command.input.Body as Uint8Array;
        writeSync(
          uploads.get(command.input.UploadId!)!,
          body,
          0,
          body.length,
          (command.input.PartNumber! - 1) * PART,
        );
        return { ETag: `"${command.input.PartNumber}"` };
      }
      if (command instanceof CompleteMultipartUploadCommand) {
        closeSync(uploads.get(command.input.UploadId!)!);
        uploads.delete(command.input.UploadId!);
        return {};
      }
      return {}; // AbortMultipartUpload and the like
    },
  };
  return client as unknown as S3Client;
}

interface EngineRun {
  engine: string;
  seconds: number;
  maxRssMB: number;
  detail: unknown;
}

/** Without the row-level IsUnique the engine needs one pass instead of two. */
const ONE_PASS_RULES = RULES.replace('  IsUnique "meter_id",\n', '');

async function runEmbedded(dir: string, onePass = false): Promise<EngineRun> {
  const started = performance.now();
  const document = await runEmbeddedPipeline({
    s3: diskS3(dir),
    source: { bucket: 'raw', prefix: 'meters/', format: 'csv' },
    trusted: { bucket: 'lake', prefix: 'trusted' },
    quarantine: { bucket: 'lake', prefix: 'quarantine' },
    results: { bucket: 'lake', prefix: 'results' },
    rules: onePass ? ONE_PASS_RULES : RULES,
    runId: onePass ? 'bench-one-pass' : 'bench',
    // As a run with spec.embedded.memoryLimit: 1Gi: the id table stays in memory.
    memoryBytes: 1024 ** 3,
  });
  const seconds = (performance.now() - started) / 1000;
  if (document.status !== 'SUCCEEDED') throw new Error(document.error);
  return {
    engine: onePass ? 'seawall-embedded, 7 rules (no IsUnique, one pass)' : 'seawall-embedded',
    seconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    detail: {
      rows: document.rows,
      score: document.score,
      outcomes: document.ruleResults.map((r) => `${r.name}:${r.outcome}`),
    },
  };
}

async function runDuckdb(dir: string): Promise<EngineRun> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const out = join(dir, 'duckdb-out');
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  let metrics: unknown;
  for (const [i, sql] of duckdbSql(join(dir, 'raw', 'meters', 'meters.csv'), out).entries()) {
    const reader = await connection.runAndReadAll(sql);
    if (i === 0) metrics = reader.getRowObjectsJson()[0];
  }
  const seconds = (performance.now() - started) / 1000;
  connection.closeSync();
  return {
    engine: 'duckdb',
    seconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    detail: metrics,
  };
}

/** CSV parsing alone: every record of the file, counted. */
async function parseOnly(dir: string, reader: string): Promise<EngineRun> {
  const file = join(dir, 'raw', 'meters', 'meters.csv');
  const started = performance.now();
  let records = 0;
  if (reader === 'parse-duckdb') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const result = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM read_csv('${file}', header = true, all_varchar = true)`,
    );
    records = Number(result.getRowObjectsJson()[0]?.n);
    connection.closeSync();
  } else if (reader === 'parse-csv-parse') {
    const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
      parse({ relax_column_count: true, skip_records_with_error: true, skip_empty_lines: true }),
    );
    for await (const _ of parser) records++;
  } else {
    const csv = new CsvReader();
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
      records += csv.push(chunk as Buffer).length;
    records += csv.end().length;
  }
  return {
    engine: reader,
    seconds: (performance.now() - started) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    detail: { records },
  };
}

async function child(engine: string, dir: string): Promise<void> {
  const result = engine.startsWith('parse-')
    ? await parseOnly(dir, engine)
    : engine === 'duckdb'
      ? await runDuckdb(dir)
      : await runEmbedded(dir, engine === 'embedded-one-pass');
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  // SEAWALL_BENCH_DIR keeps the generated data (for profiling a child run by hand).
  const kept = process.env.SEAWALL_BENCH_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'seawall-dq-bench-'));
  try {
    const file = join(dir, 'raw', 'meters', 'meters.csv');
    mkdirSync(join(dir, 'raw', 'meters'), { recursive: true });
    await generate(file);
    const bytes = statSync(file).size;
    const self = fileURLToPath(import.meta.url);
    const loadBefore = loadavg()[0]!;
    const runs: EngineRun[] = [];
    for (const engine of [
      'embedded',
      'duckdb',
      'embedded-one-pass',
      'parse-csv-parse',
      'parse-handwritten',
      'parse-duckdb',
    ]) {
      const output = execFileSync(process.execPath, [self, '--child', engine, dir], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      runs.push(JSON.parse(output.trim().split('\n').pop()!) as EngineRun);
    }
    const loadAfter = loadavg()[0]!;
    const mb = bytes / 1e6;
    const table = runs.map((r) => ({
      engine: r.engine,
      seconds: Number(r.seconds.toFixed(2)),
      rowsPerSecond: Math.round(ROWS / r.seconds),
      mbPerSecond: Number((mb / r.seconds).toFixed(1)),
      peakRssMB: Math.round(r.maxRssMB),
    }));
    const embedded = table[0]!;
    const duck = table[1]!;
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      // Other work on the machine skews the times; the ratio is steadier than the seconds.
      loadAverage: { before: loadBefore, after: loadAfter },
      rows: ROWS,
      megabytes: Number(mb.toFixed(1)),
      rules: RULES,
      results: table,
      embeddedOverDuckdbTime: Number((embedded.seconds / duck.seconds).toFixed(2)),
      details: runs.map((r) => ({ engine: r.engine, detail: r.detail })),
    };
    console.table(table);
    console.log(
      `embedded takes ${report.embeddedOverDuckdbTime}x DuckDB's time on ${report.megabytes} MB`,
    );
    // lib.ts's resultsDir is not imported: lib loads the Kubernetes client, whose memory
    // would count in the engines' RSS. The same override applies (bench/run.ts --results).
    const resultsDir =
      process.env.SEAWALL_BENCH_RESULTS ?? fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'dq-embedded.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
