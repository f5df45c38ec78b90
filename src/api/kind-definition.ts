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
