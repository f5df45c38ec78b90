// glue.script: the generated PySpark script in S3, content-addressed (the key carries
// the hash of the text), so changed rules mean a new object and a job whose
// ScriptLocation moves — visible as drift, and never a script edited under a running job.
import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import type { Facet } from '../facet.ts';

/** Object metadata naming the script's owner (x-amz-meta-seawall-owner). */
export const SCRIPT_OWNER_METADATA = 'seawall-owner';

export interface ScriptContext {
  s3: S3Client;
  bucket: string;
  key: string;
  text: string;
  owner: string;
}

export type ScriptState = { exists: boolean };

export function scriptHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `<prefix><namespace>/<name>/<sha256 prefix>.py` */
export function scriptKey(prefix: string, namespace: string, name: string, text: string): string {
  return `${prefix}${namespace}/${name}/${scriptHash(text).slice(0, 16)}.py`;
}

export const scriptFacet: Facet<ScriptContext, ScriptState> = {
  calls: ['s3:HeadObject', 's3:PutObject'],
  name: 'glue.script',
  resource: (ctx) => `s3://${ctx.bucket}/${ctx.key}`,
  async observe(ctx) {
    try {
      await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: ctx.key }));
      return { exists: true };
    } catch (error) {
      if (isAwsError(error, 'NotFound', 'NoSuchKey')) return { exists: false };
      throw error;
    }
  },
  desired: () => ({ exists: true }),
  diff: (desired, observed) =>
    desired.exists === observed.exists
      ? []
      : [{ field: 'Object', expected: 'present', observed: undefined }],
  async apply(ctx) {
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: ctx.key,
        Body: ctx.text,
        ContentType: 'text/x-python',
        // Metadata, not object tags: tags on PutObject need s3:PutObjectTagging as well,
        // a permission nothing else would need.
        Metadata: { [SCRIPT_OWNER_METADATA]: ctx.owner },
      }),
    );
  },
};
