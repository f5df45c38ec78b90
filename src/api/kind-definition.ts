// What the registry knows about a kind: enough to build its CRD and print it.
import type { TObject } from '@sinclair/typebox';

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
  /** Cluster-scoped kinds (AwsAccount) are not in a namespace; the rest are. */
  scope?: 'Namespaced' | 'Cluster';
  description: string;
  spec: TObject;
  status: TObject;
  printerColumns: PrinterColumn[];
}

export const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether AWS matches the spec.',
};

/** The Ready condition's message: what Seawall is doing or waiting for, or why it stalled. */
export const statusColumn: PrinterColumn = {
  name: 'Status',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].message',
  description: 'The Ready condition message: what Seawall did, is doing or needs from you.',
};

/** Drift at the last check; a corrected item is gone from it one check later. */
export const driftColumn: PrinterColumn = {
  name: 'Drift',
  type: 'integer',
  jsonPath: '.status.drift.count',
  description: 'Items out of line at the last check.',
};

/** When drift was last put back: stays after the corrected items leave the Drift count. */
export const lastCorrectedColumn: PrinterColumn = {
  name: 'Corrected',
  type: 'date',
  jsonPath: '.status.drift.lastCorrectedTime',
  description: 'When Seawall last corrected drift (see status.drift.history for what).',
};

/** Secondary columns: shown by `kubectl get -o wide` only. */
export function wide(column: PrinterColumn): PrinterColumn {
  return { ...column, priority: 1 };
}

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since creation.',
};
