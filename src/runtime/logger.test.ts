import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { reconcileLogger } from './logger.ts';

describe('reconcileLogger', () => {
  it('puts kind, namespace, name and a reconcile id on every line', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const log = reconcileLogger(pino({}, sink), 'ProtectedBucket', 'data', 'raw');
    log.info('one');
    log.child({ facet: 'bucket.versioning' }).warn('two');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ kind: 'ProtectedBucket', namespace: 'data', name: 'raw' });
      expect(line.reconcileId).toMatch(/^[0-9a-f]{8}$/);
    }
    expect(lines[0]?.reconcileId).toBe(lines[1]?.reconcileId);
  });
});
