import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './workqueue.ts';

describe('WorkQueue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('merges a key added twice while waiting', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands a key being processed to a second worker', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    q.add('a'); // arrives while the first worker holds it
    expect(q.length).toBe(0);
    let second: string | undefined = 'none';
    void q.get().then((k) => {
      second = k;
    });
    await Promise.resolve();
    expect(second).toBe('none');
    q.done(first!);
    await Promise.resolve();
    expect(second).toBe('a');
  });

  it('backs off exponentially per key up to the cap, and forget() resets it', () => {
    const q = new WorkQueue({ baseBackoffMs: 100, maxBackoffMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map(() => q.addRateLimited('a'))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(q.addRateLimited('b')).toBe(100);
    q.forget('a');
    expect(q.addRateLimited('a')).toBe(100);
    q.shutDown();
  });

  it('keeps the earliest of two addAfter calls', async () => {
    vi.useFakeTimers();
    const q = new WorkQueue();
    q.addAfter('a', 5000);
    q.addAfter('a', 1000);
    q.addAfter('a', 3000);
    vi.advanceTimersByTime(1000);
    expect(q.length).toBe(1);
    await q.get();
    q.done('a');
    vi.advanceTimersByTime(5000);
    expect(q.length).toBe(0);
  });

  it('releases waiting workers on shutdown', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('a');
    expect(q.length).toBe(0);
  });

  it('reports adds, retries and how long a key waited for a worker (from when it was due)', async () => {
    vi.useFakeTimers();
    const seen = { added: 0, retried: 0, waited: [] as number[] };
    const q = new WorkQueue(
      { baseBackoffMs: 100 },
      {
        added: () => {
          seen.added++;
        },
        retried: () => {
          seen.retried++;
        },
        waited: (s) => {
          seen.waited.push(Math.round(s * 1000));
        },
      },
    );
    q.add('a');
    q.add('a'); // merged, still an add
    vi.advanceTimersByTime(250);
    expect(await q.get()).toBe('a');
    q.add('a'); // due again while a worker holds it
    vi.advanceTimersByTime(400);
    q.done('a');
    expect(await q.get()).toBe('a');
    q.addRateLimited('a');
    expect(seen).toEqual({ added: 3, retried: 1, waited: [250, 400] });
    q.shutDown();
  });
});
