// The registry of Seawall kinds: everything needed to build a CRD, validate an object
// and route it to a reconciler. Adding a kind = one entry here.

import { awsAccountKind } from './awsaccount.ts';
import { costMonitorKind } from './costmonitor.ts';
import type { KindDefinition } from './kind-definition.ts';
import { protectedBucketKind } from './protectedbucket.ts';
import { qualityPipelineKind } from './qualitypipeline.ts';

/** Every kind Seawall serves. A new kind: one definition in its api file, one entry here. */
export const kinds: KindDefinition[] = [
  protectedBucketKind,
  costMonitorKind,
  qualityPipelineKind,
  awsAccountKind,
];

export function kindByName(kind: string): KindDefinition | undefined {
  return kinds.find((k) => k.kind === kind);
}

export type { KindDefinition, PrinterColumn } from './kind-definition.ts';
