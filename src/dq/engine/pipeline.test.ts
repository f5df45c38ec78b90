import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { FakeS3 } from '../../../test/fixtures/dq/fake-s3.ts';
import { normalize } from '../../../test/fixtures/dq/golden.ts';
import schema from '../results.schema.json' with { type: 'json' };
import { type EmbeddedPipelineOptions, runEmbeddedPipeline } from './pipeline.ts';

const TESTDATA = new URL('../testdata/', import.meta.url);
const METERS = readFileSync(new URL('parking-meters.csv', TESTDATA));
const RULES = readFileSync(new URL('parking-meters.dqdl', TESTDATA), 'utf8');
const GOLDEN = new URL('parking-meters.results.json', TESTDATA);
const NOW = new Date('2025-12-31T00:00:00Z');

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateDocument = ajv.compile(schema);

function options(
  s3: FakeS3,
  overrides: Partial<EmbeddedPipelineOptions> = {},
): EmbeddedPipelineOptions {
  return {
    s3: s3.asClient(),
    source: { bucket: 'raw', prefix: 'meters', format: 'csv' },
    trusted: { bucket: 'lake', prefix: 'trusted' },
    quarantine: { bucket: 'lake', prefix: 'quarantine' },
    results: { bucket: 'lake', prefix: 'dq-results/' },
    rules: RULES,
    runId: 'run-1',
    now: NOW,
    ...overrides,
  };
}

function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true });
}

describe('runEmbeddedPipeline on the parking meters', () => {
  it('matches the golden results document', async () => {
    const s3 = new FakeS3();
    s3.put('raw', 'meters/2025/parking-meters.csv', METERS);
    const document = await runEmbeddedPipeline(options(s3));
    expect(validateDocument(document), JSON.stringify(validateDocument.errors)).toBe(true);
    if (process.env.UPDATE_GOLDEN)
      writeFileSync(GOLDEN, `${JSON.stringify(normalize(document), null, 2)}\n`);
    expect(normalize(document)).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
    // The document written to S3 is the one returned.
    expect(JSON.parse(s3.text('lake', 'dq-results/run-1.json'))).toEqual(document);
  });

  it('routes each planted defect to quarantine with the rules it failed', async () => {
    const s3 = new FakeS3();
    s3.put('raw', 'meters/2025/parking-meters.csv', METERS);
    await runEmbeddedPipeline(options(s3));
    const quarantined = csvRows(s3.text('lake', 'quarantine/run-1/2025/parking-meters.csv'));
    const failed = Object.fromEntries(
      quarantined.map((r) => [
        `${r.meter_id}|${r.area}|${r.hourly_rate}|${r.accepts_credit_card}|${r.last_inspected}`,
        (JSON.parse(r.DataQualityFailureReasons!) as string[])
          .map((x) => x.split(':')[0])
          .join(','),
      ]),
    );
    expect(failed).toEqual({
      'PM-1002|Uptown|2.25|true|2025-03-03': 'Rule_3',
      'PM-1002|Downtown|4.50|true|2025-05-05': 'Rule_3',
      '|Uptown|2.25|false|2025-07-07': 'Rule_3,Rule_4,Rule_13',
      'pm-108|Downtown|4.50|true|2025-09-09': 'Rule_4,Rule_13',
      'PM-1010|Airport|2.25|true|2025-11-11': 'Rule_5',
      'PM-1012||4.50|false|2025-02-13': 'Rule_5,Rule_6',
      'PM-1014||2.25|true|2025-04-15': 'Rule_5,Rule_6',
      'PM-1016|Downtown|0|true|2025-06-17': 'Rule_7,Rule_12',
      'PM-1018|Uptown|12.50|false|2025-08-19': 'Rule_7',
      'PM-1020|Downtown|free|true|2025-10-21': 'Rule_7,Rule_12',
      'PM-1022|Uptown|2.25|maybe|2025-01-23': 'Rule_8',
      'PM-1024|Downtown|4.50|false|2023-06-30': 'Rule_9',
      'PM-1026|Uptown|2.25|true|2025-13-01': 'Rule_9',
      'PM-1028|Downtown|4.50|true|': 'Rule_9',
      'PM-1029|Harbor|3.80|true|2025-08-03': 'Rule_14',
      'PM-1999|Harbor|2.00|true|2025-05-05': 'malformed CSV row',
    });
    const trusted = s3.text('lake', 'trusted/run-1/2025/parking-meters.csv');
    expect(trusted.split('\n')[0]).toBe(
      'meter_id,area,hourly_rate,accepts_credit_card,last_inspected',
    );
    expect(csvRows(trusted)).toHaveLength(21);
    // Spark reads "" as NULL too: both are written back as an empty field.
    const raw = s3.text('lake', 'quarantine/run-1/2025/parking-meters.csv');
    expect(raw).toContain('PM-1012,,4.50');
    expect(raw).toContain('PM-1014,,2.25');
  });
});

