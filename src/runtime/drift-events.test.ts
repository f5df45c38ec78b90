import { describe, expect, it } from 'vitest';
import { arnIds, causeOf, HeartbeatTracker, ResourceIndex } from './drift-events.ts';

const cause = (eventName: string, eventTime: string) => ({
  eventName,
  eventTime,
  principal: 'arn:aws:sts::1:assumed-role/admin/alice',
});

const HOME = '111111111111';
const TARGET = '222222222222';
const at = (region: string, accountId = HOME) => ({ accountId, region });

describe('ResourceIndex', () => {
  it('finds the owners of ids, follows updates and deletes', () => {
    const index = new ResourceIndex();
    index.set('PB/ns/a', { accountId: HOME, regions: ['ca-central-1'], ids: ['raw', 'k-1'] });
    index.set('PB/ns/b', { accountId: HOME, regions: ['eu-west-1'], ids: ['other'] });
    expect(index.owners(['raw'])).toEqual(['PB/ns/a']);
    expect(index.owners(['nobody'])).toEqual([]);
    expect(index.locations()).toEqual([at('ca-central-1'), at('eu-west-1')]);
    index.set('PB/ns/a', { accountId: HOME, regions: ['ca-central-1'], ids: ['k-2'] });
    expect(index.owners(['raw', 'k-1'])).toEqual([]);
    expect(index.owners(['k-2', 'other'])).toEqual(['PB/ns/a', 'PB/ns/b']);
    index.delete('PB/ns/b');
    expect(index.owners(['other'])).toEqual([]);
    expect(index.locations()).toEqual([at('ca-central-1')]);
    expect(index.size).toBe(1);
  });

  it('keeps accounts apart: locations per account, owners of an event of one account only', () => {
    const index = new ResourceIndex();
    index.set('CM/ns/home', { accountId: HOME, regions: ['ca-central-1'], ids: ['alerts'] });
    index.set('CM/ns/target', { accountId: TARGET, regions: ['ca-central-1'], ids: ['alerts'] });
    index.set('CM/ns/new', { accountId: '', regions: ['eu-west-1'], ids: ['fresh'] });
    expect(index.locations()).toEqual([at('ca-central-1'), at('ca-central-1', TARGET)]);
    expect(index.owners(['alerts'], TARGET)).toEqual(['CM/ns/target']);
    expect(index.owners(['alerts'], HOME)).toEqual(['CM/ns/home']);
    expect(index.owners(['alerts']).sort()).toEqual(['CM/ns/home', 'CM/ns/target']);
  });
});

describe('HeartbeatTracker', () => {
  const now = new Date('2026-11-30T10:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('says Polling while off', () => {
    const t = new HeartbeatTracker({ enabled: false, staleAfterMs: 60_000 });
    t.beat(at('ca-central-1'), now);
    expect(t.detection([at('ca-central-1')], now).mode).toBe('Polling');
  });

  it('says Events only when every location beat lately, and names the silent ones', () => {
    const t = new HeartbeatTracker({ enabled: true, staleAfterMs: 60_000 });
    t.beat(at('ca-central-1'), ago(10_000));
    t.beat(at('us-east-1'), ago(120_000));
    expect(t.detection([at('ca-central-1')], now).mode).toBe('Events');
    const both = t.detection([at('ca-central-1'), at('us-east-1')], now);
    expect(both.mode).toBe('Polling');
    expect(both.reason).toContain('us-east-1');
    expect(both.reason).not.toContain('ca-central-1');
    // An older beat never moves the last one back.
    t.beat(at('ca-central-1'), ago(500_000));
    expect(t.flowing(at('ca-central-1'), now)).toBe(true);
  });

  it("never says Events for an account not listened to, whatever the operator's own says", () => {
    const t = new HeartbeatTracker({ enabled: true, staleAfterMs: 60_000 });
    t.beat(at('ca-central-1', HOME), ago(1_000));
    expect(t.detection([at('ca-central-1', HOME)], now).mode).toBe('Events');
    const target = t.detection([at('ca-central-1', TARGET)], now);
    expect(target.mode).toBe('Polling');
    expect(target.reason).toContain(TARGET);
    expect(t.flowing(at('ca-central-1', TARGET), now)).toBe(false);
    // An object whose account is not known yet, or with no resource yet, is on Polling too.
    expect(t.detection([], now).mode).toBe('Polling');
    expect(t.detection([at('ca-central-1', '')], now).mode).toBe('Polling');
    t.beat(at('ca-central-1', TARGET), ago(1_000));
    expect(t.detection([at('ca-central-1', TARGET)], now).mode).toBe('Events');
  });
});

describe('causeOf', () => {
  const events = [
    { ids: ['raw'], cause: cause('PutBucketVersioning', '2026-11-30T10:00:00Z') },
    { ids: ['raw'], cause: cause('PutBucketEncryption', '2026-11-30T10:00:05Z') },
    {
      ids: ['arn:aws:kms:r:1:key/k-1', 'k-1'],
      cause: cause('DisableKeyRotation', '2026-11-30T10:00:01Z'),
    },
  ];
  it.each<[string, string | undefined]>([
    ['s3://raw', 'PutBucketEncryption'],
    ['arn:aws:s3:::raw', 'PutBucketEncryption'],
    ['arn:aws:kms:r:1:key/k-1', 'DisableKeyRotation'],
    ['s3://raw-backup', undefined],
    ['arn:aws:iam::1:role/seawall-replication-raw', undefined],
  ])('%s ← %s', (resource, name) => {
    expect(causeOf(resource, events)?.eventName).toBe(name);
  });
});

describe('arnIds', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['raw', ['raw']],
    ['arn:aws:kms:r:1:key/k-1', ['arn:aws:kms:r:1:key/k-1', 'k-1']],
    ['arn:aws:sns:r:1:alerts', ['arn:aws:sns:r:1:alerts', 'alerts']],
  ])('%s', (arn, ids) => {
    expect(arnIds(arn)).toEqual(ids);
  });
});
