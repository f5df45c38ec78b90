import { describe, expect, it } from 'vitest';
import { latestDatapoint } from './billing.ts';
import { qualityScoreDatum } from './quality-metric.ts';

describe('latestDatapoint', () => {
  it.each([
    ['no datapoints', [], undefined],
    [
      'the newest wins, whatever the order',
      [
        { Timestamp: new Date('2026-11-27T06:00:00Z'), Maximum: 10 },
        { Timestamp: new Date('2026-11-27T18:00:00Z'), Maximum: 12.5 },
        { Timestamp: new Date('2026-11-27T12:00:00Z'), Maximum: 11 },
      ],
      { amountUSD: 12.5, at: new Date('2026-11-27T18:00:00Z') },
    ],
    ['a datapoint without a maximum is skipped', [{ Timestamp: new Date() }], undefined],
  ])('%s', (_what, datapoints, expected) => {
    expect(latestDatapoint(datapoints)).toEqual(expected);
  });
});

describe('qualityScoreDatum', () => {
  it('publishes Seawall/DataQuality Score with Pipeline=<namespace>/<name>', () => {
    const at = new Date('2026-11-28T00:00:00Z');
    expect(qualityScoreDatum('city', 'permits', 97.5, at)).toEqual({
      Namespace: 'Seawall/DataQuality',
      MetricData: [
        {
          MetricName: 'Score',
          Dimensions: [{ Name: 'Pipeline', Value: 'city/permits' }],
          Timestamp: at,
          Value: 97.5,
          Unit: 'None',
        },
      ],
    });
  });
});
