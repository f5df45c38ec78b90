import { describe, expect, it } from 'vitest';
import type { QualityPipeline } from '../../api/qualitypipeline.ts';
import { StalledError } from '../../runtime/errors.ts';
import { parseQuantity, resolveSettings } from './settings.ts';

function pipeline(spec: Record<string, unknown>): QualityPipeline {
  return {
    apiVersion: 'seawall.dev/v1alpha1',
    kind: 'QualityPipeline',
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      source: { bucketName: 'raw', prefix: 'in/' },
      rules: 'Rules = [ RowCount > 0 ]',
      ...spec,
    },
  } as QualityPipeline;
}

function stalled(spec: Record<string, unknown>): StalledError {
  try {
    resolveSettings(pipeline(spec));
  } catch (error) {
    if (error instanceof StalledError) return error;
    throw error;
  }
  throw new Error('not stalled');
}

describe('QualityPipeline settings', () => {
  it.each([
    ['256Mi', 256 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1.5G', 1.5e9],
    ['500M', 5e8],
    ['1024', 1024],
  ])('reads the quantity %s', (text, bytes) => {
    expect(parseQuantity(text)).toBe(bytes);
  });

  it('applies the embedded limits, with defaults', () => {
    expect(resolveSettings(pipeline({})).embedded).toEqual({
      memoryBytes: 384 * 2 ** 20,
      timeoutMs: 3_600_000,
    });
    expect(
      resolveSettings(pipeline({ embedded: { memoryLimit: '1Gi', timeout: '90s' } })).embedded,
    ).toEqual({ memoryBytes: 2 ** 30, timeoutMs: 90_000 });
  });

  it('stalls on a pattern that cannot run in linear time, saying why', () => {
    const error = stalled({ rules: 'Rules = [ ColumnValues "id" matches "(a)\\\\1" ]' });
    expect(error.reason).toBe('InvalidRules');
    expect(error.message).toContain('patterns run in linear time (RE2 syntax)');
  });

  it('stalls on a condition that can never pass', () => {
    expect(stalled({ rules: 'Rules = [ Completeness "a" > 1.5 ]' }).message).toContain(
      'can never pass',
    );
  });

  it('stalls a glue pipeline whose rules name a reference dataset it does not define', () => {
    const spec = {
      engine: 'glue',
      rules: 'Rules = [ RowCountMatch "registry" >= 0.9 ]',
    };
    expect(stalled(spec).message).toContain('reference dataset "registry"');
    expect(() =>
      resolveSettings(
        pipeline({ ...spec, referenceData: [{ alias: 'registry', prefix: 'ref/' }] }),
      ),
    ).not.toThrow();
  });
});
