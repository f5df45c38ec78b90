// What every kind's reconcile steps share: running a facet under the request's mode and
// handing its drift to the controller, recording a resource that went missing, and the
// KMS key Seawall creates and keeps (find-or-create, alias, state, tags, rotation).
import type { DriftItem, PendingCreation } from '../api/common.ts';
import { type Facet, type FacetMode, type FacetOutcome, runFacet } from '../aws/facet.ts';
import { aliasFacet } from '../aws/kms/alias.ts';
import {
  type EnsuredKey,
  type EnsureKeyOptions,
  ensureKey,
  type KeyTarget,
  keyTags,
} from '../aws/kms/key.ts';
import { keyStateFacet } from '../aws/kms/key-state.ts';
import { rotationFacet } from '../aws/kms/rotation.ts';
import { keyTagsFacet } from '../aws/kms/tags.ts';
import { type TagMap, tagChanges } from '../aws/ownership.ts';
import type { ReconcileRequest } from '../runtime/reconciler.ts';

/** A resource is missing and the mode forbids creating it (report, plan): stop here. */
export class MissingResource extends Error {}

export interface ManagedKeyOptions extends EnsureKeyOptions {
  rotation: { enabled: boolean; periodInDays: number };
}

export class ReconcileSteps<Spec, Status> {
  readonly request: ReconcileRequest<Spec, Status>;

  constructor(request: ReconcileRequest<Spec, Status>) {
    this.request = request;
  }

  get mode(): FacetMode {
    return this.request.mode;
  }

  /** converge and correct may create what is missing; report and plan only say so. */
  get mayCreate(): boolean {
    return this.mode === 'converge' || this.mode === 'correct';
  }

  /** Facets that wrote to AWS in this reconcile (`<facet> <resource>`). */
  readonly applied: string[] = [];

  /** Runs a facet, records its drift, and hands back its outcome and what it observed. */
  async facet<Ctx, O, D>(
    facet: Facet<Ctx, O, D>,
    ctx: Ctx,
  ): Promise<FacetOutcome & { observed: O }> {
    let observed: O | undefined;
    const watched: Facet<Ctx, O, D> = {
      ...facet,
      observe: async (c) => {
        observed = await facet.observe(c);
        return observed;
      },
    };
    const outcome = await runFacet(watched, ctx, this.mode, this.request.now);
    if (outcome.drift.length > 0) this.request.recordDrift(outcome.drift);
    if (outcome.applied) this.applied.push(`${outcome.facet} ${outcome.resource}`);
    return { ...outcome, observed: observed as O };
  }

  // The create journal (status.pendingCreations): an entry is written — and persisted —
  // before a create call, gets the resource's id as soon as the call returns, and goes
  // once the resource is recorded in status. An entry found at the start of a reconcile
  // means a create was interrupted: only then is it worth looking for what it made.

