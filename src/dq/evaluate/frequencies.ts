import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell, RowView } from './values.ts';

/** Where tables spill, and how much of memory they may hold first. */
export interface SpillOptions {
  /** Bytes (estimated) the table may keep in memory before it spills to disk. */
  memoryBytes: number;
  /** Folder for spill files (default: the system's temporary folder). */
  directory?: string;
}

/** Partitions of a spilled table: each is read back alone, so it must fit in memory. */
const PARTITIONS = 64;
/** Spill text is handed to the file system in blocks this big. */
const SPILL_BLOCK = 256 * 1024;
/** A map entry's cost beyond its key's characters (V8 map slot, number, string header). */
const ENTRY_OVERHEAD = 80;

interface Summary {
  distinct: number;
  singletons: number;
  entropy: number;
}

/**
 * Exact counts of each distinct value (or tuple of values) of some columns: the state of
 * Uniqueness, IsUnique, IsPrimaryKey, DistinctValuesCount, UniqueValueRatio and Entropy,
 * shared by the rules on one (columns, where) pair. It is the only state that grows with
 * the data, so past its memory budget it spills: every key goes to one of 64 files by
 * hash, and each file is counted alone at the end. What stays in memory afterwards is the
 * keys that occur more than once (for row-level duplicates), not every key.
 */
export class FrequencyTable {
  readonly columns: string[];
  /** Rows whose key had at least one non-null column (the denominator of Uniqueness). */
  nonNullRows = 0;
  /** Every key's count while rows are added; undefined once spilled or summarised. */
  private counts: Map<string, number> | undefined = new Map();
  private bytes = 0;
  private readonly spill: SpillOptions | undefined;
  private spillDir: string | undefined;
  private buffers: string[] = [];
  private summary: Summary | undefined;
  /** Keys seen more than once, once the table was summarised. */
  private repeated: Map<string, number> | undefined;

  constructor(columns: string[], spill?: SpillOptions) {
    this.columns = columns;
    // Read on every new key: the evaluator shares one budget among its tables.
    this.spill = spill;
  }

  /** The key of a row, or null when every column is NULL (such rows are not counted). */
  key(row: RowView): string | null {
    if (this.columns.length === 1) return keyPart(row.get(this.columns[0]!));
    let allNull = true;
    const parts: (string | null)[] = [];
    for (const column of this.columns) {
      const part = keyPart(row.get(column));
      if (part !== null) allNull = false;
      parts.push(part);
    }
    return allNull ? null : JSON.stringify(parts);
  }

  add(row: RowView): void {
    const key = this.key(row);
    if (key === null) return;
    if (this.summary) throw new Error('a row was added after the frequency table was summarised');
    this.nonNullRows++;
    const counts = this.counts;
    if (!counts) {
      this.spillKey(key, 1);
      return;
    }
    const seen = counts.get(key);
    if (seen === undefined) {
      counts.set(ownCopy(key), 1);
      this.bytes += key.length * 2 + ENTRY_OVERHEAD;
      if (this.spill && this.bytes > this.spill.memoryBytes) this.spillAll();
    } else counts.set(key, seen + 1);
  }

  /** Whether the table went to disk (tests, benchmarks). */
  get spilled(): boolean {
    return this.spillDir !== undefined;
  }

  /**
   * How often a key of a row that was added occurs (after every row was added): the map of
   * repeated keys is small, so the second pass looks keys up there, not in the full table.
   */
  count(key: string): number {
    this.finish();
    return this.repeated!.get(key) ?? 1;
  }

  distinct(): number {
    return this.finish().distinct;
  }

  /** Distinct keys that occur exactly once. */
  singletons(): number {
    return this.finish().singletons;
  }

  entropy(): number {
    return this.finish().entropy;
  }

  /** Frees the spill files. */
  dispose(): void {
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
  }

  private spillAll(): void {
    this.spillDir = mkdtempSync(join(this.spill?.directory ?? tmpdir(), 'seawall-dq-spill-'));
    this.buffers = Array.from({ length: PARTITIONS }, () => '');
    for (const [key, count] of this.counts!) this.spillKey(key, count);
    this.counts = undefined;
  }

  private spillKey(key: string, count: number): void {
    const p = partitionOf(key);
    // One JSON line per key: keys may hold newlines.
    this.buffers[p] += `${count === 1 ? '' : `${count}\t`}${JSON.stringify(key)}\n`;
    if (this.buffers[p]!.length >= SPILL_BLOCK) this.flush(p);
  }

  private flush(p: number): void {
    if (this.buffers[p] === '') return;
    appendFileSync(join(this.spillDir!, String(p)), this.buffers[p]!);
    this.buffers[p] = '';
  }

  private finish(): Summary {
    if (this.summary) return this.summary;
    const summary: Summary = { distinct: 0, singletons: 0, entropy: 0 };
    const tally = (counts: Iterable<number>) => {
      for (const c of counts) {
        summary.distinct++;
        if (c === 1) summary.singletons++;
        const p = c / this.nonNullRows;
        summary.entropy -= p * Math.log(p);
      }
    };
    this.repeated = new Map();
    if (this.counts) {
      tally(this.counts.values());
      for (const [key, count] of this.counts) if (count > 1) this.repeated.set(key, count);
      // Every question from now on is answered by the summary and the repeated keys.
      this.counts = undefined;
    } else {
      for (let p = 0; p < PARTITIONS; p++) {
        this.flush(p);
        let text: string;
        try {
          text = readFileSync(join(this.spillDir!, String(p)), 'utf8');
        } catch {
          continue; // no key fell in this partition
        }
        const counts = new Map<string, number>();
        for (const line of text.split('\n')) {
          if (line === '') continue;
          const tab = line.startsWith('"') ? -1 : line.indexOf('\t');
          const count = tab < 0 ? 1 : Number(line.slice(0, tab));
          const key = JSON.parse(tab < 0 ? line : line.slice(tab + 1)) as string;
          counts.set(key, (counts.get(key) ?? 0) + count);
        }
        tally(counts.values());
        for (const [key, count] of counts) if (count > 1) this.repeated.set(key, count);
      }
      this.dispose();
    }
    this.summary = summary;
    return summary;
  }
}

/**
 * The key as a string of its own. A field sliced out of a CSV chunk can be a view into the
 * whole chunk, which a map entry would keep alive: a table of such keys would hold the
 * file read so far, not the keys. Short strings are always copied by V8.
 */
function ownCopy(key: string): string {
  return key.length < 13 ? key : Buffer.from(key, 'utf8').toString('utf8');
}

/** FNV-1a over the key's UTF-16 units: spreads keys over partitions, the same every run. */
function partitionOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PARTITIONS;
}

function keyPart(cell: Cell): string | null {
  if (cell === null || cell === undefined) return null;
  // Type-tagged so the JSON number 1 and the string "1" stay apart only when they differ in
  // source type; CSV values are all strings, so CSV keys compare as written.
  return typeof cell === 'string' ? cell : `${typeof cell}:${String(cell)}`;
}
