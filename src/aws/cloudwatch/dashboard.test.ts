import { describe, expect, it } from 'vitest';
import { decideOwnership } from '../ownership.ts';
import {
  dashboardBody,
  diffDashboard,
  type FoundDashboard,
  markerTags,
  ownerMarker,
} from './dashboard.ts';

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
  const found = (body: unknown): FoundDashboard => ({ raw: JSON.stringify(body), body });

  it.each<[string, FoundDashboard, string[]]>([
    ['the same body', found(desired), []],
    ['the same body, keys in another order', found(reordered), []],
    ['an edited body', found({ widgets: [] }), ['DashboardBody']],
    ['a body that is not JSON', { raw: '{oops', body: undefined }, ['DashboardBody']],
  ])('%s', (_what, observed, fields) => {
    expect(diffDashboard(desired, observed).map((d) => d.field)).toEqual(fields);
  });
});

// The owner marker is the dashboard's owner tag: the lifecycle's one ownership decision
// (ADR 5) gives its answers.
describe('a dashboard’s owner, from its marker', () => {
  const owner = 'ns/CostMonitor/cm';
  const raw = (markdown: string) =>
    JSON.stringify({ widgets: [{ type: 'text', properties: { markdown } }] });
  const decide = (body: string, recorded = false) => {
    try {
      return decideOwnership({
        what: 'dashboard',
        tags: markerTags(body),
        owner,
        adopt: false,
        recorded,
      });
    } catch (error) {
      return (error as { reason?: string }).reason;
    }
  };

  it.each<[string, string, boolean, string | undefined]>([
    ['carries our marker', JSON.stringify(dashboardBody(input)), false, 'ours'],
    [
      'carries another owner',
      raw(`(${ownerMarker('ns/CostMonitor/other')})`),
      false,
      'OwnedByAnother',
    ],
    [
      'names an owner whose name starts like ours',
      raw(ownerMarker(`${owner}-2`)),
      false,
      'OwnedByAnother',
    ],
    ['a person made it', '{"widgets":[]}', false, 'NotOwned'],
    ['marker deleted, but status says Seawall made it', '{}', true, 'ours'],
  ])('%s', (_what, body, recorded, answer) => {
    expect(decide(body, recorded)).toBe(answer);
  });

  it('reads the owner out of the banner', () => {
    expect(markerTags(JSON.stringify(dashboardBody(input)))).toEqual({
      'seawall.dev/owner': owner,
    });
    expect(markerTags('no marker')).toEqual({});
  });
});
