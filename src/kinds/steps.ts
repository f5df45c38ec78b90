// What every kind's reconcile steps share: running a facet under the request's mode and
// handing its drift to the controller, recording a resource that went missing, and the
// KMS key Seawall creates and keeps (find-or-create, alias, state, tags, rotation).
import type { DriftItem } from '../api/common.ts';
import { type Facet, type FacetMode, type FacetOutcome, runFacet } from '../aws/facet.ts';
import { aliasFacet } from '../aws/kms/alias.ts';
import {
  type EnsuredKey,
  type EnsureKeyOptions,
  ensureKey,
  type KeyTarget,
} from '../aws/kms/key.ts';
import { keyStateFacet } from '../aws/kms/key-state.ts';
import { rotationFacet } from '../aws/kms/rotation.ts';
import { keyTagsFacet } from '../aws/kms/tags.ts';
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
    return { ...outcome, observed: observed as O };
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
    const ensured = await ensureKey(target, { ...options, mayCreate: this.mayCreate });
    if (ensured.created) this.request.log.info({ keyArn: ensured.metadata.Arn }, 'created KMS key');
    const { kms, alias, owner } = target;
    const { KeyId: keyId, Arn: keyArn } = ensured.metadata;
    await this.facet(aliasFacet, {
      kms,
      alias,
      keyArn,
      keyId,
      observedTarget: ensured.aliasTarget,
    });
    await this.facet(keyStateFacet, {
      kms,
      keyId,
      keyArn,
      observedState: ensured.metadata.KeyState,
    });
    await this.facet(keyTagsFacet, {
      kms,
      keyId,
      keyArn,
      alias,
      owner,
      tags: options.tags,
      knownTags: ensured.tags,
    });
    await this.facet(rotationFacet, { kms, keyId, keyArn, ...options.rotation });
    return ensured;
  }
}