  get #journal(): PendingCreation[] {
    return (this.request.status as { pendingCreations?: PendingCreation[] }).pendingCreations ?? [];
  }

  set #journal(entries: PendingCreation[]) {
    const status = this.request.status as { pendingCreations?: PendingCreation[] };
    if (entries.length > 0) status.pendingCreations = entries;
    else delete status.pendingCreations;
  }

  /** The journal entry of an interrupted create of `resource`, if there is one. */
  pendingCreation(resource: string): PendingCreation | undefined {
    return this.#journal.find((e) => e.resource === resource);
  }

  /** Journals the intent to create `resource` and persists it before the create call. */
  async beforeCreate(resource: string): Promise<void> {
    // A new create call: a new entry (an earlier one's id, if any, named what is gone).
    this.#journal = [
      ...this.#journal.filter((e) => e.resource !== resource),
      { resource, startedAt: new Date().toISOString() },
    ];
    await this.request.checkpoint();
  }

  /** The create call returned: the entry keeps the id until the resource is recorded. */
  createdAs(resource: string, id: string): void {
    this.#journal = this.#journal.map((e) => (e.resource === resource ? { ...e, id } : e));
  }

  /** The resource is recorded in status: its journal entry goes. */
  recorded(resource: string): void {
    this.#journal = this.#journal.filter((e) => e.resource !== resource);
  }

  /**
   * An existing resource was adopted (spec.adoptExisting): Seawall now owns its tags, so
   * the tags the spec does not list are about to go. Said in an Event and in status.drift
   * (Corrected) — list a tag in spec.tags to keep it.
   */
  adopted(resource: string, facet: string, observed: TagMap, desired: TagMap): void {
    const { remove } = tagChanges(desired, observed);
    this.request.events.normal(
      'Adopted',
      `Adopted ${resource}${remove.length > 0 ? `; removing its tags not in spec.tags: ${remove.join(', ')}` : ''}`,
    );
    if (remove.length === 0) return;
    this.request.recordDrift(
      remove.map((key) => ({
        resource,
        facet,
        field: `tag:${key}`,
        expected: '<absent>',
        observed: observed[key] ?? '',
        action: this.mayCreate ? 'Corrected' : 'Reported',
        detectedAt: this.request.now.toISOString(),
      })),
    );
  }

  /** A resource that should exist is missing: drift in a check, a creation otherwise. */
  missing(resource: string, facet: string): void {
    this.recordMissing(resource, facet);
    if (!this.mayCreate) throw new MissingResource(`${resource} does not exist`);
  }

  recordMissing(resource: string, facet: string): void {
    if (this.mode === 'converge') return;
    const item: DriftItem = {
      resource,
      facet,
      field: 'exists',
      expected: 'true',
      observed: 'false',
      action: this.mode === 'correct' ? 'Corrected' : 'Reported',
      detectedAt: this.request.now.toISOString(),
    };
    this.request.recordDrift([item]);
  }

  /**
   * A KMS key Seawall creates and keeps: found by alias or by the ARN status recorded
   * (created only when the mode allows), then its alias, state, tags and rotation.
   * Its policy is the caller's step: the grants differ per kind.
   */
  async managedKey(target: KeyTarget, options: ManagedKeyOptions): Promise<EnsuredKey> {
    if (!this.mayCreate && !options.knownKeyArn) {
      // Without a recorded key a check cannot tell "missing" from "never made".
      throw new MissingResource(`KMS key ${target.alias} in ${target.region} is not recorded yet`);
    }
    const journalKey = `KMS key for ${target.alias} in ${target.region}`;
    const pending = this.pendingCreation(journalKey);
    const ensured = await ensureKey(target, {
      ...options,
      knownKeyArn: options.knownKeyArn ?? pending?.id,
      ...(!options.knownKeyArn && pending?.id
        ? { knownKeyCreatedAt: new Date(pending.startedAt) }
        : {}),
      propagationBoundMs: this.request.propagationTimeoutMs,
      mayCreate: this.mayCreate,
      // Journalled but no id: the process died (or a call failed) between CreateKey and
      // recording it. Only then is the region's key list searched.
      interrupted: pending !== undefined && pending.id === undefined,
      journal: {
        beforeCreate: () => this.beforeCreate(journalKey),
        created: (keyArn) => this.createdAs(journalKey, keyArn),
      },
    });
    if (ensured.created) this.request.log.info({ keyArn: ensured.metadata.Arn }, 'created KMS key');
    if (ensured.adopted) {
      this.adopted(
        ensured.metadata.Arn,
        'key.tags',
        ensured.tags,
        keyTags(options.tags, target.owner, target.alias),
      );
    }
    const { kms, alias, owner } = target;
    const { KeyId: keyId, Arn: keyArn } = ensured.metadata;
    await this.facet(aliasFacet, {
      kms,
      alias,
      keyArn,
      keyId,
      observedTarget: ensured.aliasTarget,
    });
    // Tags before anything else changes the key: the operator's IAM policy lets it change
    // only keys that carry the owner tag (an adopted key gets it here).
    await this.facet(keyTagsFacet, {
      kms,
      keyId,
      keyArn,
      alias,
      owner,
      tags: options.tags,
      knownTags: ensured.tags,
    });
    await this.facet(keyStateFacet, {
      kms,
      keyId,
      keyArn,
      observedState: ensured.metadata.KeyState,
    });
    await this.facet(rotationFacet, { kms, keyId, keyArn, ...options.rotation });
    // The caller records the ARN in status as soon as this returns; until then (a facet
    // above failing, e.g. a key not yet visible) the journal entry keeps the id.
    this.recorded(journalKey);
    return ensured;
  }
}
