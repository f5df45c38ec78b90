import { describe, expect, it } from 'vitest';
import { quantityBytes } from './quantities.ts';

describe('quantityBytes', () => {
  it.each([
    ['1024', 1024],
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2G', 2e9],
    ['10k', 10_000],
    [' 3Ti ', 3 * 2 ** 40],
    ['lots', undefined],
    ['5K', undefined],
    ['Mi', undefined],
    ['-1Gi', undefined],
  ])('%s → %s', (text, bytes) => {
    expect(quantityBytes(text)).toBe(bytes);
  });
});
