import { describe, expect, it } from 'vitest';
import { dashboardBody, dashboardOwned, diffDashboard, ownerMarker } from './dashboard.ts';

const input = {
  name: 'seawall-ns-cm',
  owner: 'ns/CostMonitor/cm',
  budgetUSD: 500,
  billing: true,
  buckets: [{ bucketName: 'raw', region: 'ca-central-1' }],
  pipelines: [{ namespace: 'ns', name: 'permits', region: 'ca-central-1' }],
};

describe('dashboardBody', () => {
  const body = dashboardBody(input);

  it('puts the owner banner first and lays charts out in two columns', () => {
    expect(body.widgets[0]?.type).toBe('text');
    expect(String(body.widgets[0]?.properties.markdown)).toContain(ownerMarker(input.owner));
    expect(body.widgets.slice(1).map((w) => [w.x, w.y])).toEqual([
      [0, 2],
      [12, 2],
      [0, 8],
      [12, 8],
    ]);
  });

  it('charts charges with the budget line, each bucket twice, each pipeline score', () => {
    const metrics = body.widgets.flatMap((w) => (w.properties.metrics as string[][]) ?? []);
    expect(metrics).toEqual([
      ['AWS/Billing', 'EstimatedCharges', 'Currency', 'USD'],
      ['AWS/S3', 'BucketSizeBytes', 'BucketName', 'raw', 'StorageType', 'StandardStorage'],
      ['AWS/S3', 'NumberOfObjects', 'BucketName', 'raw', 'StorageType', 'AllStorageTypes'],
      ['Seawall/DataQuality', 'Score', 'Pipeline', 'ns/permits'],
    ]);
    expect(body.widgets[1]?.properties.annotations).toEqual({
      horizontal: [{ label: 'Monthly budget', value: 500 }],
    });
    expect(body.widgets[1]?.properties.region).toBe('us-east-1');
  });

  it('charts the score on its own scale, 0 to 1, as status and the results document give it', () => {
    const score = body.widgets.find((w) =>
      String(w.properties.title).endsWith('data-quality score'),
    );
    expect(score?.properties.yAxis).toEqual({ left: { min: 0, max: 1 } });
  });

  it('leaves the charges chart out without billing', () => {
    const none = dashboardBody({ ...input, billing: false, buckets: [], pipelines: [] });
    expect(none.widgets).toHaveLength(1);
  });
});

describe('diffDashboard', () => {
  const desired = dashboardBody(input);
  const reordered = JSON.parse(
    JSON.stringify(desired, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v,
    ),
  ) as unknown;

  it.each<[string, { exists: boolean; body?: unknown; raw?: string }, string[]]>([
    ['a missing dashboard', { exists: false }, ['Dashboard']],
    ['the same body', { exists: true, body: desired }, []],
    ['the same body, keys in another order', { exists: true, body: reordered }, []],
    ['an edited body', { exists: true, body: { widgets: [] } }, ['DashboardBody']],
    ['a body that is not JSON', { exists: true, raw: '{oops' }, ['DashboardBody']],
  ])('%s', (_what, observed, fields) => {
    expect(diffDashboard(desired, observed).map((d) => d.field)).toEqual(fields);
  });
});

describe('dashboardOwned', () => {
  const owner = 'ns/CostMonitor/cm';
  it.each<[string, { exists: boolean; raw?: string }, boolean, boolean]>([
    ['absent: Seawall may create it', { exists: false }, false, true],
    ['carries our marker', { exists: true, raw: `... ${ownerMarker(owner)} ...` }, false, true],
    [
      'carries another owner',
      { exists: true, raw: ownerMarker('ns/CostMonitor/other') },
      false,
      false,
    ],
    ['a person made it', { exists: true, raw: '{"widgets":[]}' }, false, false],
    ['marker deleted, but status says Seawall made it', { exists: true, raw: '{}' }, true, true],
  ])('%s', (_what, observed, createdBefore, owned) => {
    expect(dashboardOwned(observed, owner, createdBefore)).toBe(owned);
  });
});
