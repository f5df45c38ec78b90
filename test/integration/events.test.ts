// Events aggregated as client-go does: one Event per object, type and reason, its count
// raised on every repeat — against the real API server, so what `kubectl describe` shows
// is what is asserted.
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, VERSION } from '../../src/api/common.ts';
import { coreEventWriter, EventAggregator, type EventWriter } from '../../src/runtime/events.ts';
import type { AnyObject } from '../../src/runtime/kube-objects.ts';
import { silentLogger } from '../../src/runtime/logger.ts';
import { adminKubeConfig, createNamespace, uniqueName } from '../harness/kube.ts';

describe('Events', () => {
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;
  let namespace: string;

  beforeAll(async () => {
    const kc = adminKubeConfig();
    core = kc.makeApiClient(k8s.CoreV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    namespace = await createNamespace(kc, 'events');
  });

  const aBucket = async (): Promise<AnyObject> =>
    (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'protectedbuckets',
      body: {
        apiVersion: API_VERSION,
        kind: 'ProtectedBucket',
        metadata: { name: uniqueName('pb') },
        spec: { bucketName: uniqueName('events'), region: 'ca-central-1' },
      },
    })) as AnyObject;

  const eventsOf = async (object: AnyObject) =>
    (
      await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.uid=${object.metadata.uid}`,
      })
    ).items.sort((a, b) => (a.reason ?? '').localeCompare(b.reason ?? ''));

  /** The real writer, counting its calls. */
  const counted = () => {
    const real = coreEventWriter(core);
    const calls = { create: 0, update: 0 };
    const writer: EventWriter = {
      create: (ns, body) => {
        calls.create++;
        return real.create(ns, body);
      },
      update: (ns, name, patch) => {
        calls.update++;
        return real.update(ns, name, patch);
      },
    };
    return { writer, calls };
  };

  it('a repeated reason is one Event with a count, the latest message and both timestamps', async () => {
    const object = await aBucket();
    const { writer, calls } = counted();
    let clock = Date.parse('2026-11-30T10:00:00Z');
    const events = new EventAggregator(writer, silentLogger(), 'test', () => new Date(clock));
    const recorder = events.recorder(object);
    for (let i = 1; i <= 5; i++) {
      recorder.normal('DriftCorrected', `bucket.versioning Status: Suspended -> Enabled (${i})`);
      clock += 60_000;
    }
    recorder.warning('Stalled', 'AccessDenied');
    await events.flush();

    const list = await eventsOf(object);
    expect(list.map((e) => [e.type, e.reason, e.count])).toEqual([
      ['Normal', 'DriftCorrected', 5],
      ['Warning', 'Stalled', 1],
    ]);
    const drift = list[0];
    expect(drift?.message).toBe('bucket.versioning Status: Suspended -> Enabled (5)');
    expect(new Date(drift?.firstTimestamp ?? 0).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(new Date(drift?.lastTimestamp ?? 0).toISOString()).toBe('2026-11-30T10:04:00.000Z');
    expect(calls).toEqual({ create: 2, update: 4 });
  });

  it('an Event that expired (deleted) is started again at count 1', async () => {
    const object = await aBucket();
    const events = new EventAggregator(coreEventWriter(core), silentLogger(), 'test');
    const recorder = events.recorder(object);
    recorder.normal('DriftCorrected', 'first');
    recorder.normal('DriftCorrected', 'second');
    await events.flush();
    const [first] = await eventsOf(object);
    expect(first?.count).toBe(2);
    await core.deleteNamespacedEvent({ namespace, name: first?.metadata?.name ?? '' });

    recorder.normal('DriftCorrected', 'after expiry');
    await events.flush();
    const list = await eventsOf(object);
    expect(list.map((e) => [e.message, e.count])).toEqual([['after expiry', 1]]);
  });

  it('two objects never share an Event', async () => {
    const a = await aBucket();
    const b = await aBucket();
    const events = new EventAggregator(coreEventWriter(core), silentLogger(), 'test');
    events.recorder(a).normal('DriftCorrected', 'a');
    events.recorder(b).normal('DriftCorrected', 'b');
    events.recorder(a).normal('DriftCorrected', 'a again');
    await events.flush();
    expect((await eventsOf(a)).map((e) => e.count)).toEqual([2]);
    expect((await eventsOf(b)).map((e) => e.count)).toEqual([1]);
  });
});
