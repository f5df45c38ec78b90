import type { Ruleset, TopLevelRule } from '../parser/ast.ts';
import type { RuleOutcome, RuleResult } from '../results.ts';
import { ruleTypeSpec } from '../rules/catalogue.ts';
import { validateForEmbedded } from '../rules/embedded.ts';
import { FrequencyTable, type SpillOptions } from './frequencies.ts';
import { compileLeaf, type Leaf, type LeafResult } from './leaves.ts';
import type { RowView } from './values.ts';

type Node = { kind: 'leaf'; index: number } | { kind: 'and' | 'or'; children: Node[] };

interface TopLevel {
  name: string;
  rule: TopLevelRule;
  node: Node;
  /** Takes part in row-level outcomes; otherwise skipped for rows (DataQualityRulesSkip). */
  rowLevel: boolean;
  rowsFailed: number;
}

/** A rule a row failed and why. */
export interface RowFailure {
  name: string;
  rule: string;
  reason: string;
}

export interface EvaluatorOptions {
  /** The instant now() means, fixed per run so results are reproducible. */
  now: Date;
  /**
   * Memory the exact frequency tables (uniqueness, distinct values, entropy) may hold,
   * shared among them; past it they spill to disk. Default: no limit.
   */
  frequencyMemoryBytes?: number;
  /** Folder for spill files (default: the system's temporary folder). */
  spillDirectory?: string;
}

/**
 * Evaluates a ruleset over a stream of rows in bounded memory (apart from the exact
 * frequency tables of distinct-value rules). Feed every row to observe(); if
 * `needsSecondPass` is true, row outcomes are final only after all rows were observed,
 * and the caller streams the rows again through judge().
 */
export class RulesetEvaluator {
  readonly needsSecondPass: boolean;
  private readonly leaves: Leaf[] = [];
  private readonly topLevel: TopLevel[] = [];
  private readonly failures: (string | undefined)[];
  private readonly columns: string[] = [];
  private readonly columnSet = new Set<string>();
  private readonly defaultLabels: Record<string, string> | undefined;
  private readonly tables: FrequencyTable[];

  /** Whether a frequency table went to disk (tests, benchmarks). */
  get spilled(): boolean {
    return this.tables.some((t) => t.spilled);
  }

  /** Removes spill files left by a run that ended early. */
  dispose(): void {
    for (const table of this.tables) table.dispose();
  }

  constructor(ruleset: Ruleset, options: EvaluatorOptions) {
    const problems = validateForEmbedded(ruleset);
    if (problems.length > 0) {
      throw new Error(problems.map((p) => `line ${p.line}:${p.column}: ${p.message}`).join('; '));
    }
    const tables = new Map<string, FrequencyTable>();
    const spill: SpillOptions | undefined =
      options.frequencyMemoryBytes === undefined
        ? undefined
        : {
            memoryBytes: options.frequencyMemoryBytes,
            ...(options.spillDirectory ? { directory: options.spillDirectory } : {}),
          };
    const context = {
      now: options.now,
      frequencies: (columns: string[], where: string | undefined) => {
        const key = JSON.stringify([columns, where ?? null]);
        const existing = tables.get(key);
        if (existing) return { table: existing, owner: false };
        const table = new FrequencyTable(columns, spill);
        tables.set(key, table);
        return { table, owner: true };
      },
    };
    const compile = (rule: TopLevelRule): Node => {
      if (rule.type !== 'rule') return { kind: rule.type, children: rule.rules.map(compile) };
      this.leaves.push(compileLeaf(rule, ruleTypeSpec(rule.ruleType)!, context));
      return { kind: 'leaf', index: this.leaves.length - 1 };
    };
    ruleset.rules.forEach((rule, i) => {
      const node = compile(rule);
      this.topLevel.push({
        name: `Rule_${i + 1}`,
        rule,
        node,
        rowLevel: this.isRowLevel(node, false),
        rowsFailed: 0,
      });
    });
    if (spill && tables.size > 1) spill.memoryBytes = spill.memoryBytes / tables.size;
    this.tables = [...tables.values()];
    this.failures = new Array(this.leaves.length).fill(undefined);
    this.needsSecondPass = this.topLevel.some((t) => t.rowLevel && this.usesFullPassLeaf(t.node));
    this.defaultLabels = ruleset.defaultLabels;
  }

