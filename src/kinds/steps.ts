// What every kind's reconcile steps share: the AWS resource lifecycle (src/aws/lifecycle)
// under the request's mode — the create journal, adoption, a missing resource recorded as
// drift or a creation listed by `seawall plan` — and facets and facet chains run under the
// request's mode, their drift handed to the controller.
import type { DriftItem, PendingCreation } from '../api/common.ts';
import type { FacetChain } from '../aws/chain.ts';
import {
  type Facet,
  type FacetMode,
  type FacetOutcome,
  renderValue,
  runFacet,
} from '../aws/facet.ts';
import {
  type Ensured,
  ensure,
  type Inspected,
  inspect,
  type ManagedResource,
} from '../aws/lifecycle.ts';
import { type TagMap, tagChanges } from '../aws/ownership.ts';
import type { ReconcileRequest } from '../runtime/reconciler.ts';

/**
 * A resource is missing and the mode forbids creating it (a drift check under Report):
 * recorded as drift; the steps after it cannot run. Kinds end the reconcile with its
 * message (see `endsAtMissing`).
 */
export class MissingResource extends Error {}

/** The reconcile's result when a step found a resource missing; rethrows anything else. */
export function endsAtMissing(error: unknown): { message: string } {
  if (error instanceof MissingResource) return { message: error.message };
  throw error;
}

/** A facet's outcome; `observed` is undefined for a resource `seawall plan` would create. */
export type StepOutcome<O> = Omit<FacetOutcome<O>, 'observed'> & { observed: O | undefined };

/** What a chain's facets did, by facet. */
export class ChainOutcome {
  readonly #outcomes = new Map<string, StepOutcome<unknown>>();

  set(name: string, outcome: StepOutcome<unknown>): void {
    this.#outcomes.set(name, outcome);
  }

  /** The outcome of one facet of the chain (undefined if its link did not run). */
  of<Ctx, O, D>(facet: Facet<Ctx, O, D>): StepOutcome<O> | undefined {
    return this.#outcomes.get(facet.name) as StepOutcome<O> | undefined;
  }

  /** The facets that wrote to AWS. */
  get applied(): string[] {
    return [...this.#outcomes.values()].filter((o) => o.applied).map((o) => o.facet);
  }
}

export interface EnsureOptions<Found> {
  owner: string;
  /** The tags it carries: the spec's and the owner tag (and any the resource adds). */
  tags: TagMap;
  /** spec.adoptExisting. */
  adopt?: boolean;
  /** What the NotOwned message tells a person to do, for a kind without adoptExisting. */
  remedy?: string;
  /** Status records it as ours (its owner tag is then not required). */
  recorded?: boolean;
  /** Journal the create in status.pendingCreations first (ADR 8): buckets and keys. */
  journal?: boolean;
  /** Its read and ownership, made earlier (see `inspect`). */
  inspected?: Inspected<Found>;
}

/** The outcome of `ensure` once MissingResource has been thrown: the resource, or its stand-in. */
export type Present<Found> = Exclude<Ensured<Found>, { state: 'missing' }>;

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

  /** Resources `seawall plan` would create: their facets say what they would be set to. */
  readonly #planned = new Set<string>();

  /** Runs a facet, records its drift, and hands back its outcome and what it observed. */
  async facet<Ctx, O, D>(facet: Facet<Ctx, O, D>, ctx: Ctx): Promise<StepOutcome<O>> {
    const resource = facet.resource(ctx);
    if (this.#planned.has(resource)) return this.#plannedFacet(facet, ctx, resource);
    const outcome = await runFacet(facet, ctx, this.mode, this.request.now);
    if (outcome.drift.length > 0) this.request.recordDrift(outcome.drift);
    if (outcome.applied) this.applied.push(`${outcome.facet} ${outcome.resource}`);
    return outcome;
  }

  /** Runs a chain's links in order (the first error stops it). */
  async chain<In>(chain: FacetChain<In>, input: In): Promise<ChainOutcome> {
    const outcome = new ChainOutcome();
    for (const link of chain) {
      if (link.when && !link.when(input)) continue;
      outcome.set(link.facet.name, await this.facet(link.facet, link.context(input)));
    }
    return outcome;
  }

  /**
   * A facet of a resource that does not exist yet, in `seawall plan`: nothing to read;
   * what it would be set to is listed with the creation.
   */
  #plannedFacet<Ctx, O, D>(facet: Facet<Ctx, O, D>, ctx: Ctx, resource: string): StepOutcome<O> {
    const desired = facet.desired(ctx);
    const item: DriftItem = {
      resource,
      facet: facet.name,
      field: PLANNED_FIELD,
      expected: renderValue(desired),
      observed: '<absent>',
      action: 'Reported',
      detectedAt: this.request.now.toISOString(),
    };
    this.request.recordDrift([item]);
    return {
      facet: facet.name,
      resource,
      observed: undefined,
      diffs: [{ field: PLANNED_FIELD, expected: desired, observed: undefined }],
      applied: false,
      drift: [item],
    };
  }

