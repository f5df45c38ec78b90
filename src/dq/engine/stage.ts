// Source objects on local disk, where DuckDB reads them (the npm build of DuckDB has no
// S3 access of its own): each object is streamed through the store into the run's scratch
// folder — never held in memory — or read where it lies when the store is a local folder.
// The scratch folder has a budget: an object that would take the run past it is not
// staged, and the run fails saying how much it needed.
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Compression, SourceObject } from './source.ts';
import type { ObjectStore } from './store.ts';

export interface StagedObject {
  /** Where DuckDB reads the object's bytes (compressed as stored). */
  path: string;
  gzip: boolean;
  /** A copy in the scratch folder (removed once read), not the object itself. */
  copy: boolean;
  bytes: number;
}

/** Scratch disk a run may use, and what it uses now. */
export class DiskBudget {
  readonly limit: number;
  private used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** Takes `bytes` of the budget, or fails saying what did not fit. */
  take(bytes: number, what: string): void {
    if (this.used + bytes > this.limit)
      throw new Error(
        `${what} needs ${mib(bytes)} of scratch disk, more than the ${mib(this.remaining)} left of the run's ${mib(this.limit)}`,
      );
    this.used += bytes;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzipKey(key: string, compression: Compression, head: Uint8Array): boolean {
  if (compression === 'gzip') return true;
  if (compression === 'none') return false;
  return key.endsWith('.gz') || (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]);
}

/**
 * Makes an object readable by DuckDB: its local path when the store has one, otherwise a
 * copy streamed into `directory`. Gzip is told by the key's .gz or the bytes' magic number
 * (objects are often uploaded without the extension), unless `compression` says.
 */
export async function stageObject(
  store: ObjectStore,
  bucket: string,
  object: SourceObject,
  directory: string,
  name: string,
  compression: Compression,
  budget: DiskBudget,
): Promise<StagedObject> {
  const local = store.file?.(bucket, object.key);
  if (local) {
    const handle = await open(local, 'r');
    try {
      const head = new Uint8Array(2);
      await handle.read(head, 0, 2, 0);
      return { path: local, gzip: isGzipKey(object.key, compression, head), copy: false, bytes: 0 };
    } finally {
      await handle.close();
    }
  }
  budget.take(object.size, `staging ${store.describe(bucket, object.key)}`);
  const path = join(directory, name);
  let head: Uint8Array | undefined;
  let bytes = 0;
  const body = await store.get(bucket, object.key);
  await pipeline(
    body,
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        head ??= chunk.subarray(0, 2);
        bytes += chunk.length;
        done(null, chunk);
      },
    }),
    createWriteStream(path),
  );
  // The listing's size is what was budgeted; the bytes read are what is on disk.
  if (bytes > object.size)
    budget.take(bytes - object.size, `staging ${store.describe(bucket, object.key)}`);
  return {
    path,
    gzip: isGzipKey(object.key, compression, head ?? new Uint8Array(0)),
    copy: true,
    bytes: Math.max(bytes, object.size),
  };
}

/**
 * Reads a gzip object through to its end: DuckDB stops quietly where a truncated gzip
 * stream ends, and would read part of the object as if it were all of it.
 */
export async function verifyGzip(path: string): Promise<void> {
  try {
    await pipeline(
      createReadStream(path, { highWaterMark: 1 << 20 }),
      createGunzip(),
      new Writable({
        write(_chunk, _encoding, done) {
          done();
        },
      }),
    );
  } catch (error) {
    throw new Error(
      `not a whole gzip stream: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
