// The source bucket step: a bucketRef waits for its ProtectedBucket to be usable (and
// shows that bucket's state in BucketReady); a plain bucket name must exist. Either way
// the pipeline waits, it does not stall: the bucket is someone else's to make.
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { isAwsError } from '../../aws/errors.ts';
import { removeCondition, setCondition } from '../../runtime/conditions.ts';
import { WaitingError } from '../../runtime/errors.ts';
import { bucketReadyCondition, requireUsableBucket } from '../protectedbucket/reference.ts';
import type { QpRequest, QualityPipelineDeps, SourceBucket } from './engine.ts';
import type { PipelineSettings } from './settings.ts';

/** The source bucket, usable; throws WaitingError until it is. */
export async function sourceBucket(
  request: QpRequest,
  settings: PipelineSettings,
  deps: QualityPipelineDeps,
): Promise<{ source: SourceBucket; s3: S3Client }> {
  const source = await resolveSource(settings, deps);
  // Reported drift or a backup still converging on the ProtectedBucket is shown here;
  // it does not stop the pipeline (the data is there and readable).
  const pb = source.protectedBucket;
  request.status.conditions = pb
    ? setCondition(
        request.status.conditions,
        bucketReadyCondition([pb]),
        request.object.metadata.generation ?? 0,
        request.now,
      )
    : removeCondition(request.status.conditions, 'BucketReady');
  const s3 = deps.aws.s3(source.region);
  // A ProtectedBucket planned from the same files (`seawall plan`) is not made yet: the
  // plan goes on as if it were, instead of waiting for what the plan itself would create.
  if (!pb?.planned) await requireBucketExists(s3, source.bucket, deps.dependencyPollMs ?? 5_000);
  return { source, s3 };
}

async function resolveSource(
  settings: PipelineSettings,
  deps: QualityPipelineDeps,
): Promise<SourceBucket> {
  if (settings.source.bucketRef) {
    const pb = await requireUsableBucket(
      deps.buckets,
      settings.namespace,
      settings.source.bucketRef,
      deps.dependencyPollMs,
    );
    return { bucket: pb.bucketName, region: pb.region, protectedBucket: pb };
  }
  return { bucket: settings.source.bucketName ?? '', region: undefined };
}

/** A plain source bucket must exist: until it does the pipeline waits (it is someone else's). */
async function requireBucketExists(s3: S3Client, bucket: string, pollMs: number): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NoSuchBucket', '404')) {
      throw new WaitingError(
        'DependencyNotReady',
        `source bucket ${bucket} does not exist`,
        pollMs,
      );
    }
    throw error;
  }
}
