// Shared by the QualityPipeline integration tests: objects, kubectl, S3 helpers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type {
  QualityPipeline,
  QualityPipelineSpec,
  QualityPipelineStatus,
} from '../../src/api/qualitypipeline.ts';
import { stackInfo } from '../harness/kube.ts';
import { reconcileDeps } from '../harness/operator.ts';
import { aQualityPipeline } from '../harness/seawall-objects.ts';

export const exec = promisify(execFile);

export function qpObject(
  namespace: string,
  name: string,
  spec: QualityPipelineSpec,
  status?: QualityPipelineStatus,
  extra: {
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    generation?: number;
  } = {},
): QualityPipeline {
  return aQualityPipeline(name, spec, {
    metadata: {
      namespace,
      generation: extra.generation ?? 1,
      uid: `${name}-uid`,
      creationTimestamp: extra.creationTimestamp ?? new Date().toISOString(),
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    status,
  });
}

export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function putText(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string,
): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((c) => c.Key ?? '').sort();
}

export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', ['--kubeconfig', stackInfo().kubeconfig, ...args]);
  return stdout;
}

export { reconcileDeps };
