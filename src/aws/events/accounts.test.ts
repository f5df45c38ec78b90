import { describe, expect, it } from 'vitest';
import { regionsIn } from './accounts.ts';

describe('regionsIn', () => {
  const locations = [
    { accountId: '111111111111', region: 'ca-central-1' },
    { accountId: '222222222222', region: 'eu-west-1' },
    { accountId: '111111111111', region: 'eu-west-1' },
  ];
  it.each<[string, string[], string[]]>([
    ['111111111111', ['us-east-1'], ['ca-central-1', 'eu-west-1', 'us-east-1']],
    ['222222222222', [], ['eu-west-1']],
    ['333333333333', [], []],
  ])('%s (+%j)', (accountId, extra, regions) => {
    expect(regionsIn(locations, accountId, extra)).toEqual(regions);
  });
});
