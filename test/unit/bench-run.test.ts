import { describe, expect, it } from 'vitest';
import { BenchUsageError, benchmarksIn, planBench, resultState } from '../../bench/run-plan.ts';

const ALL = ['dq-embedded', 'protectedbucket', 'runtime', 'strict-aws'];

describe('npm run bench: which benchmarks, with which arguments', () => {
  it('finds benchmarks among bench/ files, leaving helpers and child processes out', () => {
    expect(
      benchmarksIn([
        'lib.ts',
        'run.ts',
        'run-plan.ts',
        'runtime.ts',
        'runtime-operator.ts',
        'protectedbucket.ts',
        'protectedbucket-operator.ts',
        'strict-aws.ts',
        'dq-embedded.ts',
        'results',
      ]),
    ).toEqual(ALL);
  });

  it.each([
    { argv: [], names: ALL, args: [], results: undefined },
    { argv: ['runtime'], names: ['runtime'], args: [], results: undefined },
    {
      argv: ['runtime', '--', '200', '4'],
      names: ['runtime'],
      args: ['200', '4'],
      results: undefined,
    },
    {
      argv: ['--results', '/tmp/b', 'strict-aws'],
      names: ['strict-aws'],
      args: [],
      results: '/tmp/b',
    },
    {
      argv: ['runtime', 'strict-aws'],
      names: ['runtime', 'strict-aws'],
      args: [],
      results: undefined,
    },
  ])('$argv', ({ argv, names, args, results }) => {
    expect(planBench(argv, ALL)).toEqual({ names, args, results, list: false });
  });

  it.each([
    [['nothing'], /no benchmark nothing; there are: dq-embedded/],
    [['--fast'], /unknown option --fast/],
    [['--results'], /--results needs a directory/],
    [['runtime', 'strict-aws', '--', '1'], /exactly one named benchmark/],
    [['--', '1'], /exactly one named benchmark/],
  ])('refuses %j', (argv, message) => {
    expect(() => planBench(argv, ALL)).toThrow(BenchUsageError);
    expect(() => planBench(argv, ALL)).toThrow(message);
  });

  it('a result counts only when this run wrote valid JSON', () => {
    const started = 1_000_000;
    expect(resultState(undefined, started)).toBe('missing');
    expect(resultState({ mtimeMs: started - 60_000, text: '{}' }, started)).toBe('stale');
    expect(resultState({ mtimeMs: started + 5, text: '{"a":' }, started)).toBe('invalid');
    expect(resultState({ mtimeMs: started + 5, text: '{"a":1}' }, started)).toBe('written');
  });
});
