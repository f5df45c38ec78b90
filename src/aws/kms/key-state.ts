// key.state: the key is Enabled. A disabled key, or one scheduled for deletion, makes
// the bucket unreadable; both are put back (deletion cancelled, then enabled).
import {
  CancelKeyDeletionCommand,
  EnableKeyCommand,
  type KeyState,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { diffFields, type Facet } from '../facet.ts';

export interface KeyStateContext {
  kms: KMSClient;
  keyId: string;
  keyArn: string;
  /** KeyState from the DescribeKey ensureKey made: no second read. */
  observedState: KeyState | string | undefined;
}

export interface KeyStateState {
  KeyState: string | undefined;
}

export const keyStateFacet: Facet<KeyStateContext, KeyStateState> = {
  calls: ['kms:CancelKeyDeletion', 'kms:EnableKey'],
  name: 'key.state',
  resource: (ctx) => ctx.keyArn,
  observe: async (ctx) => ({ KeyState: ctx.observedState }),
  desired: () => ({ KeyState: 'Enabled' }),
  diff: (desired, observed) => diffFields({ ...desired }, observed),
  async apply(ctx, _desired, observed) {
    if (observed.KeyState === 'PendingDeletion') {
      await ctx.kms.send(new CancelKeyDeletionCommand({ KeyId: ctx.keyId }));
    }
    await ctx.kms.send(new EnableKeyCommand({ KeyId: ctx.keyId }));
  },
};
