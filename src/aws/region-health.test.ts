import { describe, expect, it } from 'vitest';
import { AwsUnreachableError, RegionHealth, type RegionHealthChange } from './region-health.ts';

const timeout = () => Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
const endpoint = 'https://kms.eu-west-1.amazonaws.com';

describe('RegionHealth', () => {
  it('pauses calls to a region that timed out, for the cool-down only, and says so', () => {
    let now = 1_000_000;
    const health = new RegionHealth({ coolDownMs: 30_000, now: () => now });
    const changes: RegionHealthChange[] = [];
    health.onChange((c) => changes.push(c));
    health.failed('eu-west-1', endpoint, timeout());
    expect(() => health.admit('eu-west-1', endpoint)).toThrow(AwsUnreachableError);
    expect(() => health.admit('eu-west-1', endpoint)).toThrow(/eu-west-1 .* has not answered/);
    // Other regions are untouched.
    expect(() => health.admit('ca-central-1', endpoint)).not.toThrow();
    now += 30_000;
    // After the cool-down a probe goes through; its success closes the breaker.
    expect(() => health.admit('eu-west-1', endpoint)).not.toThrow();
    health.succeeded('eu-west-1', endpoint);
    expect(health.unreachable()).toEqual([]);
    expect(changes.map((c) => [c.region, c.reachable])).toEqual([
      ['eu-west-1', false],
      ['eu-west-1', true],
    ]);
  });

  it('a failed probe extends the pause and keeps the original start', () => {
    let now = 0;
    const health = new RegionHealth({ coolDownMs: 10_000, now: () => now });
    health.failed('eu-west-1', endpoint, timeout());
    now = 10_000;
    health.failed('eu-west-1', endpoint, timeout());
    now = 15_000;
    expect(() => health.admit('eu-west-1', endpoint)).toThrow(/15 s/);
    expect(health.unreachable()[0]?.since.getTime()).toBe(0);
  });

  it.each([
    ['an AWS answer (AccessDenied)', Object.assign(new Error('no'), { name: 'AccessDenied' })],
    ['a throttle', Object.assign(new Error('slow'), { name: 'ThrottlingException' })],
  ])('ignores %s: the region answered', (_what, error) => {
    const health = new RegionHealth();
    health.failed('eu-west-1', endpoint, error);
    expect(() => health.admit('eu-west-1', endpoint)).not.toThrow();
  });

  it('a reset connection is an answer: one dropped call does not pause the region', () => {
    const health = new RegionHealth();
    // The SDK names a reset "TimeoutError: socket hang up"; its code says what it was.
    health.failed(
      'eu-west-1',
      endpoint,
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }),
    );
    expect(() => health.admit('eu-west-1', endpoint)).not.toThrow();
  });

  it.each(['ECONNREFUSED', 'ETIMEDOUT'])('counts %s as no answer', (code) => {
    const health = new RegionHealth();
    health.failed('eu-west-1', endpoint, Object.assign(new Error(code), { code }));
    expect(() => health.admit('eu-west-1', endpoint)).toThrow(AwsUnreachableError);
  });
});
