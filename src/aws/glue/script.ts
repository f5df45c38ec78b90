// The generated PySpark script in S3, content-addressed (the key carries the hash of the
// text), so changed rules mean a new object and a job whose ScriptLocation moves — visible
// as drift, and never a script edited under a running job. A managed resource like the
// others: its owner is named in its object metadata (object tags would need
// s3:PutObjectTagging as well, a permission nothing else needs), and its content is a
// facet: an object at the script's key whose bytes are not the script (overwritten by
// hand) is drift, and put back.
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../errors.ts';
import { diffFields, type Facet } from '../facet.ts';
import type { ManagedResource, Retirable } from '../lifecycle.ts';
import { OWNER_TAG, type TagMap } from '../ownership.ts';

/** Object metadata naming the script's owner (x-amz-meta-seawall-owner). */
export const SCRIPT_OWNER_METADATA = 'seawall-owner';

/** Where the script is: enough to read and delete it. */
export interface ScriptLocation {
  s3: S3Client;
  bucket: string;
  key: string;
}

/** The script and where it goes: enough to create it. */
export interface ScriptRef extends ScriptLocation {
  text: string;
}

export interface FoundScript {
  /** The owner its metadata names. */
  owner: string | undefined;
  /** Its SHA-256 (base64), as S3 verified it at upload; undefined if uploaded without one. */
  checksum: string | undefined;
}

export function scriptHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The SHA-256 of the script as S3 reports it (ChecksumSHA256: base64). */
export function scriptChecksum(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/** `<prefix><namespace>/<name>/<sha256 prefix>.py` */
export function scriptKey(prefix: string, namespace: string, name: string, text: string): string {
  return `${prefix}${namespace}/${name}/${scriptHash(text).slice(0, 16)}.py`;
}

export function scriptUrl(location: Pick<ScriptLocation, 'bucket' | 'key'>): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** Pure: `s3://bucket/key` as a location (undefined for anything else). */
export function parseScriptUrl(
  url: string | undefined,
): { bucket: string; key: string } | undefined {
  const match = url?.match(/^s3:\/\/([^/]+)\/(.+)$/);
  return match?.[1] && match[2] ? { bucket: match[1], key: match[2] } : undefined;
}

/**
 * Uploads the script with its SHA-256, which S3 checks against the bytes and returns on
 * HeadObject (ChecksumMode): the content facet compares it without reading the object.
 */
async function putScript(ref: ScriptRef, owner: string | undefined): Promise<void> {
  await ref.s3.send(
    new PutObjectCommand({
      Bucket: ref.bucket,
      Key: ref.key,
      Body: ref.text,
      ContentType: 'text/x-python',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: scriptChecksum(ref.text),
      ...(owner ? { Metadata: { [SCRIPT_OWNER_METADATA]: owner } } : {}),
    }),
  );
}

export const glueScript: ManagedResource<ScriptRef, FoundScript> &
  Retirable<ScriptLocation, FoundScript> = {
  type: 'S3 object',
  facetName: 'glue.script',
  calls: ['s3:HeadObject', 's3:PutObject', 's3:DeleteObject'],
  identify: (ref: ScriptLocation) => `Glue script ${scriptUrl(ref)}`,
  resourceName: (ref: ScriptLocation) => scriptUrl(ref),
  async read(ref: ScriptLocation) {
    try {
      const out = await ref.s3.send(
        new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, ChecksumMode: 'ENABLED' }),
      );
      return { owner: out.Metadata?.[SCRIPT_OWNER_METADATA], checksum: out.ChecksumSHA256 };
    } catch (error) {
      if (isAwsError(error, 'NotFound', 'NoSuchKey')) return undefined;
      throw error;
    }
  },
  tagsOf: (found: FoundScript): TagMap => (found.owner ? { [OWNER_TAG]: found.owner } : {}),
  async create(ref, tags) {
    await putScript(ref, tags[OWNER_TAG]);
    return { owner: tags[OWNER_TAG], checksum: scriptChecksum(ref.text) };
  },
  planned: (ref, tags) => ({
    bytes: Buffer.byteLength(ref.text),
    sha256: scriptChecksum(ref.text),
    metadata: { [SCRIPT_OWNER_METADATA]: tags[OWNER_TAG] },
  }),
  placeholder: (ref) => ({ owner: undefined, checksum: scriptChecksum(ref.text) }),
  async delete(ref: ScriptLocation) {
    await ref.s3.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
  },
};

export interface ScriptContext {
  ref: ScriptRef;
  found: FoundScript;
  owner: string;
}

export interface ScriptContent {
  ChecksumSHA256: string | undefined;
  /** The owner named in its metadata. */
  Owner: string | undefined;
}

/**
 * glue.script.content: the object holds the script, byte for byte, and names its owner.
 * The checksum comes from the HeadObject the lifecycle made; an object uploaded without
 * one (by hand, or by an older Seawall) is read and hashed.
 */
export const scriptContentFacet: Facet<ScriptContext, ScriptContent> = {
  name: 'glue.script.content',
  calls: ['s3:GetObject', 's3:PutObject'],
  resource: (ctx) => scriptUrl(ctx.ref),
  async observe(ctx) {
    const Owner = ctx.found.owner;
    if (ctx.found.checksum) return { ChecksumSHA256: ctx.found.checksum, Owner };
    const out = await ctx.ref.s3.send(
      new GetObjectCommand({ Bucket: ctx.ref.bucket, Key: ctx.ref.key }),
    );
    const bytes = await out.Body?.transformToByteArray();
    return {
      ChecksumSHA256: bytes ? createHash('sha256').update(bytes).digest('base64') : undefined,
      Owner,
    };
  },
  desired: (ctx) => ({ ChecksumSHA256: scriptChecksum(ctx.ref.text), Owner: ctx.owner }),
  diff: diffFields,
  async apply(ctx) {
    await putScript(ctx.ref, ctx.owner);
  },
};
