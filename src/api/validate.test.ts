import { describe, expect, it } from 'vitest';
import { API_VERSION } from './common.ts';
import { toOpenApi } from './crd.ts';
import { kinds } from './kinds.ts';
import { protectedBucketKind } from './protectedbucket.ts';
import { collectRules, compileRule, isTransitionRule, validateObject } from './validate.ts';

const pb = (spec: Record<string, unknown>) => ({
  apiVersion: API_VERSION,
  kind: 'ProtectedBucket',
  metadata: { name: 'raw-data' },
  spec,
});

describe('CEL rules', () => {
  const all = kinds.flatMap((def) =>
    collectRules(toOpenApi(def.spec)).map((r) => ({ kind: def.kind, ...r })),
  );

  it('finds rules in every kind', () => {
    expect(all.length).toBeGreaterThan(10);
    for (const def of kinds) expect(all.some((r) => r.kind === def.kind)).toBe(true);
  });

  it.each(all.map((r) => [`${r.kind} ${r.at}: ${r.rule.rule}`, r.rule.rule]))(
    'compiles in cel-js: %s',
    (_name, rule) => {
      expect(() => compileRule(rule)).not.toThrow();
    },
  );

  it('recognises transition rules', () => {
    expect(isTransitionRule('oldSelf.region == self.region')).toBe(true);
    expect(isTransitionRule('self.region != ""')).toBe(false);
  });
});

describe('validateObject', () => {
  it('applies defaults before the CEL rules, as the API server does', () => {
    // versioning defaults to Enabled, which the backup rule needs.
    const issues = validateObject(
      protectedBucketKind,
      pb({
        bucketName: 'vancouver-raw',
        region: 'ca-central-1',
        backup: { bucketName: 'vancouver-raw-backup', region: 'us-west-2' },
      }),
    );
    expect(issues).toEqual([]);
  });

  it('reports schema, unknown-field and CEL errors with Kubernetes field paths', () => {
    const issues = validateObject(
      protectedBucketKind,
      pb({
        bucketName: 'a..b',
        region: 'ca-central-1',
        encryption: { keyArn: 'arn:aws:kms:ca-central-1:123456789012:key/k', rotation: {} },
        lifecycle: { noncurrentVersionExpirationDays: 0 },
        colour: 'blue',
      }),
    );
    expect(issues.map((i) => i.field).sort()).toEqual([
      'spec.bucketName',
      'spec.colour',
      'spec.encryption',
      'spec.lifecycle.noncurrentVersionExpirationDays',
    ]);
  });

  it('needs metadata.name, spec and the right apiVersion', () => {
    const issues = validateObject(protectedBucketKind, {
      apiVersion: 'seawall.dev/v1',
      kind: 'ProtectedBucket',
      metadata: {},
    });
    expect(issues.map((i) => i.field)).toEqual(['apiVersion', 'metadata.name', 'spec']);
  });

  it('treats integers as CEL ints and numbers as doubles', () => {
    const costMonitor = kinds.find((k) => k.kind === 'CostMonitor');
    if (!costMonitor) return;
    const issues = validateObject(costMonitor, {
      apiVersion: API_VERSION,
      kind: 'CostMonitor',
      metadata: { name: 'm' },
      spec: {
        region: 'ca-central-1',
        billing: { monthlyBudgetUSD: 100, thresholds: [{ name: 'a', amountUSD: 0.5 }] },
        auditTrail: {
          name: 'trail',
          logBucket: { existingBucketName: 'logs-bucket', retentionDays: 30 },
        },
      },
    });
    expect(issues.map((i) => i.message)).toEqual([
      'Invalid value: retentionDays applies only to a log bucket Seawall creates',
    ]);
  });
});
