// The embedded data-quality engine against a real S3 protocol (moto): listing, streaming
// gets, gzip, multipart uploads of the trusted/quarantine objects, the results document.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEmbeddedPipeline } from '../../src/dq/index.ts';
import { normalize } from '../fixtures/dq/golden.ts';
import { isolatedAccount } from '../harness/aws.ts';
import { uniqueName } from '../harness/kube.ts';

const TESTDATA = new URL('../../src/dq/testdata/', import.meta.url);

/** The person's S3 (test data in, results out). */
let s3: S3Client;
/** The operator's S3: the embedded engine runs inside Seawall. */
let engineS3: S3Client;
let raw: string;
let lake: string;

async function text(bucket: string, key: string): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToString();
}

beforeAll(async () => {
  const account = await isolatedAccount();
  s3 = account.admin.clients.s3();
  engineS3 = account.operator.clients.s3();
  raw = uniqueName('dq-raw');
  lake = uniqueName('dq-lake');
  await s3.send(new CreateBucketCommand({ Bucket: raw }));
  await s3.send(new CreateBucketCommand({ Bucket: lake }));
});

function locations(runId: string, prefix: string, format: 'csv' | 'jsonl' = 'csv') {
  return {
    s3: engineS3,
    source: { bucket: raw, prefix, format },
    trusted: { bucket: lake, prefix: 'trusted' },
    quarantine: { bucket: lake, prefix: 'quarantine' },
    results: { bucket: lake, prefix: 'results' },
    runId,
  };
}

describe('embedded engine on S3', () => {
  it('gives the golden results for the parking meters', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: raw,
        Key: 'meters/2025/parking-meters.csv',
        Body: readFileSync(new URL('parking-meters.csv', TESTDATA)),
      }),
    );
    const document = await runEmbeddedPipeline({
      ...locations('golden', 'meters'),
      rules: readFileSync(new URL('parking-meters.dqdl', TESTDATA), 'utf8'),
      now: new Date('2025-12-31T00:00:00Z'),
    });
    const golden = JSON.parse(
      readFileSync(new URL('parking-meters.results.json', TESTDATA), 'utf8'),
    );
    const actual = normalize(document);
    expect(actual.ruleResults).toEqual(golden.ruleResults);
    expect([actual.status, actual.score, actual.rows, actual.rules]).toEqual([
      golden.status,
      golden.score,
      golden.rows,
      golden.rules,
    ]);
    expect(document.outputs.trusted).toEqual([
      { bucket: lake, key: 'trusted/golden/2025/parking-meters.csv', rows: 21 },
    ]);
    expect(JSON.parse(await text(lake, 'results/golden.json'))).toEqual(document);
    const quarantined = await text(lake, 'quarantine/golden/2025/parking-meters.csv');
    expect(quarantined.trim().split('\n')).toHaveLength(1 + 16);
  });

  it('streams several objects under a prefix, gzip and plain, CSV and JSON Lines', async () => {
    const put = (Key: string, Body: string | Buffer) =>
      s3.send(new PutObjectCommand({ Bucket: raw, Key, Body }));
    await put('mixed/part-1.csv', 'id,rate\n1,2.5\n2,-1\n');
    await put('mixed/part-2.csv.gz', gzipSync('id,rate\n3,4\n4,\n'));
    await put('mixed/nested/part-3.csv', 'id,rate\n5,1\n');
    await put('events/day-1.jsonl.gz', gzipSync('{"id":1,"rate":1}\n{"id":2,"rate":"x"}\n'));
    const rules = 'Rules = [ ColumnValues "rate" > 0, IsUnique "id", RowCount = 5 ]';
    const csv = await runEmbeddedPipeline({ ...locations('mixed', 'mixed/'), rules });
    expect(csv.status).toBe('SUCCEEDED');
    expect(csv.rows).toEqual({ processed: 5, passed: 3, failed: 2, malformed: 0 });
    expect(csv.ruleResults.map((r) => r.outcome)).toEqual(['FAIL', 'PASS', 'PASS']);
    expect(csv.outputs.quarantine.map((o) => [o.key, o.rows])).toEqual([
      ['quarantine/mixed/part-1.csv', 1],
      ['quarantine/mixed/part-2.csv.gz', 1],
    ]);
    const json = await runEmbeddedPipeline({ ...locations('events', 'events', 'jsonl'), rules });
    expect(json.rows).toEqual({ processed: 2, passed: 1, failed: 1, malformed: 0 });
    expect(json.outputs.trusted.map((o) => o.key)).toEqual(['trusted/events/day-1.jsonl.gz']);
  });

  it('fails the run naming an object it cannot read', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: raw, Key: 'broken/a.csv.gz', Body: 'not gzip at all' }),
    );
    const document = await runEmbeddedPipeline({
      ...locations('broken', 'broken'),
      rules: 'Rules = [ RowCount > 0 ]',
    });
    expect(document.status).toBe('FAILED');
    expect(document.error).toContain(`s3://${raw}/broken/a.csv.gz`);
    expect(JSON.parse(await text(lake, 'results/broken.json')).status).toBe('FAILED');
  });

  it('fails the run naming an output it cannot write', async () => {
    await s3.send(new PutObjectCommand({ Bucket: raw, Key: 'ok/a.csv', Body: 'id\n1\n' }));
    const missing = uniqueName('dq-missing');
    const document = await runEmbeddedPipeline({
      ...locations('nowhere', 'ok'),
      trusted: { bucket: missing, prefix: 'trusted' },
      rules: 'Rules = [ IsComplete "id" ]',
    });
    expect(document.status).toBe('FAILED');
    expect(document.error).toContain(`could not write s3://${missing}/trusted/nowhere/a.csv`);
  });

  it('streams a ~100 MB object in bounded memory', { timeout: 600_000 }, async () => {
    const rows = 1_000_000;
    // Generated while uploading: a 100 MB object never exists in this process at once.
    async function* csv(): AsyncGenerator<string> {
      yield 'meter_id,area,hourly_rate,accepts_credit_card,last_inspected,notes\n';
      let chunk = '';
      for (let i = 1; i <= rows; i++) {
        const rate = i % 1000 === 0 ? '-1' : (1 + (i % 7) * 0.5).toFixed(2);
        chunk += `PM-${i},Zone-${i % 50},${rate},${i % 2 === 0},2025-0${1 + (i % 9)}-1${i % 10},meter in a quiet street no ${i % 97} near the old harbour gate\n`;
        if (chunk.length > 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    }
    await new Upload({
      client: s3,
      params: { Bucket: raw, Key: 'big/meters.csv', Body: Readable.from(csv()) },
      partSize: 16 * 1024 * 1024,
    }).done();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const document = await runEmbeddedPipeline({
      ...locations('big', 'big'),
      rules: `Rules = [
        RowCount = ${rows},
        IsComplete "meter_id",
        ColumnValues "hourly_rate" between 0 and 10,
        ColumnValues "accepts_credit_card" in ["true", "false"],
        Mean "hourly_rate" > 1,
        ColumnLength "notes" < 80
      ]`,
    });
    clearInterval(sampler);
    expect(document.status).toBe('SUCCEEDED');
    expect(document.rows).toEqual({
      processed: rows,
      passed: rows - 1000,
      failed: 1000,
      malformed: 0,
    });
    expect(document.source.objects[0]!.bytes).toBeGreaterThan(90_000_000);
    expect(document.outputs.trusted[0]!.rows).toBe(rows - 1000);
    // Reading it whole would cost far more than the object itself; streaming stays small.
    expect(peak - baseline).toBeLessThan(200 * 1024 * 1024);
  });
});
