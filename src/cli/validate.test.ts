import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatProblem, loadResources, validateCommand, validateResources } from './validate.ts';

const dir = fileURLToPath(new URL('./testdata/validate', import.meta.url));
const cwd = fileURLToPath(new URL('../..', import.meta.url));

describe('seawall validate', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads Seawall resources from multi-document files in nested folders, ignoring other kinds', () => {
    const loaded = loadResources([`${dir}/valid.yaml`, `${dir}/nested`], cwd);
    expect(loaded.resources.map((r) => `${r.kind}/${r.name}@${r.line}`)).toEqual([
      'ProtectedBucket/raw-data@7',
      'CostMonitor/platform@1',
    ]);
    expect(validateResources(loaded)).toEqual([]);
  });

  it('reports every error with file, line, resource and field', () => {
    const problems = validateResources(loadResources([`${dir}/invalid.yaml`], cwd));
    expect(problems.map(formatProblem)).toEqual([
      "src/cli/testdata/validate/invalid.yaml:6: ProtectedBucket/broken: spec.bucketName: Invalid value: should match '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'",
      'src/cli/testdata/validate/invalid.yaml:8: ProtectedBucket/broken: spec.versioning: Unsupported value: supported values: "Enabled", "Suspended"',
      'src/cli/testdata/validate/invalid.yaml:9: ProtectedBucket/broken: spec.enforceTls: unknown field "spec.enforceTls"',
      'src/cli/testdata/validate/invalid.yaml:18: ProtectedBucket/same-region-backup: spec.versioning: Invalid value: versioning must be Enabled while a backup is configured',
      'src/cli/testdata/validate/invalid.yaml:20: ProtectedBucket/same-region-backup: spec.backup.bucketName: Invalid value: the backup bucket must have its own name',
      'src/cli/testdata/validate/invalid.yaml:21: ProtectedBucket/same-region-backup: spec.backup.region: Invalid value: the backup must be in another region than the bucket',
      'src/cli/testdata/validate/invalid.yaml:29: CostMonitor/bad-monitor: spec.billing.monthlyBudgetUSD: Invalid value: percentOfBudget thresholds need monthlyBudgetUSD',
      'src/cli/testdata/validate/invalid.yaml:31: CostMonitor/bad-monitor: spec.billing.thresholds[0]: Invalid value: set exactly one of amountUSD and percentOfBudget',
      'src/cli/testdata/validate/invalid.yaml:35: CostMonitor/bad-monitor: spec.billing.thresholds[1].amountUSD: Invalid value: must be greater than 0',
      'src/cli/testdata/validate/invalid.yaml:37: CostMonitor/bad-monitor: spec.buckets[0]: Invalid value: set exactly one of bucketRef and bucketName',
      'src/cli/testdata/validate/invalid.yaml:40: CostMonitor/bad-monitor: spec.buckets[0].maxObjects: Invalid value: must be >= 1',
      'src/cli/testdata/validate/invalid.yaml:43: Frobnicator/unknown-kind: kind: no kind "Frobnicator" in the seawall.dev API of this version of seawall',
      'src/cli/testdata/validate/invalid.yaml:57: QualityPipeline/bad-rules: spec.schedule: Invalid value: schedule must set exactly one of day-of-month and day-of-week and put ? in the other',
      // DQDL problems point at the line inside the block scalar.
      'src/cli/testdata/validate/invalid.yaml:62: QualityPipeline/bad-rules: spec.rules: DQDL line 4, column 1: expected a value (number, "string", "YYYY-MM-DD", now(), duration, NULL), found "]"',
      'src/cli/testdata/validate/invalid.yaml:75: QualityPipeline/glue-only-rule: spec.rules: DQDL line 3, column 3: RowCountMatch cannot run on the embedded engine because it compares with a second (reference) dataset; use engine "glue"',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = validateResources(loadResources([`${dir}/syntax-error.yaml.broken`], cwd));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(5);
    expect(problems[0]?.message).toMatch(/^YAML: /);
  });

  it('exits 0 when valid, 1 on any error, 2 on a usage error', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await validateCommand(['-f', `${dir}/valid.yaml`])).toBe(0);
    expect(await validateCommand(['-f', dir])).toBe(1);
    expect(await validateCommand([])).toBe(2);
    expect(await validateCommand(['-f', `${dir}/does-not-exist`])).toBe(1);
  });

  it('prints JSON with -o json', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => {
      out.push(s);
    });
    expect(await validateCommand(['-f', `${dir}/invalid.yaml`, '-o', 'json'])).toBe(1);
    const parsed = JSON.parse(out.join('\n')) as { valid: boolean; errors: unknown[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.errors).toHaveLength(15);
  });
});

describe('seawall validate: DQDL', () => {
  it('reports every DQDL mistake at its line: ranges, inverted ranges, syntax, misspelt types, patterns', () => {
    const problems = validateResources(loadResources([`${dir}/dqdl-mistakes.yaml`], cwd));
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '10: DQDL line 2, column 23: Completeness is a ratio between 0 and 1: "> 1.5" can never pass',
      '11: DQDL line 3, column 12: "between 10 and 5" is an inverted range: between is exclusive and takes the lower bound first, so no value is inside it',
      '12: DQDL line 4, column 3: unknown rule type "Completenes" (did you mean Completeness?)',
      '13: DQDL line 5, column 32: expected , or ] to close the list, found "x"',
      '14: DQDL line 6, column 35: cannot use the regular expression "(PM)-\\\\1": invalid escape sequence: `\\1`: patterns run in linear time (RE2 syntax), which has no backreferences, lookahead or lookbehind',
      '15: DQDL line 7, column 31: a threshold is a share of rows, between 0 and 1: "> 1.2" can never pass',
    ]);
  });
});
