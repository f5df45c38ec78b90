import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvReader, type CsvRecord } from './csv-reader.ts';
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

/** A staged object's bytes, decompressed. */
export function openStaged(path: string, gzip: boolean): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  // pipeline() destroys the gunzip stream with the error, so readers see a bad gzip.
  pipeline(raw, gunzip, () => {});
  return gunzip;
}

export type SourceRecord = CsvRecord;

/**
 * CSV records (the header included, as the first record), in batches. An empty field is
 * NULL, quoted or not, the way Spark reads CSV; a record with broken quoting is yielded as
 * malformed (with what could be read of it) instead of ending the object.
 */
export async function* csvRecords(
  stream: Readable,
  options: CsvOptions,
): AsyncGenerator<SourceRecord[]> {
  const reader = new CsvReader(options);
  for await (const chunk of stream) {
    const records = reader.push(chunk as Buffer);
    if (records.length > 0) yield records;
  }
  const rest = reader.end();
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
