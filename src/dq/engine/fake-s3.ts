import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/**
 * An in-memory S3 for unit tests of the pipeline: the commands the engine sends (list,
 * get, put; lib-storage sends a single PutObject for bodies under one part). Integration
 * tests use moto for the real protocol, multipart uploads included.
 */
export class FakeS3 {
  readonly objects = new Map<string, Buffer>();
  /** Keys whose GetObject fails, to test unreadable objects. */
  readonly unreadable = new Set<string>();
  /** What lib-storage's Upload reads from a client's config to name the uploaded object. */
  readonly config = {
    endpoint: async () => ({ hostname: 'fake-s3.local', protocol: 'http:', path: '/' }),
    forcePathStyle: true,
  };

  put(bucket: string, key: string, body: string | Buffer): void {
    this.objects.set(`${bucket}/${key}`, Buffer.isBuffer(body) ? body : Buffer.from(body));
  }

  text(bucket: string, key: string): string {
    const body = this.objects.get(`${bucket}/${key}`);
    if (!body) throw new Error(`no object ${bucket}/${key}`);
    return body.toString('utf8');
  }

  keys(bucket: string, prefix = ''): string[] {
    return [...this.objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/${prefix}`))
      .map((k) => k.slice(bucket.length + 1))
      .sort();
  }

  async send(command: unknown): Promise<unknown> {
    if (command instanceof ListObjectsV2Command) {
      const { Bucket, Prefix = '' } = command.input;
      return {
        Contents: this.keys(Bucket!, Prefix).map((Key) => ({
          Key,
          Size: this.objects.get(`${Bucket}/${Key}`)!.length,
        })),
        IsTruncated: false,
      };
    }
    if (command instanceof GetObjectCommand) {
      const { Bucket, Key } = command.input;
      const body = this.objects.get(`${Bucket}/${Key}`);
      if (!body || this.unreadable.has(Key!)) throw new Error(`NoSuchKey: ${Key}`);
      // Several chunks, so readers cannot assume one buffer.
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += 7) chunks.push(body.subarray(i, i + 7));
      return { Body: Readable.from(chunks) };
    }
    if (command instanceof PutObjectCommand) {
      const { Bucket, Key, Body } = command.input;
      this.put(Bucket!, Key!, await toBuffer(Body));
      return {};
    }
    throw new Error(`FakeS3 does not handle ${(command as object).constructor.name}`);
  }

  asClient(): S3Client {
    return this as unknown as S3Client;
  }
}

async function toBuffer(body: unknown): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new Error('FakeS3: unsupported body');
}