  private isRowLevel(node: Node, inComposite: boolean): boolean {
    if (node.kind === 'leaf') {
      const leaf = this.leaves[node.index]!;
      return leaf.rowLevel && !(inComposite && leaf.spec.excludedAtRowLevelInComposite);
    }
    return node.children.every((child) => this.isRowLevel(child, true));
  }

  private usesFullPassLeaf(node: Node): boolean {
    if (node.kind === 'leaf') return this.leaves[node.index]!.needsFullPass;
    return node.children.some((child) => this.usesFullPassLeaf(child));
  }

  /** Records the columns of a source object (its header, or keys of a JSON line). */
  seeColumns(columns: Iterable<string>): void {
    for (const column of columns) {
      if (!this.columnSet.has(column)) {
        this.columnSet.add(column);
        this.columns.push(column);
      }
    }
  }

  /**
   * Accumulates a row into every rule's metrics. Returns the row's failures when they are
   * final (no second pass needed), otherwise undefined.
   */
  observe(row: RowView): RowFailure[] | undefined {
    const leaves = this.leaves;
    const failures = this.failures;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      if (!leaf.applies(row)) {
        failures[i] = undefined;
        continue;
      }
      const failure = leaf.rowLevel && !leaf.needsFullPass ? leaf.check(row) : undefined;
      leaf.observe(row, failure);
      failures[i] = failure;
    }
    return this.needsSecondPass ? undefined : this.rowFailures();
  }

  /** The row's failures in a second pass, after every row was observed. */
  judge(row: RowView): RowFailure[] {
    const leaves = this.leaves;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      this.failures[i] = leaf.rowLevel && leaf.applies(row) ? leaf.check(row) : undefined;
    }
    return this.rowFailures();
  }

  private rowFailures(): RowFailure[] {
    const result: RowFailure[] = [];
    for (const top of this.topLevel) {
      if (!top.rowLevel) continue;
      const reason = this.nodeFailure(top.node);
      if (reason !== undefined) {
        top.rowsFailed++;
        result.push({ name: top.name, rule: top.rule.text, reason });
      }
    }
    return result;
  }

  private nodeFailure(node: Node): string | undefined {
    if (node.kind === 'leaf') return this.failures[node.index];
    if (node.kind === 'and') {
      for (const child of node.children) {
        const reason = this.nodeFailure(child);
        if (reason !== undefined) return reason;
      }
      return undefined;
    }
    const reasons: string[] = [];
    for (const child of node.children) {
      const reason = this.nodeFailure(child);
      if (reason === undefined) return undefined;
      reasons.push(reason);
    }
    return reasons.join(' and ');
  }

  /** Rule outcomes, once every row was observed. */
  results(): RuleResult[] {
    const dataset = { columns: this.columns };
    const leafResults = this.leaves.map((leaf) => leaf.finish(dataset));
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
      const messages = parts.flatMap((p) => (p.message && p.outcome !== 'PASS' ? [p.message] : []));
      const result: LeafResult = { outcome, metrics };
      if (outcome !== 'PASS' && messages.length > 0) result.message = messages.join('; ');
      return result;
    };
    return this.topLevel.map((top) => {
      const combined = combine(top.node);
      const result: RuleResult = {
        name: top.name,
        rule: top.rule.text,
        outcome: combined.outcome,
        evaluatedMetrics: combined.metrics,
        rowLevel: top.rowLevel,
      };
      if (combined.message) result.message = combined.message;
      if (top.rowLevel) result.rowsFailed = top.rowsFailed;
      const labels = { ...this.defaultLabels, ...top.rule.labels };
      if (Object.keys(labels).length > 0) result.labels = labels;
      return result;
    });
  }
}

/** Score as Glue computes it: passed rules over all rules (1 for an empty ruleset). */
export function scoreOf(results: RuleResult[]): number {
  if (results.length === 0) return 1;
  return results.filter((r) => r.outcome === 'PASS').length / results.length;
}
