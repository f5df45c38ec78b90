// Runs the embedded engine over the conformance corpus, rule by rule as Deequ did, and
// lists every difference from Deequ's answers: outcome, or a metric Deequ reports that
// the embedded engine does not report with the same value.

import { localStore } from '../../src/dq/engine/store.ts';
import { type ResultsDocument, type RuleResult, runEmbeddedPipeline } from '../../src/dq/index.ts';
import type { Dataset } from './corpus.ts';
import type { Baseline } from './deequ-baseline.ts';

export interface Difference {
  /** `<dataset> | <rule>`: what the known-differences list names. */
  id: string;
  what: 'outcome' | 'metric';
  deequ: string;
  embedded: string;
}

export interface Comparison {
  cases: number;
  differences: Difference[];
}

const NOW = new Date();

const OUTCOMES: Record<string, string> = { Passed: 'PASS', Failed: 'FAIL' };

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export async function compareWithDeequ(
  dir: string,
  datasets: Dataset[],
  baseline: Baseline,
): Promise<Comparison> {
  const differences: Difference[] = [];
  let cases = 0;
  const store = localStore(dir);
  for (const dataset of datasets) {
    const answers = baseline.datasets[dataset.name]?.rules ?? {};
    const run = (rules: string[]) =>
      runEmbeddedPipeline({
        store,
        source: { bucket: '.', prefix: '', objects: [dataset.file], format: dataset.format },
        trusted: { bucket: '.', prefix: 'out/trusted' },
        quarantine: { bucket: '.', prefix: 'out/quarantine' },
        results: { bucket: '.', prefix: 'out/results' },
        rules: `Rules = [ ${rules.join(',\n')} ]`,
        runId: 'conformance',
        now: NOW,
        writeOutputs: false,
      });
    // The rules of a dataset run together, as a ruleset does (each rule's metrics are its
    // own); when the engine refuses the ruleset, each rule runs alone to say which.
    const together = await run(dataset.rules);
    const outcomes: { document: ResultsDocument; result: RuleResult | undefined }[] =
      together.status === 'SUCCEEDED'
        ? dataset.rules.map((_, i) => ({ document: together, result: together.ruleResults[i] }))
        : [];
    if (together.status !== 'SUCCEEDED')
      for (const rule of dataset.rules) {
        const document = await run([rule]);
        outcomes.push({ document, result: document.ruleResults[0] });
      }
    for (const [i, rule] of dataset.rules.entries()) {
      const deequ = answers[rule];
      if (!deequ) throw new Error(`no Deequ answer for ${dataset.name} | ${rule}`);
      cases++;
      const { document, result } = outcomes[i]!;
      const id = `${dataset.name} | ${rule}`;
      if (result && result.rule !== rule)
        throw new Error(`${id}: the engine answered ${result.rule}`);
      const embeddedOutcome =
        document.status === 'FAILED' ? `REFUSED (${document.error})` : (result?.outcome ?? 'NONE');
      const deequOutcome =
        OUTCOMES[deequ.outcome] ?? `EXCEPTION (${deequ.failureReason ?? deequ.outcome})`;
      if (embeddedOutcome !== deequOutcome) {
        differences.push({
          id,
          what: 'outcome',
          deequ: `${deequOutcome}${deequ.failureReason ? `: ${deequ.failureReason.split('\n')[0]}` : ''}`,
          embedded: `${embeddedOutcome}${result?.message ? `: ${result.message}` : ''}`,
        });
      }
      const metrics = result?.evaluatedMetrics ?? {};
      for (const [name, value] of Object.entries(deequ.metrics)) {
        const mine = metrics[name];
        if (mine === undefined || !close(mine, value)) {
          differences.push({
            id,
            what: 'metric',
            deequ: `${name}=${value}`,
            embedded: mine === undefined ? `${name} absent` : `${name}=${mine}`,
          });
        }
      }
    }
  }
  return { cases, differences };
}
