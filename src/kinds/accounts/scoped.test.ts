import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AwsClients } from '../../aws/clients.ts';
import { createReconcilers } from '../index.ts';
import { noAccounts } from './source.ts';

describe('accountScoped', () => {
  it('keeps what each kind owns in AWS (resourcesOf): drift events reach its objects', () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const reconcilers = createReconcilers({
      aws: new AwsClients({ defaultRegion: 'ca-central-1' }),
      kc,
      accounts: noAccounts,
    });
    const declaring = reconcilers.filter((r) => r.resourcesOf).map((r) => r.kind.kind);
    expect(declaring.sort()).toEqual(['CostMonitor', 'ProtectedBucket', 'QualityPipeline']);
  });
});
