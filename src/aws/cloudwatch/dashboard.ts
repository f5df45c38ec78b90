// The CostMonitor dashboard. Seawall owns the whole body: it is built from the spec and
// compared as JSON semantics (key order and whitespace never count), so an edit made in
// the console is drift and is put back.
//
// Dashboards cannot be tagged, so ownership is written into the dashboard itself: the
// first widget is a text widget naming the owner (`seawall.dev/owner: ...`), which also
// tells a person in the console where to make changes. That marker is the dashboard's
// owner tag as the lifecycle sees it (`tagsOf`): ADR 5's answers follow from it — ours,
// another Seawall object's, or nobody's. Status that names the dashboard makes it ours
// too (someone may have deleted the marker widget: that is drift, not a change of owner);
// deletion (`retire`) asks for the marker.
import {
  type CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
} from '@aws-sdk/client-cloudwatch';
import { OWNER_TAG } from '../../api/common.ts';
import { isAwsError } from '../errors.ts';
import { type Facet, type FieldDiff, jsonEqual } from '../facet.ts';
import type { ManagedResource } from '../lifecycle.ts';
import type { TagMap } from '../ownership.ts';
import { BILLING_METRIC_PERIOD, BILLING_REGION, S3_METRIC_PERIOD } from './alarms.ts';
import { QUALITY_DIMENSION, QUALITY_METRIC, QUALITY_NAMESPACE } from './quality-metric.ts';

/** Dashboards are global; the API is called in one region, always the same. */
export const DASHBOARD_API_REGION = BILLING_REGION;

export interface DashboardInput {
  name: string;
  owner: string;
  /** Monthly budget, drawn as a line on the charges widget. */
  budgetUSD?: number;
  billing: boolean;
  buckets: { bucketName: string; region: string }[];
  pipelines: { namespace: string; name: string; region: string }[];
}

type Widget = {
  type: 'text' | 'metric';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
};

export interface DashboardBody {
  widgets: Widget[];
}

export function ownerMarker(owner: string): string {
  return `${OWNER_TAG}: ${owner}`;
}

/**
 * Pure: the owner a dashboard body names in its marker, as a tag map (empty without one).
 * An owner is `<namespace>/<kind>/<name>`: no blanks, no parentheses.
 */
