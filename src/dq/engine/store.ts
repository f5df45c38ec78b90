// Where the engine reads objects and writes its outputs: S3 for the operator, a local
// folder for `seawall dq test`. The engine sees only this interface, so both run the same
// code; "bucket" is a folder under the root for the local store.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export interface StoredObject {
  key: string;
  size: number;
}

/** A writer's destination: a byte stream and the promise that it was stored. */
export interface StoreUpload {
  body: Writable;
  done: Promise<void>;
  abort(): Promise<void>;
}

export interface ObjectStore {
  /** How people name an object in messages (s3://bucket/key, or a file path). */
  describe(bucket: string, key: string): string;
  /** Every object under a prefix (unsorted). */
  list(bucket: string, prefix: string): Promise<StoredObject[]>;
  /** The object's bytes as a stream. */
  get(bucket: string, key: string): Promise<Readable>;
  /** Bytes [start, end) of an object (Parquet reads its footer first). */
  range(bucket: string, key: string, start: number, end: number): Promise<Uint8Array>;
  /** A streamed write. */
  upload(bucket: string, key: string, contentType: string): StoreUpload;
  put(bucket: string, key: string, body: string, contentType: string): Promise<void>;
  /** The object as a file on this machine, when it is one (read in place, not copied). */
  file?(bucket: string, key: string): string | undefined;
}

export function s3Store(s3: S3Client): ObjectStore {
  return {
    describe: (bucket, key) => `s3://${bucket}/${key}`,
    async list(bucket, prefix) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key) objects.push({ key: item.Key, size: item.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects;
    },
    async get(bucket, key) {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!(response.Body instanceof Readable)) throw new Error('the object body is not a stream');
      return response.Body;
    },
    async range(bucket, key, start, end) {
      if (end <= start) return new Uint8Array(0);
      const response = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
      );
      if (!response.Body) throw new Error('the object has no body');
      return new Uint8Array(await response.Body.transformToByteArray());
    },
    upload(bucket, key, contentType) {
      const body = new PassThrough();
      const upload = new Upload({
        client: s3,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      });
      return {
        body,
        done: upload.done().then(() => undefined),
        abort: () => upload.abort(),
      };
    },
    async put(bucket, key, body, contentType) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      );
    },
  };
}

/**
 * A folder as a store: bucket "." is the folder itself, any other bucket a folder under it.
 * Keys use "/" whatever the platform.
 */
export function localStore(root: string): ObjectStore {
  const path = (bucket: string, key: string) => join(root, bucket, ...key.split('/'));
  return {
    describe: (bucket, key) => relative(process.cwd(), path(bucket, key)) || '.',
    file: (bucket, key) => path(bucket, key),
    async list(bucket, prefix) {
      const base = join(root, bucket);
      const found: StoredObject[] = [];
      const walk = async (dir: string): Promise<void> => {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
            const key = relative(base, dir).split(sep).join('/');
            if (key.startsWith(prefix)) found.push({ key, size: (await stat(dir)).size });
            return;
          }
          throw error;
        }
        for (const entry of entries) {
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (entry.isFile()) {
            const key = relative(base, full).split(sep).join('/');
            if (key.startsWith(prefix)) found.push({ key, size: (await stat(full)).size });
          }
        }
      };
      // Walk from the prefix's folder, not the root: a prefix names a folder or a file in it.
      const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      await walk(start ? join(base, ...start.split('/')) : base);
      return found;
    },
    async get(bucket, key) {
      const stream = createReadStream(path(bucket, key), { highWaterMark: 1 << 20 });
      // Surfaces ENOENT here, as S3's GetObject would, rather than on the first read.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      return stream;
    },
    async range(bucket, key, start, end) {
      const handle = await open(path(bucket, key), 'r');
      try {
        const bytes = new Uint8Array(Math.max(0, end - start));
        await handle.read(bytes, 0, bytes.length, start);
        return bytes;
      } finally {
        await handle.close();
      }
    },
    upload(bucket, key, _contentType) {
      const file = path(bucket, key);
      const body = new PassThrough();
      const done = mkdir(dirname(file), { recursive: true }).then(
        () =>
          new Promise<void>((resolve, reject) => {
            const out = createWriteStream(file);
            body.pipe(out);
            out.once('finish', () => resolve());
            out.once('error', reject);
            body.once('error', reject);
          }),
      );
      return { body, done, abort: async () => void body.destroy() };
    },
    async put(bucket, key, body) {
      const file = path(bucket, key);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body);
    },
  };
}
