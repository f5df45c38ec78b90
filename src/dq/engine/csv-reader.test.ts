import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, type CsvRecord } from './csv-reader.ts';

function read(text: string, cuts: number[] = [], options = {}): CsvRecord[] {
  const bytes = Buffer.from(text);
  const reader = new CsvReader(options);
  const records: CsvRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    records.push(...reader.push(bytes.subarray(from, Math.max(from, cut))));
    from = Math.max(from, cut);
  }
  records.push(...reader.push(bytes.subarray(from)));
  records.push(...reader.end());
  return records;
}

const values = (records: CsvRecord[]) => records.map((r) => r.values);

describe('CsvReader', () => {
  it('reads fields, NULL for empty ones (quoted too, as Spark), quotes, doubled quotes, newlines in quotes, CRLF, a BOM', () => {
    const text = '\ufeffa,b,c\r\n1,,"x, ""y"""\n2,"",\n"multi\nline",z,\n\n3\n';
    expect(values(read(text))).toEqual([
      ['a', 'b', 'c'],
      ['1', null, 'x, "y"'],
      ['2', null, null],
      ['multi\nline', 'z', null],
      ['3'],
    ]);
  });

  it('reports broken quoting as a malformed record and goes on', () => {
    const records = read('id,n\n"2"x,1\n3,4\n"open,5\n');
    expect(records.map((r) => r.kind)).toEqual(['record', 'malformed', 'record', 'malformed']);
    expect(records[1]).toMatchObject({ values: ['2x', '1'] });
    expect((records[1] as { reason: string }).reason).toBe(
      'malformed CSV near line 2: a closing quote is followed by "x"',
    );
    expect((records[3] as { reason: string }).reason).toContain('a quoted field is never closed');
  });

  it('takes another delimiter, quote and escape', () => {
    expect(
      values(read("a;'b;c';'d\\'e'\n", [], { delimiter: ';', quote: "'", escape: '\\' })),
    ).toEqual([['a', 'b;c', "d'e"]]);
  });

  it('gives the same records however the bytes are cut into chunks (multi-byte characters too)', () => {
    const field = fc.oneof(
      fc.constantFrom('', 'é', '日本', 'a"b', 'x,y', 'line\nbreak', '  ', 'plain'),
      fc.string({ maxLength: 6 }),
    );
    const quoted = (v: string) =>
      /[",\n\r]/.test(v) || v === '' ? `"${v.replaceAll('"', '""')}"` : v;
    const csv = fc
      .array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })
      .map((rows) => rows.map((r) => r.map(quoted).join(',')).join('\n'));
    fc.assert(
      fc.property(csv, fc.array(fc.nat(200), { maxLength: 6 }), (text, cuts) => {
        expect(read(text, cuts)).toEqual(read(text));
      }),
      { numRuns: 500 },
    );
  });

  it('reads a stream of a few megabytes in pieces', async () => {
    const text = `id,name\n${Array.from({ length: 50_000 }, (_, i) => `${i},"name ""${i}"""`).join('\n')}\n`;
    const reader = new CsvReader();
    let count = 0;
    for await (const chunk of Readable.from([Buffer.from(text)]).iterator()) {
      for (let i = 0; i < chunk.length; i += 4093)
        count += reader.push(chunk.subarray(i, i + 4093)).length;
    }
    count += reader.end().length;
    expect(count).toBe(50_001);
  });
});
