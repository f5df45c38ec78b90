// A DQDL ruleset compiled to the statements one run executes over the rows table:
//
//   1. one frequency table per (columns, where clause) the uniqueness family needs: every
//      distinct key and its count (DuckDB's hash aggregate spills past its memory);
//   2. one aggregate query over every row: each rule's metrics, each row-level rule's failed
//      rows, the rows that failed any rule;
//   3. the quarantine table: the rows that failed, with each rule's reason.
//
// Rows flow through layers of projections so that each per-row value (a number read from
// text, a where clause, a rule's check) is computed once and shared by the aggregates and
// the quarantine query.
import type { Rule, Ruleset, TopLevelRule } from '../parser/ast.ts';
import type { RuleOutcome, RuleResult } from '../results.ts';
import { ruleTypeSpec } from '../rules/catalogue.ts';
import { validateForEmbedded } from '../rules/embedded.ts';
import { type CellSql, type CellValues, DIRECT } from './cells.ts';
import {
  type Aggregates,
  compileLeaf,
  type DatasetInfo,
  type FrequencyRef,
  type FrequencySummary,
  frequencyKeys,
  type LeafContext,
  type LeafResult,
  type SqlLeaf,
} from './leaves.ts';
import { allOf, anyOf, ident } from './quote.ts';
import { whereSql } from './where.ts';

export interface PlanOptions {
  now: Date;
  dataset: DatasetInfo;
  /** The cell of a column of the rows table (an absent cell when no object has it). */
  cell(column: string): CellSql;
  /** The rows table: one row per source record, `_o` its object, `_m` why it is malformed. */
  table: string;
  /** The quarantine table to create. */
  quarantine: string;
}

export interface FrequencyTable {
  id: number;
  name: string;
  /**
   * The statements that make it, in order: the count of every key's hash, then the exact
   * count of every key whose hash repeats (`name`: a key seen once has a hash seen once
   * unless another key shares it, so those keys are the only ones left to count exactly).
   * Grouping on 8-byte hashes rather than the keys themselves is what lets a distinct set
   * many times DuckDB's memory limit spill and finish: DuckDB's out-of-core aggregate over
   * long string keys runs out of memory at small limits (ADR 23).
   */
  create: string[];
  /** One row: distinct, singletons, rows, entropy. */
  summary: string;
  /** The tables to drop once the quarantine table exists. */
  drop: string[];
}

type Node = { kind: 'leaf'; index: number } | { kind: 'and' | 'or'; children: Node[] };

interface TopLevel {
  name: string;
  rule: TopLevelRule;
  node: Node;
  /** Takes part in row-level outcomes; otherwise skipped for rows (DataQualityRulesSkip). */
  rowLevel: boolean;
}

export interface RowCounts {
  processed: number;
  failed: number;
  malformed: number;
}

/** A row-level rule as the quarantine table carries it: a column of reasons. */
export interface QuarantineRule {
  name: string;
  rule: string;
  /** The quarantine table's column holding the row's reason (NULL: the row passed it). */
  column: string;
}

export interface Plan {
  frequencyTables: FrequencyTable[];
  aggregateSql: string;
  quarantineSql: string;
  /** Row-level rules, in ruleset order. */
  rowLevelRules: QuarantineRule[];
  finish(
    aggregates: Record<string, unknown>,
    summaries: Map<number, FrequencySummary>,
  ): { results: RuleResult[]; rows: RowCounts };
}

function toNumberOrNull(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  return Number(value);
}

