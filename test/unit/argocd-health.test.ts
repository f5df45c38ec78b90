// The Argo CD health check in examples/argocd runs as real Lua (fengari) against objects
// whose conditions come from the runtime's own summarize(): what Seawall writes is what
// the script reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_VERSION } from '../../src/api/common.ts';
import { UNSEEN_STATUS } from '../../src/api/crd.ts';
import { type Summary, summarize } from '../../src/runtime/conditions.ts';
import { runHealthScript } from './lua.ts';

const script = readFileSync(new URL('../../examples/argocd/health.lua', import.meta.url), 'utf8');
const now = new Date('2026-01-01T00:00:00Z');

function object(options: {
  summaries?: Summary[];
  generation?: number;
  observedGeneration?: number;
  annotations?: Record<string, string>;
  status?: unknown;
}) {
  const generation = options.generation ?? 2;
  let conditions: ReturnType<typeof summarize> | undefined;
  for (const s of options.summaries ?? []) conditions = summarize(conditions, s, generation, now);
  return {
    apiVersion: API_VERSION,
    kind: 'ProtectedBucket',
    metadata: {
      name: 'raw-data',
      namespace: 'vancouver-data',
      generation,
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: { bucketName: 'vancouver-raw-data', region: 'ca-central-1' },
    ...(options.status !== undefined
      ? { status: options.status }
      : conditions
        ? { status: { observedGeneration: options.observedGeneration ?? generation, conditions } }
        : {}),
  };
}

const ready: Summary = { state: 'ready', message: 'AWS matches the spec' };
const stalled: Summary = {
  state: 'stalled',
  reason: 'BucketNameTaken',
  message: 'bucket "vancouver-raw-data" belongs to someone else',
};

describe('examples/argocd/health.lua', () => {
  it.each([
    ['Healthy', 'Ready=True', object({ summaries: [ready] })],
    ['Degraded', 'Stalled=True', object({ summaries: [stalled] })],
    [
      'Progressing',
      'Reconciling=True (a new generation)',
      object({ summaries: [ready, { state: 'progressing', reason: 'Progressing', message: 'x' }] }),
    ],
    [
      'Progressing',
      'Ready=False while waiting for a dependency',
      object({
        summaries: [
          { state: 'waiting', reason: 'DependencyNotReady', message: 'bucket not Ready' },
        ],
      }),
    ],
    [
      'Progressing',
      'Ready=False while retrying',
      object({ summaries: [{ state: 'retrying', reason: 'Throttling', message: 'slow down' }] }),
    ],
    ['Progressing', 'no status at all', object({})],
    [
      'Progressing',
      'the status the CRD defaults before Seawall looks',
      object({ status: UNSEEN_STATUS }),
    ],
    ['Progressing', 'an empty condition list', object({ status: { conditions: [] } })],
    [
      'Progressing',
      'Ready=True for an older generation',
      object({ summaries: [ready], generation: 3, observedGeneration: 2 }),
    ],
    [
      'Progressing',
      'Ready=Unknown alone',
      object({
        status: {
          conditions: [{ type: 'Ready', status: 'Unknown', reason: 'X', message: 'checking' }],
        },
      }),
    ],
    [
      'Suspended',
      'seawall.dev/paused "true"',
      object({
        summaries: [ready, { state: 'paused', message: 'paused' }],
        annotations: { 'seawall.dev/paused': 'true' },
      }),
    ],
    [
      'Suspended',
      'paused before Seawall ever looked',
      object({ annotations: { 'seawall.dev/paused': 'true' } }),
    ],
    [
      'Healthy',
      'seawall.dev/paused "false" is not paused',
      object({ summaries: [ready], annotations: { 'seawall.dev/paused': 'false' } }),
    ],
  ])('%s when %s', (expected, _when, obj) => {
    const hs = runHealthScript(script, obj);
    expect(hs.status).toBe(expected);
    expect(hs.message).not.toBe('');
  });

  it('carries the condition message to Argo CD', () => {
    expect(runHealthScript(script, object({ summaries: [stalled] })).message).toBe(
      'bucket "vancouver-raw-data" belongs to someone else',
    );
  });

  it('is registered verbatim for every kind in argocd-cm.yaml', () => {
    const cm = parse(
      readFileSync(new URL('../../examples/argocd/argocd-cm.yaml', import.meta.url), 'utf8'),
    ) as { data: Record<string, string> };
    for (const kind of ['ProtectedBucket', 'QualityPipeline', 'CostMonitor']) {
      expect(cm.data[`resource.customizations.health.seawall.dev_${kind}`]).toBe(script);
    }
  });
});
