// The engine's DuckDB: one in-process, in-memory database per run (ADR 23), with the run's
// memory share as DuckDB's memory_limit and a temporary folder to spill to, so tables,
// hash aggregates and joins larger than memory go to disk instead of failing. DuckDB is
// loaded when a run opens it, not when the module is imported: the operator and commands
// such as `seawall validate` import the DQDL package but never run the engine.
import { appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { DuckDBConnection, DuckDBInstance, JS } from '@duckdb/node-api';
import { MACROS } from '../sql/macros.ts';

export interface DatabaseOptions {
  /** DuckDB's memory_limit: its buffer pool (tables, hash tables, sorts) stays under it. */
  memoryBytes: number;
  /** Where DuckDB spills what does not fit. */
  tempDirectory: string;
  /** The most DuckDB may spill (default: no limit of its own). */
  maxTempBytes?: number;
}

export type Row = Record<string, JS>;

const MiB = 1024 * 1024;
/** More threads make each statement faster but each holds buffers of its own. */
const MAX_THREADS = 4;
/**
 * Memory a thread needs for DuckDB to aggregate out of core: below it, grouping a table
 * larger than memory fails instead of spilling (measured: 32 MiB fails with 2 threads,
 * 24 MiB works with one).
 */
const BYTES_PER_THREAD = 32 * MiB;

/** Threads for a memory limit: as many as the cores, while each has its share. */
export function threadsFor(memoryBytes: number): number {
  const affordable = Math.floor(memoryBytes / BYTES_PER_THREAD);
  return Math.max(1, Math.min(MAX_THREADS, availableParallelism(), affordable));
}

export class Database {
  private readonly instance: DuckDBInstance;
  private readonly connection: DuckDBConnection;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.instance = instance;
    this.connection = connection;
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const settings: Record<string, string> = {
      memory_limit: `${Math.max(1, Math.floor(options.memoryBytes / MiB))}MiB`,
      temp_directory: options.tempDirectory,
      threads: String(threadsFor(options.memoryBytes)),
      // Rows keep their order through scans, filters and COPY (trusted outputs keep the
      // source's order); no statement of the engine relies on it across joins.
      preserve_insertion_order: 'true',
      // Nothing is fetched from the network, and Parquet footers are not cached in memory.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      enable_external_file_cache: 'false',
      // Freed memory goes back to the system soon, so the run's resident size (what its
      // memory limit watches) follows what DuckDB holds.
      allocator_flush_threshold: '16MiB',
      // A thread of DuckDB's own returns it (measured: ~10 MiB lower peaks in a 256 MiB run).
      allocator_background_threads: 'true',
    };
    if (options.maxTempBytes !== undefined)
      settings.max_temp_directory_size = `${Math.max(1, Math.floor(options.maxTempBytes / MiB))}MiB`;
    const instance = await DuckDBInstance.create(':memory:', settings);
    const connection = await instance.connect();
    const database = new Database(instance, connection);
    // Timestamps without a zone are UTC, as Glue jobs run in UTC.
    await database.run(["SET TimeZone = 'UTC'", ...MACROS].join(';\n'));
    return database;
  }

  async run(sql: string): Promise<void> {
    await this.traced(sql, () => this.connection.run(sql));
  }

  /** Every row of a query, values as JavaScript (BIGINT as bigint). */
  async rows(sql: string): Promise<Row[]> {
    const reader = await this.traced(sql, () => this.connection.runAndReadAll(sql));
    return reader.getRowObjectsJS();
  }

  /** SEAWALL_DQ_TRACE=FILE: each statement, its time, outcome and the resident size after it, appended to FILE. */
  private async traced<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const file = process.env.SEAWALL_DQ_TRACE;
    if (!file) return run();
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await run();
    } catch (error) {
      outcome = duckdbMessage(error);
      throw error;
    } finally {
      const ms = (performance.now() - started).toFixed(1);
      const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
      appendFileSync(
        file,
        `${ms} ms ${outcome} rss ${rss} MiB\n  ${sql.replace(/\s+/g, ' ').slice(0, 400)}\n`,
      );
    }
  }

  /** The single row of a query. */
  async row(sql: string): Promise<Row> {
    const [first] = await this.rows(sql);
    if (!first) throw new Error('the query returned no row');
    return first;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A count or other integer DuckDB returned (BIGINT arrives as bigint). */
export function toNumber(value: JS | undefined): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return Number.NaN;
  return Number(value);
}

/** DuckDB's message without its "Invalid Input Error: " style prefix and trailing hints. */
export function duckdbMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}
