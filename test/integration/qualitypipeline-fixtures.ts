// Shared by the QualityPipeline integration tests: objects, kube helpers, S3 helpers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import * as k8s from '@kubernetes/client-node';
import { API_VERSION, GROUP, VERSION } from '../../src/api/common.ts';
import type {
  QualityPipeline,
  QualityPipelineSpec,
  QualityPipelineStatus,
} from '../../src/api/qualitypipeline.ts';
import { classifyAwsError } from '../../src/aws/errors.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import type { ReconcileDeps } from '../../src/runtime/reconcile-once.ts';
import { stackInfo } from '../harness/kube.ts';

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
  return {
    apiVersion: API_VERSION,
    kind: 'QualityPipeline',
    metadata: {
      namespace,
      name,
      generation: extra.generation ?? 1,
      uid: `${name}-uid`,
      creationTimestamp: extra.creationTimestamp ?? new Date().toISOString(),
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec,
    ...(status ? { status } : {}),
  };
}

export function reconcileDeps(now: () => Date = () => new Date()): ReconcileDeps {
  return {
    log: silentLogger(),
    events: { normal() {}, warning() {} },
    now,
    classifiers: [classifyAwsError],
    defaultDriftIntervalMs: 600_000,
  };
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

export class QpApi {
  readonly custom: k8s.CustomObjectsApi;
  readonly namespace: string;
  constructor(kc: k8s.KubeConfig, namespace: string) {
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
    this.namespace = namespace;
  }
  create(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) {
    return this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: 'qualitypipelines',
      fieldValidation: 'Strict',
      body: {
        apiVersion: API_VERSION,
        kind: 'QualityPipeline',
        metadata: { name, ...(annotations ? { annotations } : {}) },
        spec,
      },
    });
  }
  async get(name: string): Promise<QualityPipeline> {
    return (await this.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: 'qualitypipelines',
      name,
    })) as QualityPipeline;
  }
  patch(name: string, body: Record<string, unknown>, plural = 'qualitypipelines') {
    return this.custom.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace: this.namespace, plural, name, body },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }
  patchStatus(name: string, status: Record<string, unknown>, plural: string) {
    return this.custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace: this.namespace, plural, name, body: { status } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }
}

export function condition(obj: QualityPipeline, type: string) {
  return obj.status?.conditions?.find((c) => c.type === type);
}

export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', ['--kubeconfig', stackInfo().kubeconfig, ...args]);
  return stdout;
}
