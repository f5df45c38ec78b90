import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { ObjectStore } from './store.ts';

export interface SourceObject {
  key: string;
  size: number;
}

export type Compression = 'auto' | 'gzip' | 'none';

export interface CsvOptions {
  delimiter?: string;
  quote?: string;
  escape?: string;
}

/** Every object under a prefix, sorted by key so runs are reproducible. */
export async function listObjects(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  exclude: (key: string) => boolean,
): Promise<SourceObject[]> {
  const objects = (await store.list(bucket, prefix)).filter(
    (item) => !item.key.endsWith('/') && !exclude(item.key),
  );
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface OpenedObject {
  /** Decompressed bytes. */
  stream: Readable;
  gzip: boolean;
}

/**
 * Streams an object's bytes, gunzipping when the key ends in .gz or the first bytes are
 * the gzip magic number (objects are often uploaded without the extension).
 */
export async function openObject(
  store: ObjectStore,
  bucket: string,
  key: string,
  compression: Compression,
): Promise<OpenedObject> {
  const body = await store.get(bucket, key);
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const gzip =
    compression === 'gzip' ||
    (compression === 'auto' && (key.endsWith('.gz') || (head[0] === 0x1f && head[1] === 0x8b)));
  async function* bytes(): AsyncGenerator<Buffer> {
    if (first.done) return;
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const raw = Readable.from(bytes(), { objectMode: false });
  if (!gzip) return { stream: raw, gzip };
  const gunzip = createGunzip();
  // pipeline() destroys the gunzip stream with the error, so readers see a bad gzip.
  pipeline(raw, gunzip, () => {});
  return { stream: gunzip, gzip };
}

export type SourceRecord =
  | { kind: 'record'; values: (string | null)[] }
  | { kind: 'malformed'; reason: string; values: (string | null)[] };

/**
 * CSV records (the header included, as the first record). An empty field is NULL, quoted
 * or not, the way Spark reads CSV. Records whose quoting
 * is broken are yielded as malformed instead of ending the object. Yields batches.
 */
export async function* csvRecords(
  stream: Readable,
  options: CsvOptions,
): AsyncGenerator<SourceRecord[]> {
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    escape: options.escape ?? '"',
    bom: true,
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
    // Spark reads an empty field as NULL, quoted ("") or not: so does the engine, and
    // EMPTY conditions only ever meet empty strings in JSON Lines and Parquet.
    cast: (value: string) => (value === '' ? null : value),
  });
  // Skip events arrive while csv-parse works ahead of the reader; each carries how many
  // records came before it, which puts it back in order.
  const skipped: { reason: string; after: number }[] = [];
  parser.on('skip', (error: Error & { lines?: number; records?: number }) => {
    skipped.push({
      reason: `malformed CSV near line ${error.lines ?? '?'}: ${error.message}`,
      after: error.records ?? 0,
    });
  });
  let failure: unknown;
  pipeline(stream, parser, (error) => {
    failure = error;
  });
  // Records are taken in batches from the parser's buffer: one await per batch rather than
  // per record keeps promise overhead off the per-row path.
  let taken = 0;
  for (;;) {
    const batch: SourceRecord[] = [];
    while (batch.length < 4096) {
      const values = parser.read() as (string | null)[] | null;
      if (values === null) break;
      while (skipped.length > 0 && skipped[0]!.after <= taken) {
        batch.push({ kind: 'malformed', reason: skipped.shift()!.reason, values: [] });
      }
      taken++;
      batch.push({ kind: 'record', values });
    }
    if (batch.length > 0) {
      yield batch;
      continue;
    }
    // A source error destroys the parser with it; checking both catches it whichever of the
    // pipeline callback and the parser's own state is seen first.
    if (failure) throw failure;
    if (parser.errored) throw parser.errored;
    if (parser.readableEnded || parser.destroyed) break;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        parser.off('readable', done);
        parser.off('end', done);
        parser.off('close', done);
        resolve();
      };
      parser.on('readable', done);
      parser.on('end', done);
      parser.on('close', done);
    });
  }
  if (failure) throw failure;
  if (parser.errored) throw parser.errored;
  const rest = skipped.map(
    (skip): SourceRecord => ({ kind: 'malformed', reason: skip.reason, values: [] }),
  );
  if (rest.length > 0) yield rest;
}

/** Lines of a JSON Lines object, blank lines dropped. */
export async function* jsonLines(stream: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let failure: unknown;
  stream.once('error', (error) => {
    failure = error;
    lines.close();
  });
  for await (const line of lines) {
    if (line.trim() !== '') yield line;
  }
  if (failure) throw failure;
  if (stream.errored) throw stream.errored;
  if (!stream.readableEnded) await once(stream, 'end').catch(() => {});
}
