// key.rotation: automatic rotation of the key material, and its period (90-2560 days).
import {
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { Facet, FieldDiff } from '../facet.ts';

export interface RotationContext {
  kms: KMSClient;
  keyId: string;
  keyArn: string;
  enabled: boolean;
  periodInDays: number;
}

export interface RotationState {
  Enabled: boolean;
  /** undefined when rotation is off, or when the server does not report it (moto). */
  PeriodInDays: number | undefined;
}

/**
 * Pure. The period matters only while rotation is on, and is compared only when reported:
 * AWS always reports it for a rotating key; moto never does.
 */
export function diffRotation(desired: RotationState, observed: RotationState): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (desired.Enabled !== observed.Enabled)
    diffs.push({
      field: 'KeyRotationEnabled',
      expected: desired.Enabled,
      observed: observed.Enabled,
    });
  if (
    desired.Enabled &&
    observed.Enabled &&
    observed.PeriodInDays !== undefined &&
    desired.PeriodInDays !== observed.PeriodInDays
  ) {
    diffs.push({
      field: 'RotationPeriodInDays',
      expected: desired.PeriodInDays,
      observed: observed.PeriodInDays,
    });
  }
  return diffs;
}

export const rotationFacet: Facet<RotationContext, RotationState> = {
  calls: ['kms:DisableKeyRotation', 'kms:EnableKeyRotation', 'kms:GetKeyRotationStatus'],
  name: 'key.rotation',
  resource: (ctx) => ctx.keyArn,
  async observe(ctx) {
    const out = await ctx.kms.send(new GetKeyRotationStatusCommand({ KeyId: ctx.keyId }));
    return { Enabled: out.KeyRotationEnabled ?? false, PeriodInDays: out.RotationPeriodInDays };
  },
  desired: (ctx) => ({
    Enabled: ctx.enabled,
    PeriodInDays: ctx.enabled ? ctx.periodInDays : undefined,
  }),
  diff: diffRotation,
  async apply(ctx, desired) {
    if (desired.Enabled) {
      await ctx.kms.send(
        new EnableKeyRotationCommand({
          KeyId: ctx.keyId,
          RotationPeriodInDays: desired.PeriodInDays,
        }),
      );
    } else {
      await ctx.kms.send(new DisableKeyRotationCommand({ KeyId: ctx.keyId }));
    }
  },
};
