import { describe, expect, it } from 'vitest';
import { compileFullMatch } from './regex.ts';

describe('compileFullMatch (RE2 semantics, linear time)', () => {
  it('runs the catastrophic-backtracking pattern in linear time', () => {
    const pattern = compileFullMatch('(a+)+$');
    if (!pattern.ok) throw new Error(pattern.reason);
    // A backtracking engine takes ~2^n steps here; 5,000 a's would never finish.
    expect(pattern.matches(`${'a'.repeat(30)}!`)).toBe(false);
    expect(pattern.matches(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(pattern.matches('aaaa')).toBe(true);
  });

  it('matches whole values', () => {
    const pattern = compileFullMatch('[a-z]+');
    expect(pattern.ok && pattern.matches('abc')).toBe(true);
    expect(pattern.ok && pattern.matches('abc1')).toBe(false);
  });

  it.each([
    ['(a)\\1', 'invalid escape sequence'],
    ['(?=a)a', 'invalid or unsupported Perl syntax'],
    ['(?<=a)b', 'invalid named capture'],
    ['a++', 'invalid nested repetition operator'],
  ])('refuses %s, saying why', (source, detail) => {
    const pattern = compileFullMatch(source);
    expect(pattern.ok).toBe(false);
    if (pattern.ok) return;
    expect(pattern.reason).toContain(detail);
    expect(pattern.reason).toContain('linear time (RE2 syntax)');
  });
});
