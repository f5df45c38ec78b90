// Run bookkeeping, pure: when a run is due, how a results document becomes status, the
// bounded history, and what a run cut short by a crash looks like. The reconciler only
// wires these to S3, Glue and the clock.
import { randomBytes } from 'node:crypto';
import type {
  CurrentRun,
  HistoryEntry,
  QualityPipelineStatus,
  RunSummary,
} from '../../api/qualitypipeline.ts';
import type { ResultsDocument } from '../../dq/index.ts';
import { type GlueCron, previousRunTime } from '../../schedule/glue-cron.ts';

export type RunTrigger = 'Schedule' | 'MissedSchedule' | 'Manual';

/**
 * A slot found this long after its time counts as missed (the operator was down or not
 * leading). Longer than a normal requeue delay, so an on-time run is never called missed.
 */
export const MISSED_AFTER_MS = 2 * 60_000;

export interface RunDecisionInput {
  cron: GlueCron;
  now: Date;
  /** When the object was created: slots before it were never owed. */
  createdAt: Date;
  lastScheduledTime: string | undefined;
  handledRunRequest: string | undefined;
  /** The seawall.dev/run-requested-at annotation. */
  runRequestedAt: string | undefined;
}

export type RunDecision =
  | { due: false }
  | {
      due: true;
      trigger: RunTrigger;
      /** The schedule slot covered (scheduled runs): every slot up to it counts as run. */
      scheduledTime?: Date;
      /** The annotation value acted on (manual runs). */
      runRequest?: string;
    };

/**
 * A manual request wins (it also covers a due slot, so the data is not checked twice in a
 * row). Otherwise the latest slot not yet run is due — once, however many were missed.
 */
export function decideRun(input: RunDecisionInput): RunDecision {
  const slot = previousRunTime(input.cron, input.now);
  const covered = input.lastScheduledTime ? new Date(input.lastScheduledTime) : input.createdAt;
  const slotDue = slot !== undefined && slot.getTime() > covered.getTime();
  if (input.runRequestedAt && input.runRequestedAt !== input.handledRunRequest) {
    return {
      due: true,
      trigger: 'Manual',
      runRequest: input.runRequestedAt,
      ...(slotDue ? { scheduledTime: slot } : {}),
    };
  }
  if (!slotDue) return { due: false };
  const late = input.now.getTime() - slot.getTime() > MISSED_AFTER_MS;
  return { due: true, trigger: late ? 'MissedSchedule' : 'Schedule', scheduledTime: slot };
}

/** Run ids name S3 folders and documents: sortable by time, unique, key-safe. */
export function newRunId(now: Date, random = () => randomBytes(3).toString('hex')): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${random()}`;
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

const MAX_RULE_RESULTS = 50;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The score as status shows it: 4 decimals are plenty to read at a glance (the results
 * document keeps the exact value; minScore is compared against that).
 */
export function displayScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

/**
 * A results document (either engine) as status.lastRun. A run that evaluated its rules
 * but scored under minScore is Failed: "is our data good this week?" has answer no.
 */
export function summaryFromResults(
  doc: ResultsDocument,
  run: { trigger?: RunTrigger; glueJobRunId?: string },
  where: { trusted: string; quarantine: string; results: string },
  minScore: number | undefined,
): RunSummary {
  const belowMinimum =
    doc.status === 'SUCCEEDED' && minScore !== undefined && (doc.score ?? 0) < minScore;
  const state = doc.status === 'SUCCEEDED' && !belowMinimum ? 'Succeeded' : 'Failed';
  const failedRules = doc.ruleResults.filter((r) => r.outcome !== 'PASS').map((r) => r.name);
  const message =
    doc.status === 'FAILED'
      ? `run failed: ${doc.error ?? 'no reason given'}`
      : belowMinimum
        ? `score ${displayScore(doc.score ?? 0)} is below minScore ${minScore}${failedRules.length ? ` (failed: ${failedRules.join(', ')})` : ''}`
        : `${doc.rules.passed}/${doc.rules.total} rules passed; ${doc.rows.passed} rows trusted, ${doc.rows.failed} quarantined`;
  return {
    id: doc.runId,
    engine: doc.engine,
    ...(run.trigger ? { trigger: run.trigger } : {}),
    startedAt: doc.startedAt,
    completedAt: doc.finishedAt,
    state,
    ...(doc.score === null ? {} : { score: displayScore(doc.score) }),
    rules: doc.rules,
    ruleResults: doc.ruleResults.slice(0, MAX_RULE_RESULTS).map((r) => ({
      name: r.name,
      rule: clip(r.rule, 1024),
      outcome: r.outcome,
      ...(r.message ? { message: clip(r.message, 1024) } : {}),
    })),
    rows: {
      processed: doc.rows.processed,
      trusted: doc.rows.passed,
      quarantined: doc.rows.failed,
      malformed: doc.rows.malformed,
    },
    outputs: where,
    ...(run.glueJobRunId ? { glueJobRunId: run.glueJobRunId } : {}),
    message: clip(message, 4096),
  };
}

/** A run that ended without a results document (a crash, a Glue failure). */
export function failedSummary(run: CurrentRun, completedAt: Date, message: string): RunSummary {
  return {
    id: run.id,
    engine: run.engine,
    ...(run.trigger ? { trigger: run.trigger } : {}),
    startedAt: run.startedAt,
    completedAt: completedAt.toISOString(),
    state: 'Failed',
    ...(run.glueJobRunId ? { glueJobRunId: run.glueJobRunId } : {}),
    message: clip(message, 4096),
  };
}

export function historyEntry(run: RunSummary): HistoryEntry {
  return {
    id: run.id,
    startedAt: run.startedAt,
    ...(run.completedAt ? { completedAt: run.completedAt } : {}),
    state: run.state,
    ...(run.trigger ? { trigger: run.trigger } : {}),
    ...(run.score === undefined ? {} : { score: run.score }),
    ...(run.rows ? { trusted: run.rows.trusted, quarantined: run.rows.quarantined } : {}),
  };
}

/** Records a finished run: lastRun, newest-first bounded history, no current run. */
export function recordFinishedRun(
  status: QualityPipelineStatus,
  run: RunSummary,
  historyLimit: number,
): void {
  status.lastRun = run;
  const earlier = (status.history ?? []).filter((h) => h.id !== run.id);
  status.history = [historyEntry(run), ...earlier].slice(0, historyLimit);
  delete status.currentRun;
}

/** The LastRunSucceeded condition for a finished run (never Stalled: a bad week is not a bad spec). */
export function lastRunCondition(run: RunSummary): {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
} {
  const ok = run.state === 'Succeeded';
  return {
    type: 'LastRunSucceeded',
    status: ok ? 'True' : 'False',
    reason: ok ? 'RunSucceeded' : 'RunFailed',
    message: `run ${run.id}: ${run.message ?? run.state}`,
  };
}
