import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateGlueScript, SCRIPT_ARGUMENTS } from './glue-script.ts';

const RULESETS = [
  'Rules = [ IsComplete "meter_id", ColumnValues "rate" between 0 and 20 ]',
  // Quotes, backslashes, comments, non-ASCII, triple quotes and a trailing newline.
  'Rules = [\n  # the area must be known\n  ColumnValues "area" in ["Downtown", "Kitsilano", "Mount Pleasant\\u00e9"],\n  ColumnValues "note" matches "^[a-z]+\\\\d\\"\\"\\"$",\n  CustomSql "select count(*) from primary where area = \'é\'" > 0\n]\n',
];

function compile(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'seawall-glue-script-'));
  const path = join(dir, 'job.py');
  writeFileSync(path, script);
  execFileSync('python3', ['-m', 'py_compile', path]);
  return path;
}

/** The value of RULESET as Python reads it (parsed by Python's ast, not by us). */
function embeddedRuleset(path: string): string {
  return execFileSync(
    'python3',
    [
      '-c',
      'import ast,sys\nfor n in ast.parse(open(sys.argv[1]).read()).body:\n  if isinstance(n, ast.Assign) and n.targets[0].id == "RULESET": sys.stdout.write(n.value.value)',
      path,
    ],
    { encoding: 'utf8' },
  );
}

describe('generated Glue script', () => {
  it.each(RULESETS)(
    'compiles with python3 -m py_compile and carries the rules exactly: %#',
    (rules) => {
      const script = generateGlueScript({ pipeline: 'city-data/parking-meters', rules });
      const path = compile(script);
      expect(embeddedRuleset(path)).toBe(rules);
    },
  );

  it('uses EvaluateDataQuality row-level outcomes, splits on DataQualityEvaluationResult and publishes results', () => {
    const script = generateGlueScript({ pipeline: 'ns/p', rules: RULESETS[0] ?? '' });
    expect(script).toContain('EvaluateDataQuality().process_rows(');
    expect(script).toContain('key="rowLevelOutcomes"');
    expect(script).toContain('F.col("DataQualityEvaluationResult") == "Passed"');
    expect(script).toContain('"enableDataQualityResultsPublishing": True');
    expect(script).toContain('"kind": "DataQualityRunResult"');
    for (const argument of SCRIPT_ARGUMENTS) expect(script).toContain(argument);
  });

  it('passes reference datasets to EvaluateDataQuality and reads Parquet and catalog tables (checked on the Python AST)', () => {
    const path = compile(
      generateGlueScript({ pipeline: 'ns/p', rules: 'Rules = [ RowCount > 0 ]' }),
    );
    const calls = execFileSync(
      'python3',
      [
        '-c',
        [
          'import ast,sys',
          'tree = ast.parse(open(sys.argv[1]).read())',
          'for n in ast.walk(tree):',
          '  if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):',
          '    print(n.func.attr, sorted(k.arg for k in n.keywords if k.arg))',
        ].join('\n'),
        path,
      ],
      { encoding: 'utf8' },
    );
    expect(calls).toContain(
      "process_rows ['additional_data_sources', 'additional_options', 'frame', 'publishing_options', 'ruleset']",
    );
    expect(calls).toContain("from_catalog ['database', 'table_name', 'transformation_ctx']");
    expect(calls).toMatch(/^parquet \[\]$/m);
  });

  it('changes with the rules (so its content-addressed key does)', () => {
    const a = generateGlueScript({ pipeline: 'ns/p', rules: 'Rules = [ RowCount > 1 ]' });
    const b = generateGlueScript({ pipeline: 'ns/p', rules: 'Rules = [ RowCount > 2 ]' });
    expect(a).not.toBe(b);
  });
});
