// Parquet in and out (hyparquet, pure JavaScript): rows are read a slice at a time through
// range reads, so memory holds one slice, not the file; outputs are written row group by
// row group through the same streamed sink as CSV and JSON Lines.
import {
  type AsyncBuffer,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
  type SchemaElement,
} from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ObjectSink } from './sink.ts';
import type { ObjectStore } from './store.ts';

/** Rows read per slice: bounded memory, few enough awaits to stay fast. */
const SLICE_ROWS = 16_384;

export interface ParquetSource {
  columns: string[];
  /** Columns whose values are dates (DATE): read as "YYYY-MM-DD", as Spark shows them. */
  dateColumns: Set<string>;
  schema: SchemaElement[];
  rows: number;
  slices(): AsyncGenerator<Record<string, unknown>[]>;
}

export async function openParquet(
  store: ObjectStore,
  bucket: string,
  key: string,
  size: number,
): Promise<ParquetSource> {
  const file: AsyncBuffer = {
    byteLength: size,
    slice: async (start, end) => {
      const bytes = await store.range(bucket, key, start, end ?? size);
      const copy = new ArrayBuffer(bytes.byteLength);
      new Uint8Array(copy).set(bytes);
      return copy;
    },
  };
  const metadata: FileMetaData = await parquetMetadataAsync(file);
  const tree = parquetSchema(metadata);
  const nested = tree.children.filter((c) => c.children.length > 0).map((c) => c.element.name);
  if (nested.length > 0) {
    throw new Error(
      `nested Parquet columns (${nested.join(', ')}) are not read by the embedded engine; use engine "glue"`,
    );
  }
  const columns = tree.children.map((c) => c.element.name);
  const dateColumns = new Set(
    tree.children
      .filter((c) => c.element.converted_type === 'DATE' || c.element.logical_type?.type === 'DATE')
      .map((c) => c.element.name),
  );
  const rows = Number(metadata.num_rows);
  return {
    columns,
    dateColumns,
    schema: metadata.schema,
    rows,
    async *slices() {
      for (let start = 0; start < rows; start += SLICE_ROWS) {
        yield await parquetReadObjects({
          file,
          metadata,
          rowStart: start,
          rowEnd: Math.min(rows, start + SLICE_ROWS),
        });
      }
    },
  };
}

/** The added columns of quarantined rows, as JSON text. */
function stringColumn(name: string): SchemaElement {
  return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
}

/**
 * A Parquet output object with the source's schema (plus extra string columns): rows are
 * buffered and written one row group at a time.
 */
export class ParquetOutput {
  private readonly writer: ParquetWriter;
  private readonly bytes: ByteWriter;
  private readonly sink: ObjectSink;
  private readonly names: string[];
  private buffered: unknown[][];
  private count = 0;

  constructor(sink: ObjectSink, sourceSchema: SchemaElement[], extraColumns: string[]) {
    this.sink = sink;
    const fields = sourceSchema.slice(1);
    const schema: SchemaElement[] = [
      { name: 'root', num_children: fields.length + extraColumns.length },
      ...fields,
      ...extraColumns.map(stringColumn),
    ];
    this.names = schema.slice(1).map((e) => e.name);
    this.buffered = this.names.map(() => []);
    const bytes = new ByteWriter();
    const pending: Uint8Array[] = [];
    const ensure = bytes.ensure.bind(bytes);
    // Hand full megabytes to the sink as they are encoded, as hyparquet's file writer does.
    const drain = (): void => {
      if (bytes.index === 0) return;
      pending.push(new Uint8Array(bytes.buffer.slice(0, bytes.index)));
      bytes.index = 0;
    };
    bytes.ensure = (size: number) => {
      if (bytes.index > 1 << 20) drain();
      ensure(size);
    };
    const send = async (): Promise<void> => {
      drain();
      for (const chunk of pending.splice(0)) await sink.writeBytes(chunk);
    };
    Object.assign(bytes, { flush: send, finish: send });
    this.bytes = bytes;
    this.writer = new ParquetWriter({ writer: bytes, schema });
  }

  /** Values in schema order (the source's columns, then the extra ones). */
  async add(values: unknown[]): Promise<void> {
    for (let i = 0; i < this.names.length; i++) this.buffered[i]!.push(values[i] ?? null);
    if (++this.count >= SLICE_ROWS * 4) await this.writeGroup();
  }

  private async writeGroup(): Promise<void> {
    if (this.count === 0) return;
    const columnData = this.names.map((name, i) => ({ name, data: this.buffered[i]! }));
    await this.writer.write({ columnData, rowGroupSize: this.count });
    this.buffered = this.names.map(() => []);
    this.count = 0;
  }

  async close(): Promise<void> {
    await this.writeGroup();
    await this.writer.finish();
    void this.bytes;
  }

  get objectSink(): ObjectSink {
    return this.sink;
  }
}