  /** Reads a resource and decides ownership, without writing (see lifecycle `inspect`). */
  inspect<Ref, Found>(
    resource: ManagedResource<Ref, Found>,
    ref: Ref,
    options: Pick<EnsureOptions<Found>, 'owner' | 'adopt' | 'recorded' | 'journal' | 'remedy'>,
  ): Promise<Inspected<Found>> {
    return inspect(resource, ref, {
      owner: options.owner,
      adopt: options.adopt === true,
      recorded: this.#recorded(resource, ref, options),
      ...(options.remedy ? { remedy: options.remedy } : {}),
    });
  }

  /**
   * The resource, there and ours (found, adopted or created), or — under a mode that may
   * not create it — recorded as missing (MissingResource is thrown) or, in `seawall plan`,
   * listed as a creation and stood in for by a placeholder.
   */
  async ensure<Ref, Found>(
    resource: ManagedResource<Ref, Found>,
    ref: Ref,
    options: EnsureOptions<Found>,
  ): Promise<Present<Found>> {
    const journalKey = resource.identify(ref);
    const ensured = await ensure(
      resource,
      ref,
      {
        owner: options.owner,
        tags: options.tags,
        mode: this.mode,
        adopt: options.adopt === true,
        recorded: this.#recorded(resource, ref, options),
        ...(options.remedy ? { remedy: options.remedy } : {}),
        ...(options.journal
          ? {
              journal: {
                beforeCreate: () => this.beforeCreate(journalKey),
                created: (id: string) => this.createdAs(journalKey, id),
              },
            }
          : {}),
      },
      options.inspected,
    );
    const name = (found?: Found) => resource.resourceName(ref, found);
    switch (ensured.state) {
      case 'existing':
        return ensured;
      case 'created':
        this.request.log.info({ resource: name(ensured.found) }, `created ${journalKey}`);
        this.recordMissing(name(ensured.found), `${resource.facetName}.exists`);
        return ensured;
      case 'adopted':
        this.adopted(name(ensured.found), `${resource.facetName}.tags`, ensured.tags, options.tags);
        return ensured;
      case 'planned': {
        const placeholderName = name(ensured.found);
        this.#planned.add(placeholderName);
        this.request.recordDrift([
          {
            resource: placeholderName,
            facet: `${resource.facetName}.exists`,
            field: 'exists',
            expected: renderValue({ create: resource.type, ...ensured.planned }),
            observed: 'false',
            action: 'Reported',
            detectedAt: this.request.now.toISOString(),
          },
        ]);
        return ensured;
      }
      case 'missing':
        this.recordMissing(name(), `${resource.facetName}.exists`);
        throw new MissingResource(`${journalKey} does not exist`);
    }
  }

  /** Ours by record: status names it, or a journalled create of it was interrupted. */
  #recorded<Ref, Found>(
    resource: ManagedResource<Ref, Found>,
    ref: Ref,
    options: { recorded?: boolean; journal?: boolean },
  ): boolean {
    if (options.recorded) return true;
    return options.journal === true && this.pendingCreation(resource.identify(ref)) !== undefined;
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

  /**
   * A resource that should exist was not there: drift in a drift check (Corrected: it was
   * just recreated; Reported: the mode forbids it). A first creation is no drift.
   */
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
}

/** The field `seawall plan` lists a new resource's facet values under. */
export const PLANNED_FIELD = 'value at creation';
