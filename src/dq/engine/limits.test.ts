import { describe, expect, it } from 'vitest';
import { diskLimitFromEnvironment, heapLimitMiB } from './isolated.ts';
import { duckdbMemoryBytes } from './pipeline.ts';

const MiB = 2 ** 20;

describe('an isolated run’s scratch disk from SEAWALL_DQ_DISK_LIMIT', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['1000', 1000],
    ['64Mi', 64 * MiB],
    ['2Gi', 2 * 1024 * MiB],
    ['1.5Gi', 1.5 * 1024 * MiB],
    ['500M', 500e6],
    [' 1G ', 1e9],
  ])('%j is %j bytes', (value, bytes) => {
    expect(
      diskLimitFromEnvironment(value === undefined ? {} : { SEAWALL_DQ_DISK_LIMIT: value }),
    ).toBe(bytes);
  });

  it.each(['lots', '-1Gi', '2GB', 'Gi'])('refuses %j, saying what it wants', (value) => {
    expect(() => diskLimitFromEnvironment({ SEAWALL_DQ_DISK_LIMIT: value })).toThrow(
      /SEAWALL_DQ_DISK_LIMIT=.* is not a size/,
    );
  });
});

describe('how a run’s memory limit is shared', () => {
  it.each([
    // [run limit MiB, V8 heap MiB, DuckDB memory_limit MiB]
    [160, 48, 32],
    [256, 64, 32],
    [320, 80, 45],
    [1024, 256, 221],
    [4096, 1024, 989],
  ])('%i MiB: a V8 heap of %i MiB and DuckDB %i MiB', (limit, heap, duckdb) => {
    expect(heapLimitMiB(limit * MiB)).toBe(heap);
    expect(Math.floor(duckdbMemoryBytes(limit * MiB) / MiB)).toBe(duckdb);
  });
});
