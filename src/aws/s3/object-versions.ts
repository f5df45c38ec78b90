// Every version and delete marker of a bucket (or of a prefix), page by page. Counting a
// bucket's contents before deleting it and removing Seawall's own probes both walk them.
import {
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import type { BucketTarget } from './bucket.ts';

export async function* objectVersionPages(
  target: BucketTarget,
  prefix?: string,
): AsyncGenerator<ListObjectVersionsCommandOutput> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await target.s3.send(
      new ListObjectVersionsCommand({
        Bucket: target.bucket,
        ...(prefix ? { Prefix: prefix } : {}),
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    yield page;
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
