import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { invocationDir } from './args.ts';
import { formatProblem, loadResources, validateCommand, validateResources } from './validate.ts';

const dir = fileURLToPath(new URL('./testdata/validate', import.meta.url));
const cwd = fileURLToPath(new URL('../..', import.meta.url));

describe('seawall validate', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads Seawall resources from multi-document files in nested folders, ignoring other kinds', () => {
    const loaded = loadResources([`${dir}/valid.yaml`, `${dir}/nested`], { cwd });
    expect(loaded.resources.map((r) => `${r.kind}/${r.name}@${r.line}`)).toEqual([
      'ProtectedBucket/raw-data@7',
      'CostMonitor/platform@1',
      'ProtectedBucket/yaml-one-one@2',
    ]);
    // YAML 1.1, as kubectl reads it: `enforceTLS: yes` is the boolean true.
    expect(loaded.resources[2]?.object.spec).toMatchObject({
      enforceTLS: true,
      adoptExisting: false,
    });
    expect(validateResources(loaded)).toEqual([]);
  });

  it('reports every error with file, line, resource and field', () => {
    const problems = validateResources(loadResources([`${dir}/invalid.yaml`], { cwd }));
    const at = (line: number) => `src/cli/testdata/validate/invalid.yaml:${line}`;
    expect(problems.map(formatProblem)).toEqual([
      // The offending value is echoed, as the API server does.
      `${at(6)}: ProtectedBucket/broken: spec.bucketName: Invalid value: "Broken_Bucket": should match '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'`,
      `${at(8)}: ProtectedBucket/broken: spec.versioning: Unsupported value: "Sometimes": supported values: "Enabled", "Suspended"`,
      // A misspelt field names the field it probably meant.
      `${at(9)}: ProtectedBucket/broken: spec.enforceTls: unknown field "spec.enforceTls" (did you mean "enforceTLS"?)`,
      `${at(18)}: ProtectedBucket/same-region-backup: spec.versioning: Invalid value: versioning must be Enabled while a backup is configured`,
      `${at(20)}: ProtectedBucket/same-region-backup: spec.backup.bucketName: Invalid value: the backup bucket must have its own name`,
      `${at(21)}: ProtectedBucket/same-region-backup: spec.backup.region: Invalid value: the backup must be in another region than the bucket`,
      `${at(29)}: CostMonitor/bad-monitor: spec.billing.monthlyBudgetUSD: Invalid value: percentOfBudget thresholds need monthlyBudgetUSD`,
      `${at(31)}: CostMonitor/bad-monitor: spec.billing.thresholds[0]: Invalid value: set exactly one of amountUSD and percentOfBudget`,
      `${at(35)}: CostMonitor/bad-monitor: spec.billing.thresholds[1].amountUSD: Invalid value: -5: must be greater than 0`,
      `${at(37)}: CostMonitor/bad-monitor: spec.buckets[0]: Invalid value: set exactly one of bucketRef and bucketName`,
      `${at(40)}: CostMonitor/bad-monitor: spec.buckets[0].maxObjects: Invalid value: 0: must be >= 1`,
      `${at(43)}: Frobnicator/unknown-kind: kind: no kind "Frobnicator" in the seawall.dev API of this version of seawall`,
      `${at(57)}: QualityPipeline/bad-rules: spec.schedule: Invalid value: "cron(0 2 * * MON *)": schedule must set exactly one of day-of-month and day-of-week and put ? in the other`,
      // DQDL problems point at the line inside the block scalar.
      `${at(62)}: QualityPipeline/bad-rules: spec.rules: DQDL line 4, column 1: expected a value (number, "string", "YYYY-MM-DD", now(), duration, NULL), found "]"`,
      `${at(75)}: QualityPipeline/glue-only-rule: spec.rules: DQDL line 3, column 3: RowCountMatch cannot run on the embedded engine because it compares with a second (reference) dataset; use engine "glue"`,
      // The CRD refuses a field out of range (so does the API server)...
      `${at(86)}: QualityPipeline/out-of-range-schedule: spec.schedule: Invalid value: "cron(61 9 ? * MON *)": schedule fields must be in range: minutes 0-59, hours 0-23, day-of-month 1-31 or L, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (L, #1-#5), year 1970-2199`,
      `${at(88)}: QualityPipeline/out-of-range-schedule: spec.rules: DQDL line 1, column 11: unknown rule type "IsComplet" (did you mean IsComplete?)`,
      // ...and the operator's own cron parser what no pattern sees.
      `${at(98)}: QualityPipeline/descending-range: spec.schedule: Invalid value: "cron(30-5 2 ? * MON *)": schedule cron(30-5 2 ? * MON *) is not valid: Invalid range: 30-5, min(30) > max(5)`,
      `${at(107)}: ProtectedBucket/aws-rules: spec.bucketName: Invalid value: "sthree-raw-data": a bucket name must not start with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)`,
      `${at(108)}: ProtectedBucket/aws-rules: spec.region: Unsupported value: "ca-centrl-1": supported values: 48 values, see \`kubectl explain\` or the JSON Schema (did you mean "ca-central-1"?)`,
      `${at(109)}: ProtectedBucket/aws-rules: spec.driftCheckInterval: Invalid value: "10s": must be between 30s and 24h`,
      `${at(110)}: ProtectedBucket/aws-rules: spec.tags: Invalid value: the tag key prefix aws: is reserved for AWS`,
      `${at(114)}: ProtectedBuckets/kind-typo: kind: no kind "ProtectedBuckets" in the seawall.dev API of this version of seawall (did you mean "ProtectedBucket"?)`,
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = validateResources(loadResources([`${dir}/syntax-error.yaml.broken`], { cwd }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(5);
    expect(problems[0]?.message).toMatch(/^YAML: /);
  });

  it('exits 0 when valid, 1 on any error, 2 on a usage error', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await validateCommand(['-f', `${dir}/valid.yaml`])).toBe(0);
    expect(await validateCommand(['-f', `${dir}/invalid.yaml`])).toBe(1);
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
    expect(parsed.errors).toHaveLength(23);
  });

  it('reads standard input for -f -', () => {
    const stdin = readFileSync(`${dir}/valid.yaml`, 'utf8');
    const loaded = loadResources(['-'], { cwd, readStdin: () => stdin });
    expect(loaded.resources.map((r) => `${r.file}:${r.line}: ${r.kind}/${r.name}`)).toEqual([
      '<stdin>:7: ProtectedBucket/raw-data',
    ]);
    expect(validateResources(loaded)).toEqual([]);
  });

  it('reads a plain kustomize base file by file, with its namespace', () => {
    const loaded = loadResources([`${dir}/base`], { cwd });
    expect(loaded.resources.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'data-platform/base-bucket',
    ]);
    expect(validateResources(loaded)).toEqual([]);
  });

  it('refuses to read an overlay raw, and says how to read it rendered', () => {
    const problems = validateResources(loadResources([`${dir}/overlay`], { cwd }));
    const overlay = 'src/cli/testdata/validate/overlay';
    expect(problems.map(formatProblem)).toEqual([
      `${overlay}/kustomization.yaml:1: a kustomization that is not read file by file (it uses patches and it includes ../base): validate what kustomize renders, with \`seawall validate -k ${overlay}\` or \`kubectl kustomize ${overlay} | seawall validate -f -\``,
    ]);
  });

  it('checks what -k renders', () => {
    // Stands in for kubectl; test/integration/package.test.ts runs the real one.
    const rendered = readFileSync(`${dir}/base/bucket.yaml`, 'utf8').replace(
      'spec:',
      'spec:\n  enforceTLS: nope',
    );
    const loaded = loadResources([], {
      cwd,
      kustomize: [`${dir}/overlay`],
      renderKustomization: () => rendered,
    });
    expect(validateResources(loaded).map(formatProblem)).toEqual([
      'src/cli/testdata/validate/overlay (kustomize):6: ProtectedBucket/base-bucket: spec.enforceTLS: Invalid value: "nope": must be of type boolean',
    ]);
  });

  it('calls a path with no Seawall resource an error, not valid', async () => {
    const problems = validateResources(loadResources([`${dir}/empty`], { cwd }));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^no Seawall resource \(apiVersion seawall.dev\/\*\) in 1 YAML file/),
    ]);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await validateCommand(['-f', `${dir}/empty`])).toBe(1);
  });

  it('resolves relative paths where the person typed the command, also under npm run', () => {
    expect(invocationDir({}, '/repo')).toBe('/repo');
    expect(invocationDir({ INIT_CWD: '/home/me/platform' }, '/repo')).toBe('/repo');
    expect(
      invocationDir({ npm_lifecycle_event: 'seawall', INIT_CWD: '/home/me/platform' }, '/repo'),
    ).toBe('/home/me/platform');
  });
});

describe('seawall validate: DQDL', () => {
  it('reports every DQDL mistake at its line: ranges, inverted ranges, syntax, misspelt types, patterns', () => {
    const problems = validateResources(loadResources([`${dir}/dqdl-mistakes.yaml`], { cwd }));
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