describe('runEmbeddedPipeline formats and failures', () => {
  const rules = 'Rules = [ IsComplete "id", ColumnValues "n" > 0, RowCount = 4 ]';

  it('reads several objects, gzip by extension or by content, and writes the same compression', async () => {
    const s3 = new FakeS3();
    s3.put('raw', 'in/a.csv', 'id,n\n1,5\n2,-1\n');
    s3.put('raw', 'in/b.csv.gz', gzipSync('id,n\n3,7\n'));
    s3.put('raw', 'in/c', gzipSync('id,n\n,9\n')); // gzip without the extension
    const document = await runEmbeddedPipeline(
      options(s3, { rules, source: { bucket: 'raw', prefix: 'in/', format: 'csv' } }),
    );
    expect(document.status).toBe('SUCCEEDED');
    expect(document.rows).toEqual({ processed: 4, passed: 2, failed: 2, malformed: 0 });
    expect(document.ruleResults.map((r) => r.outcome)).toEqual(['FAIL', 'FAIL', 'PASS']);
    expect(gunzipSync(Buffer.from(s3.objects.get('lake/trusted/run-1/b.csv.gz')!)).toString()).toBe(
      'id,n\n3,7\n',
    );
    expect(
      gunzipSync(Buffer.from(s3.objects.get('lake/quarantine/run-1/c')!)).toString(),
    ).toContain(',9,');
    expect(document.source.objects.map((o) => [o.key, o.rows])).toEqual([
      ['in/a.csv', 2],
      ['in/b.csv.gz', 1],
      ['in/c', 1],
    ]);
  });

  it('reads JSON Lines; absent keys are NULL; a bad line is a row of NULLs, quarantined', async () => {
    const s3 = new FakeS3();
    s3.put(
      'raw',
      'in/x.jsonl',
      '{"id":1,"n":3}\n{"n":2}\nnot json\n\n{"id":4,"n":-2,"extra":{"a":1}}\n',
    );
    const document = await runEmbeddedPipeline(
      options(s3, { rules, source: { bucket: 'raw', prefix: 'in', format: 'jsonl' } }),
    );
    expect(document.rows).toEqual({ processed: 4, passed: 1, failed: 3, malformed: 1 });
    expect(s3.text('lake', 'trusted/run-1/x.jsonl')).toBe('{"id":1,"n":3}\n');
    const quarantined = s3
      .text('lake', 'quarantine/run-1/x.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Spark reads a line that is not JSON as a row of NULLs: it counts, and fails the
    // rules that read a column.
    expect(quarantined.map((q) => q.DataQualityRulesFail)).toEqual([
      ['IsComplete "id"'],
      ['IsComplete "id"', 'ColumnValues "n" > 0'],
      ['ColumnValues "n" > 0'],
    ]);
    expect(quarantined[1]?._malformed).toBe('not json');
    expect((quarantined[1]!.DataQualityFailureReasons as string[])[0]).toMatch(/^invalid JSON/);
    expect(document.ruleResults[2]).toMatchObject({
      outcome: 'PASS',
      evaluatedMetrics: { 'Dataset.*.RowCount': 4 },
    });
  });

  it('quarantines CSV rows with broken quoting and counts them', async () => {
    const s3 = new FakeS3();
    s3.put('raw', 'in/a.csv', 'id,n\n1,5\n"2"x,1\n');
    const document = await runEmbeddedPipeline(
      options(s3, { rules, source: { bucket: 'raw', prefix: 'in', format: 'csv' } }),
    );
    expect(document.status).toBe('SUCCEEDED');
    // csv-parse may report one broken record as more than one error; each is counted.
    expect(document.rows.malformed).toBeGreaterThanOrEqual(1);
    expect(s3.text('lake', 'trusted/run-1/a.csv')).toBe('id,n\n1,5\n');
    expect(s3.text('lake', 'quarantine/run-1/a.csv')).toContain('malformed CSV near line 3');
  });

  it('fails the run, naming the object, when an object cannot be read', async () => {
    const s3 = new FakeS3();
    s3.put('raw', 'in/a.csv', 'id,n\n1,5\n');
    s3.put('raw', 'in/b.csv.gz', 'this is not gzip');
    const document = await runEmbeddedPipeline(
      options(s3, { rules, source: { bucket: 'raw', prefix: 'in', format: 'csv' } }),
    );
    expect(document.status).toBe('FAILED');
    expect(document.error).toMatch(/^could not read s3:\/\/raw\/in\/b\.csv\.gz: /);
    expect(document.score).toBeNull();
    expect(validateDocument(document)).toBe(true);
    expect(JSON.parse(s3.text('lake', 'dq-results/run-1.json')).status).toBe('FAILED');
  });

  it.each([
    ['csv', 'in/a.csv.gz', 'id,n\n'],
    ['jsonl', 'in/a.jsonl.gz', ''],
  ] as const)(
    'fails a %s run on a truncated gzip object instead of reading part of it',
    async (format, key, head) => {
      const s3 = new FakeS3();
      const body = `${head}${'{"id":1,"n":1}\n'.repeat(5000)}`.replaceAll(
        '{"id":1,"n":1}',
        format === 'csv' ? '1,1' : '{"id":1,"n":1}',
      );
      const gz = gzipSync(body);
      s3.put('raw', key, gz.subarray(0, gz.length - 40));
      const document = await runEmbeddedPipeline(
        options(s3, {
          rules: 'Rules = [ RowCount > 0 ]',
          source: { bucket: 'raw', prefix: 'in', format },
        }),
      );
      expect(document.status).toBe('FAILED');
      expect(document.error).toContain(`could not read s3://raw/${key}`);
    },
  );

  it('fails the run with the parse errors of a bad ruleset', async () => {
    const s3 = new FakeS3();
    const document = await runEmbeddedPipeline(
      options(s3, { rules: 'Rules = [ CustomSql "select 1" = 1 ]' }),
    );
    expect(document).toMatchObject({ status: 'FAILED', score: null });
    expect(document.error).toContain('CustomSql cannot run on the embedded engine');
  });

  it('does not read its own outputs when they live under the source prefix', async () => {
    const s3 = new FakeS3();
    s3.put('raw', 'data/a.csv', 'id,n\n1,5\n');
    s3.put('raw', 'data/trusted/old/a.csv', 'id,n\n1,5\n');
    const document = await runEmbeddedPipeline(
      options(s3, {
        rules,
        source: { bucket: 'raw', prefix: 'data', format: 'csv' },
        trusted: { bucket: 'raw', prefix: 'data/trusted' },
      }),
    );
    expect(document.source.objects.map((o) => o.key)).toEqual(['data/a.csv']);
  });
});