export function markerTags(raw: string): TagMap {
  const found = raw.match(/seawall\.dev\/owner: ([^\s()"\\]+)/);
  return found?.[1] ? { [OWNER_TAG]: found[1] } : {};
}

const HALF = 12;
const HEIGHT = 6;

/** Pure: the dashboard body for a spec. Two columns of charts under the owner banner. */
export function dashboardBody(input: DashboardInput): DashboardBody {
  const charts: Omit<Widget, 'x' | 'y'>[] = [];
  const chart = (properties: Record<string, unknown>) =>
    charts.push({ type: 'metric', width: HALF, height: HEIGHT, properties });
  if (input.billing) {
    chart({
      title: 'Estimated charges (USD, month to date)',
      view: 'timeSeries',
      region: BILLING_REGION,
      stat: 'Maximum',
      period: BILLING_METRIC_PERIOD,
      metrics: [['AWS/Billing', 'EstimatedCharges', 'Currency', 'USD']],
      ...(input.budgetUSD !== undefined
        ? { annotations: { horizontal: [{ label: 'Monthly budget', value: input.budgetUSD }] } }
        : {}),
    });
  }
  for (const b of input.buckets) {
    chart({
      title: `${b.bucketName}: size (bytes)`,
      view: 'timeSeries',
      region: b.region,
      stat: 'Average',
      period: S3_METRIC_PERIOD,
      metrics: [
        ['AWS/S3', 'BucketSizeBytes', 'BucketName', b.bucketName, 'StorageType', 'StandardStorage'],
      ],
    });
    chart({
      title: `${b.bucketName}: objects`,
      view: 'timeSeries',
      region: b.region,
      stat: 'Average',
      period: S3_METRIC_PERIOD,
      metrics: [
        ['AWS/S3', 'NumberOfObjects', 'BucketName', b.bucketName, 'StorageType', 'AllStorageTypes'],
      ],
    });
  }
  for (const p of input.pipelines) {
    chart({
      title: `${p.namespace}/${p.name}: data-quality score`,
      view: 'timeSeries',
      region: p.region,
      stat: 'Maximum',
      period: 86_400,
      // The score is a fraction (0 to 1), as in status.lastRun.score and the results document.
      yAxis: { left: { min: 0, max: 1 } },
      metrics: [[QUALITY_NAMESPACE, QUALITY_METRIC, QUALITY_DIMENSION, `${p.namespace}/${p.name}`]],
    });
  }
  const banner: Widget = {
    type: 'text',
    x: 0,
    y: 0,
    width: 24,
    height: 2,
    properties: {
      markdown: `## ${input.name}\nManaged by Seawall (${ownerMarker(input.owner)}). Changes made here are reverted: edit the CostMonitor instead.`,
    },
  };
  return {
    widgets: [
      banner,
      ...charts.map((w, i) => ({
        ...w,
        x: (i % 2) * HALF,
        y: 2 + Math.floor(i / 2) * HEIGHT,
      })),
    ],
  };
}

export function dashboardArn(partition: string, accountId: string, name: string): string {
  return `arn:${partition}:cloudwatch::${accountId}:dashboard/${name}`;
}

/** Which dashboard (dashboards are global), and the body it is created with. */
export interface DashboardRef {
  /** The client of DASHBOARD_API_REGION. */
  cloudwatch: CloudWatchClient;
  name: string;
  arn: string;
  /** The body it is created with (its banner names the owner); none for one being deleted. */
  body?: DashboardBody | undefined;
  /** Status says Seawall created a dashboard of this name: ours, marker or not. */
  recorded?: boolean;
}

export interface FoundDashboard {
  /** The body as GetDashboard returned it. */
  raw: string;
  /** The body parsed; undefined when it is not JSON. */
  body: unknown;
}

/** Pure: the body as JSON semantics; a body that is not JSON differs from anything. */
export function diffDashboard(desired: DashboardBody, observed: FoundDashboard): FieldDiff[] {
  return jsonEqual(desired, observed.body)
    ? []
    : [{ field: 'DashboardBody', expected: desired, observed: observed.body ?? observed.raw }];
}

function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export const cloudWatchDashboard: ManagedResource<DashboardRef, FoundDashboard> = {
  type: 'CloudWatch dashboard',
  facetName: 'dashboard',
  calls: ['cloudwatch:GetDashboard', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
  identify: (ref) => `CloudWatch dashboard ${ref.name}`,
  resourceName: (ref) => ref.arn,
  async read(ref) {
    try {
      const out = await ref.cloudwatch.send(new GetDashboardCommand({ DashboardName: ref.name }));
      const raw = out.DashboardBody ?? '';
      return { raw, body: parseBody(raw) };
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFound', 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  },
  tagsOf: (found) => markerTags(found.raw),
  recorded: (ref) => ref.recorded === true,
  async create(ref, tags) {
    if (!ref.body) throw new Error(`${ref.name}: a dashboard is created with its body`);
    const raw = JSON.stringify(ref.body);
    // The banner is the owner tag: a body without it would not be recognised as ours.
    if (tags[OWNER_TAG] && !raw.includes(ownerMarker(tags[OWNER_TAG]))) {
      throw new Error(`${ref.name}: the body does not name its owner ${tags[OWNER_TAG]}`);
    }
    await ref.cloudwatch.send(
      new PutDashboardCommand({ DashboardName: ref.name, DashboardBody: raw }),
    );
    return { raw, body: ref.body };
  },
  planned: (ref, tags) => ({
    widgets: ref.body?.widgets.length ?? 0,
    ownerMarker: tags[OWNER_TAG] ? ownerMarker(tags[OWNER_TAG]) : undefined,
  }),
  placeholder: () => ({ raw: '', body: undefined }),
  async delete(ref) {
    try {
      await ref.cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [ref.name] }));
    } catch (error) {
      // Gone meanwhile.
      if (!isAwsError(error, 'ResourceNotFound', 'ResourceNotFoundException')) throw error;
    }
  },
};

/** What the body facet works on: the dashboard as the lifecycle read (or created) it. */
export interface DashboardContext {
  cloudwatch: CloudWatchClient;
  arn: string;
  input: DashboardInput;
  found: FoundDashboard;
}

/** dashboard.body: the whole body, built from the spec. */
export const dashboardBodyFacet: Facet<DashboardContext, FoundDashboard, DashboardBody> = {
  name: 'dashboard.body',
  calls: ['cloudwatch:PutDashboard'],
  resource: (ctx) => ctx.arn,
  observe: async (ctx) => ctx.found,
  desired: (ctx) => dashboardBody(ctx.input),
  diff: diffDashboard,
  async apply(ctx, desired) {
    await ctx.cloudwatch.send(
      new PutDashboardCommand({
        DashboardName: ctx.input.name,
        DashboardBody: JSON.stringify(desired),
      }),
    );
  },
};
