// key.alias: the alias points at our key. A person repointing it (UpdateAlias) or
// deleting it is drift; the key itself is found by the ARN recorded in status.
import { CreateAliasCommand, type KMSClient, UpdateAliasCommand } from '@aws-sdk/client-kms';
import { diffFields, type Facet } from '../facet.ts';

export interface AliasContext {
  kms: KMSClient;
  alias: string;
  keyArn: string;
  keyId: string;
  /** Where the alias pointed when ensureKey looked (undefined: absent). No second read. */
  observedTarget: string | undefined;
}

export interface AliasState {
  TargetKeyId: string | undefined;
}

export const aliasFacet: Facet<AliasContext, AliasState> = {
  calls: ['kms:CreateAlias', 'kms:UpdateAlias'],
  name: 'key.alias',
  resource: (ctx) => ctx.keyArn,
  observe: async (ctx) => ({ TargetKeyId: ctx.observedTarget }),
  desired: (ctx) => ({ TargetKeyId: ctx.keyId }),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, desired, observed) {
    const input = { AliasName: ctx.alias, TargetKeyId: desired.TargetKeyId };
    if (observed.TargetKeyId === undefined) await ctx.kms.send(new CreateAliasCommand(input));
    else await ctx.kms.send(new UpdateAliasCommand(input));
  },
};
