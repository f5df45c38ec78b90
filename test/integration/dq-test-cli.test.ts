// `seawall dq test` as a person runs it: a real process (node src/cli/main.ts), rules from
// a DQDL file or a QualityPipeline YAML, data in CSV, gzip CSV, JSON Lines and Parquet;
// the table, the failing rows, -o json and the exit codes 0 / 1 / 2.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

async function seawall(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [MAIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('seawall dq test (a real process)', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seawall-dq-test-'));
    writeFileSync(
      at('meters.csv'),
      'id,rate,area\n1,2.5,Harbor\n2,3.0,\n3,42,Uptown\n3,1.5,Harbor\n',
    );
    writeFileSync(
      at('rules.dqdl'),
      'Rules = [\n  RowCount = 4,\n  IsComplete "area",\n  ColumnValues "rate" between 0 and 10,\n  IsUnique "id"\n]\n',
    );
    writeFileSync(at('good.csv.gz'), gzipSync('id,rate,area\n1,2.5,Harbor\n2,3.5,Uptown\n'));
    writeFileSync(
      at('good.jsonl'),
      '{"id":1,"rate":2.5,"area":"Harbor"}\n{"id":2,"rate":3.5,"area":"Uptown"}\n',
    );
    writeFileSync(
      at('good.parquet'),
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: [1, 2], type: 'INT32' },
            { name: 'rate', data: [2.5, 3.5], type: 'DOUBLE' },
            { name: 'area', data: ['Harbor', 'Uptown'], type: 'STRING' },
          ],
        }),
      ),
    );
    writeFileSync(
      at('pipeline.yaml'),
      [
        'apiVersion: seawall.dev/v1alpha1',
        'kind: QualityPipeline',
        'metadata: { name: meters }',
        'spec:',
        '  source: { bucketName: raw, prefix: raw/, format: csv, csv: { delimiter: ";" } }',
        '  rules: |',
        '    Rules = [ RowCount = 2, IsComplete "area", ColumnValues "rate" < 5 ]',
        '',
      ].join('\n'),
    );
    writeFileSync(at('semicolons.txt'), 'id;rate;area\n1;2.5;Harbor\n2;3.5;Uptown\n');
    writeFileSync(at('broken.csv.gz'), 'this is not gzip');
    writeFileSync(at('glue-only.dqdl'), 'Rules = [ CustomSql "select count(*) from primary" > 0 ]');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const good =
    'Rules = [ RowCount = 2, IsComplete "area", ColumnValues "rate" between 0 and 10, IsUnique "id" ]';

  it('prints a per-rule table and the first failing rows with their reasons; exit 1 on a failed rule', async () => {
    const { code, stdout } = await seawall(
      'dq',
      'test',
      '--rules',
      at('rules.dqdl'),
      at('meters.csv'),
    );
    expect(code).toBe(1);
    expect(stdout).toContain('1/4 rules passed (score 0.25) over 4 rows in 1 file(s)');
    expect(stdout).toMatch(/Rule_1\s+PASS\s+RowCount = 4\s+Dataset\.\*\.RowCount=4/);
    expect(stdout).toMatch(/Rule_2\s+FAIL\s+IsComplete "area"\s+Column\.area\.Completeness=0\.75/);
    expect(stdout).toMatch(/Rule_3\s+FAIL\s+ColumnValues "rate" between 0 and 10/);
    expect(stdout).toMatch(/Rule_4\s+FAIL\s+IsUnique "id"/);
    expect(stdout).toContain('First failing rows (3 of 3):');
    expect(stdout).toContain('meters.csv record 2: {"id":"2","rate":"3.0","area":null}');
    expect(stdout).toContain('Rule_2 IsComplete "area": Value: NULL');
    expect(stdout).toContain(
      'Rule_3 ColumnValues "rate" between 0 and 10: Value: 42 does not meet the constraint requirement!',
    );
    expect(stdout).toContain('Rule_4 IsUnique "id": Value: 3 occurs 2 times');
  });

  it.each([['good.csv.gz'], ['good.jsonl'], ['good.parquet']])(
    'runs on %s and exits 0 when every rule passes',
    async (file) => {
      writeFileSync(at('good.dqdl'), good);
      const { code, stdout } = await seawall('dq', 'test', '-r', at('good.dqdl'), at(file));
      expect(code, stdout).toBe(0);
      expect(stdout).toContain('4/4 rules passed (score 1) over 2 rows in 1 file(s)');
    },
  );

  it('takes rules, format and CSV options from a QualityPipeline YAML', async () => {
    const { code, stdout } = await seawall(
      'dq',
      'test',
      '-r',
      at('pipeline.yaml'),
      at('semicolons.txt'),
    );
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('3/3 rules passed');
  });

  it('prints JSON for machines with -o json', async () => {
    const { code, stdout } = await seawall(
      'dq',
      'test',
      '-r',
      at('rules.dqdl'),
      '-o',
      'json',
      '--rows',
      '1',
      at('meters.csv'),
    );
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as {
      status: string;
      score: number;
      rules: { name: string; outcome: string; evaluatedMetrics: Record<string, number> }[];
      rows: { processed: number; failed: number };
      failingRows: { record: number; failures: { name: string; reason: string }[] }[];
    };
    expect(out.status).toBe('FAIL');
    expect(out.score).toBe(0.25);
    expect(out.rules.map((r) => r.outcome)).toEqual(['PASS', 'FAIL', 'FAIL', 'FAIL']);
    expect(out.rules[1]?.evaluatedMetrics).toEqual({ 'Column.area.Completeness': 0.75 });
    expect(out.rows).toMatchObject({ processed: 4, failed: 3 });
    expect(out.failingRows).toHaveLength(1);
    expect(out.failingRows[0]?.failures[0]?.name).toBe('Rule_2');
  });

  it.each([
    [
      'rules the embedded engine cannot run',
      ['-r', 'glue-only.dqdl', 'meters.csv'],
      /CustomSql cannot run on the embedded engine/,
    ],
    [
      'an unreadable file',
      ['-r', 'rules.dqdl', 'broken.csv.gz'],
      /could not read .*broken\.csv\.gz/,
    ],
    ['a missing file', ['-r', 'rules.dqdl', 'nope.csv'], /nope\.csv does not exist/],
    ['no data', ['-r', 'rules.dqdl'], /at least one DATA path/],
  ])('exits 2 on %s', async (_what, args, message) => {
    const full = args.map((a) => (a.startsWith('-') ? a : at(a)));
    const { code, stderr } = await seawall('dq', 'test', ...full);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