export function compilePlan(ruleset: Ruleset, options: PlanOptions): Plan {
  const problems = validateForEmbedded(ruleset);
  if (problems.length > 0)
    throw new Error(problems.map((p) => `line ${p.line}:${p.column}: ${p.message}`).join('; '));
  const { table } = options;

  // Per-row values, computed once: in the second layer from cells (numbers, trimmed
  // text), in the third from those (times).
  const derived = new Map<string, string>();
  const derive = (sql: string): string => {
    let name = derived.get(sql);
    if (!name) {
      name = `_d${derived.size}`;
      derived.set(sql, name);
    }
    return name;
  };
  const lateDerived = new Map<string, string>();
  const deriveLate = (sql: string): string => {
    let name = lateDerived.get(sql);
    if (!name) {
      name = `_e${lateDerived.size}`;
      lateDerived.set(sql, name);
    }
    return name;
  };
  const values: CellValues = {
    number: (cell) => derive(DIRECT.number(cell)),
    trimmed: (cell) => derive(DIRECT.trimmed(cell)),
    time: (cell) => deriveLate(`sw_time(${derive(DIRECT.trimmed(cell))})`),
  };

  // Frequency tables, shared by the rules on the same columns and where clause.
  const tables = new Map<
    string,
    FrequencyRef & { columns: string[]; rule: Rule; joined: boolean }
  >();
  const frequencies = (columns: string[], rule: Rule, wantsEntropy: boolean): FrequencyRef => {
    const key = JSON.stringify([columns, rule.where?.text ?? null]);
    let entry = tables.get(key);
    if (!entry) {
      const id = tables.size;
      const cells = columns.map((c) => options.cell(c));
      const keys = frequencyKeys(cells);
      entry = {
        id,
        repeats: `_fq${id}`,
        keyText: keys.length === 1 ? keys[0]! : `sw_json_list([${keys.join(', ')}])`,
        entropy: false,
        columns,
        rule,
        joined: false,
      };
      tables.set(key, entry);
    }
    if (wantsEntropy) entry.entropy = true;
    if (ruleTypeSpec(rule.ruleType)?.rowLevel) entry.joined = true;
    return entry;
  };

  const context: LeafContext = {
    now: options.now,
    dataset: options.dataset,
    cell: (c) => options.cell(c),
    derive,
    values,
    frequencies,
  };

  const leaves: SqlLeaf[] = [];
  const compile = (rule: TopLevelRule): Node => {
    if (rule.type !== 'rule') return { kind: rule.type, children: rule.rules.map(compile) };
    leaves.push(compileLeaf(rule, ruleTypeSpec(rule.ruleType)!, context));
    return { kind: 'leaf', index: leaves.length - 1 };
  };
  const isRowLevel = (node: Node, inComposite: boolean): boolean => {
    if (node.kind === 'leaf') {
      const leaf = leaves[node.index]!;
      return leaf.rowLevel && !(inComposite && leaf.spec.excludedAtRowLevelInComposite);
    }
    return node.children.every((child) => isRowLevel(child, true));
  };
  const topLevel: TopLevel[] = ruleset.rules.map((rule, i) => {
    const node = compile(rule);
    return { name: `Rule_${i + 1}`, rule, node, rowLevel: isRowLevel(node, false) };
  });

  // Layer 1: the rows, with how often their keys repeat (row-level uniqueness rules).
  const joins: string[] = [];
  const counts: string[] = [];
  const frequencyTables: FrequencyTable[] = [];
  for (const entry of tables.values()) {
    const name = `fq_${entry.id}`;
    const cells = entry.columns.map((c) => options.cell(c));
    const keys = frequencyKeys(cells);
    const applies = entry.rule.where
      ? whereSql(entry.rule.where.expression, (c) => options.cell(c))
      : 'TRUE';
    const keyColumns = keys.map((k, i) => `${k} AS k${i}`).join(', ');
    const someKey = anyOf(keys.map((k) => `${k} IS NOT NULL`));
    const hash = `hash(${keys.join(', ')})`;
    const hashes = `fh_${entry.id}`;
    const selected = `FROM ${table} WHERE ${applies} AND (${someKey})`;
    // Keys whose hash is seen once are keys seen once: they enter the summary as counts.
    const once = `(SELECT count(*) FROM ${hashes} WHERE c = 1)`;
    const n = `(SELECT coalesce(sum(c), 0) FROM ${hashes})`;
    frequencyTables.push({
      id: entry.id,
      name,
      create: [
        `CREATE TEMP TABLE ${hashes} AS SELECT ${hash} AS h, count(*) AS c ${selected} GROUP BY ALL`,
        `CREATE TEMP TABLE ${name} AS SELECT ${keyColumns}, count(*) AS c ${selected} AND ${hash} IN (SELECT h FROM ${hashes} WHERE c > 1) GROUP BY ALL`,
      ],
      summary: `SELECT ${once} + count(*) AS distinct_keys, ${once} + count(*) FILTER (WHERE c = 1) AS singletons, ${n} AS rows${
        entry.entropy
          ? `, -(${once} * (1 / ${n}) * ln(1 / ${n})) - coalesce(sum((c / ${n}) * ln(c / ${n})), 0) AS entropy FROM ${name}`
          : ` FROM ${name}`
      }`,
      drop: [name, hashes],
    });
    if (entry.joined) {
      const on =
        keys.length === 1
          ? `j${entry.id}.k0 = ${keys[0]}`
          : allOf(keys.map((k, i) => `j${entry.id}.k${i} IS NOT DISTINCT FROM ${k}`));
      joins.push(`LEFT JOIN (SELECT * FROM ${name} WHERE c > 1) j${entry.id} ON ${on}`);
      counts.push(`j${entry.id}.c AS _fq${entry.id}`);
    } else {
      counts.push(`CAST(NULL AS BIGINT) AS _fq${entry.id}`);
    }
  }
  const layer1 = `SELECT ${table}.rowid AS _rid, ${table}.*${counts.map((c) => `, ${c}`).join('')} FROM ${table} ${joins.join(' ')}`;

  // Layer 2: values read from cells; layer 2b: values read from those. Layer 3: each leaf's
  // where clause; layer 4, its check (a column defined in a SELECT cannot be read in it).
  const select = (items: string[], from: string) =>
    `SELECT *${items.map((i) => `, ${i}`).join('')} FROM ${from}`;
  const layer2 = select(
    [...derived].map(([sql, name]) => `${sql} AS ${name}`),
    'layer1',
  );
  const layer2b = select(
    [...lateDerived].map(([sql, name]) => `${sql} AS ${name}`),
    'layer2',
  );
  const layer3 = select(
    leaves.map((leaf, i) => `${leaf.applies} AS _a${i}`),
    'layer2b',
  );
  const layer4 = select(
    leaves.map(
      (leaf, i) => `${leaf.check ? `(_a${i} AND ${leaf.check.fail})` : 'FALSE'} AS _f${i}`,
    ),
    'layer3',
  );

  // Layer 5: each row-level rule's outcome for the row.
  const fails = (node: Node): string => {
    if (node.kind === 'leaf') return `_f${node.index}`;
    const parts = node.children.map(fails);
    return node.kind === 'and' ? `(${parts.join(' OR ')})` : `(${parts.join(' AND ')})`;
  };
  const reason = (node: Node): string => {
    if (node.kind === 'leaf') {
      const check = leaves[node.index]!.check!;
      return `CASE WHEN _f${node.index} THEN ${check.reason} END`;
    }
    const parts = node.children.map(reason);
    if (node.kind === 'and') return `coalesce(${parts.join(', ')})`;
    return `CASE WHEN ${node.children.map(fails).join(' AND ')} THEN concat_ws(' and ', ${parts.join(', ')}) END`;
  };
  const rowLevel = topLevel.map((top, k) => ({ top, k })).filter(({ top }) => top.rowLevel);
  const layer5 = `SELECT *${rowLevel.map(({ top, k }) => `, ${fails(top.node)} AS _t${k}`).join('')} FROM layer4`;
  const rows = `WITH layer1 AS (${layer1}), layer2 AS (${layer2}), layer2b AS (${layer2b}), layer3 AS (${layer3}), layer4 AS (${layer4}), layer5 AS (${layer5})`;

  const anyFailure = anyOf(['_m IS NOT NULL', ...rowLevel.map(({ k }) => `_t${k}`)]);
  const aggregates: string[] = [
    'count(*) AS _processed',
    'count(*) FILTER (WHERE _m IS NOT NULL) AS _malformed',
    `count(*) FILTER (WHERE ${anyFailure}) AS _failed`,
    ...rowLevel.map(({ k }) => `count(*) FILTER (WHERE _t${k}) AS _t${k}_failed`),
  ];
  leaves.forEach((leaf, i) => {
    for (const [name, sql] of Object.entries(leaf.aggregates)) {
      const expanded = sql.replaceAll('{applies}', `_a${i}`).replaceAll('{fails}', `_f${i}`);
      aggregates.push(`${expanded} AS ${ident(`l${i}_${name}`)}`);
    }
  });
  const aggregateSql = `${rows} SELECT ${aggregates.join(', ')} FROM layer5`;

  const rowLevelRules: QuarantineRule[] = rowLevel.map(({ top, k }) => ({
    name: top.name,
    rule: top.rule.text,
    column: `_r${k}`,
  }));
  const reasonColumns = rowLevel.map(({ top, k }) => `, ${reason(top.node)} AS _r${k}`).join('');
  const quarantineSql = `CREATE TEMP TABLE ${options.quarantine} AS ${rows} SELECT _rid, _o, _m${reasonColumns} FROM layer5 WHERE ${anyFailure}`;

  return {
    frequencyTables,
    aggregateSql,
    quarantineSql,
    rowLevelRules,
    finish(row, summaries) {
      const leafResults = leaves.map((leaf, i) => {
        const values: Aggregates = (name) => toNumberOrNull(row[`l${i}_${name}`]);
        return leaf.finish(values, summaries);
      });
      const combine = (node: Node): LeafResult => {
        if (node.kind === 'leaf') return leafResults[node.index]!;
        const parts = node.children.map(combine);
        const outcomes = parts.map((p) => p.outcome);
        let outcome: RuleOutcome;
        if (node.kind === 'and') {
          outcome = outcomes.includes('FAIL')
            ? 'FAIL'
            : outcomes.includes('ERROR')
              ? 'ERROR'
              : 'PASS';
        } else {
          outcome = outcomes.includes('PASS')
            ? 'PASS'
            : outcomes.includes('ERROR')
              ? 'ERROR'
              : 'FAIL';
        }
        const metrics = Object.assign({}, ...parts.map((p) => p.metrics)) as Record<string, number>;
        const messages = parts.flatMap((p) =>
          p.message && p.outcome !== 'PASS' ? [p.message] : [],
        );
        const result: LeafResult = { outcome, metrics };
        if (outcome !== 'PASS' && messages.length > 0) result.message = messages.join('; ');
        return result;
      };
      const results = topLevel.map((top, k) => {
        const combined = combine(top.node);
        const result: RuleResult = {
          name: top.name,
          rule: top.rule.text,
          outcome: combined.outcome,
          evaluatedMetrics: combined.metrics,
          rowLevel: top.rowLevel,
        };
        if (combined.message) result.message = combined.message;
        if (top.rowLevel) result.rowsFailed = Number(row[`_t${k}_failed`]);
        const labels = { ...ruleset.defaultLabels, ...top.rule.labels };
        if (Object.keys(labels).length > 0) result.labels = labels;
        return result;
      });
      return {
        results,
        rows: {
          processed: Number(row._processed),
          failed: Number(row._failed),
          malformed: Number(row._malformed),
        },
      };
    },
  };
}

/** Score as Glue computes it: passed rules over all rules (1 for an empty ruleset). */
export function scoreOf(results: RuleResult[]): number {
  if (results.length === 0) return 1;
  return results.filter((r) => r.outcome === 'PASS').length / results.length;
}
