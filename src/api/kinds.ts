// The registry of Seawall kinds: everything needed to build a CRD, validate an object
// and route it to a reconciler. Adding a kind = one entry here.
import type { TObject } from '@sinclair/typebox';
import { CATEGORY, GROUP, VERSION } from './common.ts';
import { ProtectedBucketSpec, ProtectedBucketStatus } from './protectedbucket.ts';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: TObject;
  status: TObject;
  printerColumns: PrinterColumn[];
}

const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether AWS matches the spec.',
};
const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since creation.',
};

export const protectedBucketKind: KindDefinition = {
  kind: 'ProtectedBucket',
  plural: 'protectedbuckets',
  singular: 'protectedbucket',
  shortNames: ['pb'],
  description:
    'An S3 bucket encrypted with a customer-managed KMS key, versioned, closed to the public, TLS-only and optionally replicated to a backup bucket in another region. Seawall keeps it that way.',
  spec: ProtectedBucketSpec,
  status: ProtectedBucketStatus,
  printerColumns: [
    { name: 'Bucket', type: 'string', jsonPath: '.spec.bucketName', description: 'Bucket name.' },
    { name: 'Region', type: 'string', jsonPath: '.spec.region', description: 'Bucket region.' },
    {
      name: 'Backup',
      type: 'string',
      jsonPath: '.spec.backup.bucketName',
      description: 'Backup bucket.',
    },
    {
      name: 'Key',
      type: 'string',
      jsonPath: '.status.keyAlias',
      description: 'KMS key alias or id.',
    },
    {
      name: 'Versioning',
      type: 'string',
      jsonPath: '.status.versioning',
      description: 'Versioning status last read from S3.',
    },
    {
      name: 'Drift',
      type: 'integer',
      jsonPath: '.status.drift.count',
      description: 'Items out of line at the last check.',
    },
    readyColumn,
    ageColumn,
  ],
};

export const kinds: KindDefinition[] = [protectedBucketKind];

export { CATEGORY, GROUP, VERSION };

export function kindByName(kind: string): KindDefinition | undefined {
  return kinds.find((k) => k.kind === kind);
}
