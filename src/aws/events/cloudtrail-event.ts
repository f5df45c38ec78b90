// Reading an "AWS API Call via CloudTrail" event as EventBridge delivers it to SQS (the
// message body is the event): which resources it names, who made the call, and whether
// that was Seawall itself. Pure: table-tested in cloudtrail-event.test.ts.
import { arnIds, type DriftCause, type DriftEvent } from '../../runtime/drift-events.ts';

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * requestParameters fields that name a resource Seawall may own, as CloudTrail spells them
 * (camel-cased along the API shape; S3's bucketName). Lists (alarmNames) are taken whole.
 */
const NAME_FIELDS = [
  'bucketName',
  'keyId',
  'targetKeyId',
  'aliasName',
  'roleName',
  'topicArn',
  'alarmName',
  'alarmNames',
  'dashboardName',
  'dashboardNames',
  'name',
  'trailName',
  'jobName',
  'crawlerName',
  'triggerName',
  'workflowName',
  'queueUrl',
  'resourceArn',
  'resourceARN',
];

export interface ParsedEvent extends DriftEvent {
  /** The caller's ARN as CloudTrail recorded it. */
  principal: string;
  /** For an assumed role: the role's ARN (the session issuer). */
  issuer?: string;
}

export type Parsed = { ok: true; event: ParsedEvent } | { ok: false; reason: string };

function strings(value: unknown): string[] {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value))
    return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** Pure: the event (a message body), or why it cannot be one. */
export function parseCloudTrailEvent(body: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!raw || typeof raw !== 'object') return { ok: false, reason: 'not an object' };
  const event = raw as Record<string, unknown>;
  if (event['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE) {
    return { ok: false, reason: `detail-type is not "${CLOUDTRAIL_DETAIL_TYPE}"` };
  }
  const detail = event.detail as Record<string, unknown> | undefined;
  if (!detail || typeof detail !== 'object') return { ok: false, reason: 'no detail' };
  const eventName = detail.eventName;
  const eventTime = detail.eventTime;
  const identity = detail.userIdentity as Record<string, unknown> | undefined;
  const principal = typeof identity?.arn === 'string' ? identity.arn : undefined;
  if (typeof eventName !== 'string' || typeof eventTime !== 'string' || !principal) {
    return { ok: false, reason: 'no eventName, eventTime or userIdentity.arn' };
  }
  const region =
    typeof detail.awsRegion === 'string'
      ? detail.awsRegion
      : typeof event.region === 'string'
        ? event.region
        : '';
  const ids = new Set<string>();
  const request = (detail.requestParameters ?? {}) as Record<string, unknown>;
  if (request && typeof request === 'object') {
    for (const field of NAME_FIELDS) {
      for (const value of strings(request[field])) {
        // A queue URL names the queue by its last path segment.
        const id = field === 'queueUrl' ? (value.split('/').pop() ?? value) : value;
        for (const a of arnIds(id)) ids.add(a);
      }
    }
  }
  for (const resource of (detail.resources ?? []) as { ARN?: unknown }[]) {
    if (typeof resource?.ARN === 'string') for (const a of arnIds(resource.ARN)) ids.add(a);
  }
  // A created resource is named in the response (CreateKey's keyMetadata.keyId…): not
  // Seawall's until its status records it, so the request's names are enough.
  const session = identity?.sessionContext as { sessionIssuer?: { arn?: unknown } } | undefined;
  const issuer =
    typeof session?.sessionIssuer?.arn === 'string' ? session.sessionIssuer.arn : undefined;
  const cause: DriftCause = {
    eventName,
    eventTime,
    principal,
    ...(typeof detail.sourceIPAddress === 'string'
      ? { sourceAddress: detail.sourceIPAddress }
      : {}),
    ...(typeof detail.eventID === 'string' ? { eventId: detail.eventID } : {}),
  };
  return {
    ok: true,
    event: { region, ids: [...ids], cause, principal, ...(issuer ? { issuer } : {}) },
  };
}

/**
 * Pure: the role (or user) an ARN acts as, without the session: any session of Seawall's
 * role is Seawall (another replica, an earlier process).
 * `arn:aws:sts::1:assumed-role/seawall-operator/s1` → `role/seawall-operator`.
 */
export function actor(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const assumed = /^assumed-role\/([^/]+)\//.exec(resource);
  if (assumed) return `role/${assumed[1]}`;
  const role = /^role\/(?:.*\/)?([^/]+)$/.exec(resource);
  if (role) return `role/${role[1]}`;
  return resource;
}

/** Pure: the call was Seawall's own (its identity, any session). */
export function isOwnCall(event: Pick<ParsedEvent, 'principal' | 'issuer'>, own: string): boolean {
  const me = actor(own);
  return (
    actor(event.principal) === me || (event.issuer !== undefined && actor(event.issuer) === me)
  );
}
