// Kubernetes Events for what a person should see (`kubectl describe`): drift corrected,
// stalled, deletion blocked. Best effort: an event that cannot be written is logged,
// never allowed to fail a reconcile.
import type * as k8s from '@kubernetes/client-node';
import type { AnyObject } from './kube-objects.ts';
import type { Logger } from './logger.ts';
import type { EventRecorder } from './reconciler.ts';

export function eventRecorder(
  core: k8s.CoreV1Api,
  object: AnyObject,
  log: Logger,
  instance: string,
): EventRecorder {
  const emit = (type: 'Normal' | 'Warning', reason: string, message: string) => {
    const now = new Date();
    const namespace = object.metadata.namespace ?? 'default';
    const body: k8s.CoreV1Event = {
      metadata: { generateName: `${object.metadata.name}.`, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type,
      reason,
      message: message.slice(0, 1024),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      source: { component: 'seawall' },
      reportingComponent: 'seawall.dev/operator',
      reportingInstance: instance,
    };
    core.createNamespacedEvent({ namespace, body }).catch((error: unknown) => {
      log.warn({ err: error, reason }, 'could not record event');
    });
  };
  return {
    normal: (reason, message) => emit('Normal', reason, message),
    warning: (reason, message) => emit('Warning', reason, message),
  };
}

export const noEvents: EventRecorder = { normal() {}, warning() {} };
