import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ObjectRef } from '../results.ts';
import type { ObjectStore, StoreUpload } from './store.ts';

/** A failure writing an output object (as opposed to reading a source object). */
export class WriteError extends Error {
  override name = 'WriteError';
}

/** Text is handed to the stream in blocks this big: one write per row would dominate. */
const FLUSH_BYTES = 256 * 1024;

/**
 * A streamed S3 object: text in, multipart upload out, with backpressure so memory stays
 * at a few parts (partSize × queueSize) whatever the object size.
 */
export class ObjectSink {
  readonly bucket: string;
  readonly key: string;
  rows = 0;
  private buffer = '';
  private readonly input: Writable;
  private readonly upload: StoreUpload;
  private readonly done: Promise<unknown>;
  private failure: unknown;

  constructor(
    store: ObjectStore,
    bucket: string,
    key: string,
    options: { gzip: boolean; contentType: string },
  ) {
    this.bucket = bucket;
    this.key = key;
    this.upload = store.upload(bucket, key, options.contentType);
    const body = this.upload.body;
    let input: Writable = body;
    if (options.gzip) {
      const gzip = createGzip();
      gzip.pipe(body);
      gzip.on('error', (error) => body.destroy(error));
      input = gzip;
    }
    this.input = input;
    // Upload failures arrive through done() below; this listener keeps the destroy(error)
    // that stops the writer from becoming an uncaught 'error' event.
    input.on('error', () => {});
    body.on('error', () => {});
    this.done = this.upload.done.catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.failure = new WriteError(`could not write ${store.describe(bucket, key)}: ${reason}`);
      input.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  /** Appends bytes (Parquet), handing them on at once; resolves when the stream can take more. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    if (this.failure) throw this.failure;
    if (!this.input.write(bytes)) await once(this.input, 'drain');
  }

  /** Appends text; returns a promise (to await) only when the buffer was handed on. */
  write(text: string): Promise<void> | undefined {
    this.buffer += text;
    return this.buffer.length >= FLUSH_BYTES ? this.flush() : undefined;
  }

  private async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (this.failure) throw this.failure;
    if (!this.input.write(chunk)) await once(this.input, 'drain');
  }

  async close(): Promise<ObjectRef> {
    await this.flush();
    this.input.end();
    await this.done;
    if (this.failure) throw this.failure;
    return { bucket: this.bucket, key: this.key, rows: this.rows };
  }

  async abort(): Promise<void> {
    this.input.destroy();
    await this.upload.abort().catch(() => {});
    await this.done.catch(() => {});
  }
}

/** A CSV field as Spark writes it: NULL empty and unquoted, the empty string as "". */
export function csvField(value: string | null, delimiter: string): string {
  if (value === null) return '';
  if (value === '') return '""';
  if (
    value.includes('"') ||
    value.includes(delimiter) ||
    value.includes('\n') ||
    value.includes('\r')
  ) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

export function csvLine(values: readonly (string | null)[], delimiter: string): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += delimiter;
    line += csvField(values[i] ?? null, delimiter);
  }
  return `${line}\n`;
}
