// The CostMonitor dashboard. Seawall owns the whole body: it is built from the spec and
// compared as JSON semantics (key order and whitespace never count), so an edit made in
// the console is drift and is put back.
//
// Dashboards cannot be tagged, so ownership is written into the dashboard itself: the
// first widget is a text widget naming the owner (`seawall.dev/owner: ...`), which also
// tells a person in the console where to make changes. Seawall changes or deletes a
// dashboard only when that marker names it — or when status says Seawall created it
// (someone may have deleted the marker widget: that is drift, not a change of owner).
import {
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
} from '@aws-sdk/client-cloudwatch';
import { OWNER_TAG } from '../../api/common.ts';
import { StalledError } from '../../runtime/errors.ts';
import type { AwsClients } from '../clients.ts';
import { isAwsError } from '../errors.ts';
import { type Facet, type FieldDiff, jsonEqual } from '../facet.ts';
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

export interface DashboardCtx {
  clients: AwsClients;
  input: DashboardInput;
  /** Status says Seawall created a dashboard of this name. */
  createdBefore: boolean;
  /** Filled by observe: what status shows. */
  seen: { arn?: string };
}

export interface ObservedDashboard {
  exists: boolean;
  body?: unknown;
  raw?: string;
}

/** Pure: the body as JSON semantics; a body that is not JSON differs from anything. */
export function diffDashboard(desired: DashboardBody, observed: ObservedDashboard): FieldDiff[] {
  if (!observed.exists) return [{ field: 'Dashboard', expected: 'created', observed: undefined }];
  return jsonEqual(desired, observed.body)
    ? []
    : [{ field: 'DashboardBody', expected: desired, observed: observed.body ?? observed.raw }];
}

/** Pure: may Seawall write or delete this dashboard? */
export function dashboardOwned(
  observed: ObservedDashboard,
  owner: string,
  createdBefore: boolean,
): boolean {
  if (!observed.exists) return true;
  return createdBefore || (observed.raw ?? '').includes(ownerMarker(owner));
}

export async function readDashboard(
  clients: AwsClients,
  name: string,
): Promise<ObservedDashboard & { arn?: string }> {
  try {
    const out = await clients
      .cloudwatch(DASHBOARD_API_REGION)
      .send(new GetDashboardCommand({ DashboardName: name }));
    const raw = out.DashboardBody ?? '';
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    return { exists: true, raw, body, ...(out.DashboardArn ? { arn: out.DashboardArn } : {}) };
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFound', 'ResourceNotFoundException'))
      return { exists: false };
    throw error;
  }
}

export const dashboardFacet: Facet<DashboardCtx, ObservedDashboard, DashboardBody> = {
  calls: ['cloudwatch:GetDashboard', 'cloudwatch:PutDashboard'],
  name: 'dashboard.body',
  resource: (ctx) => ctx.seen.arn ?? `cloudwatch:dashboard/${ctx.input.name}`,
  async observe(ctx) {
    const found = await readDashboard(ctx.clients, ctx.input.name);
    if (found.arn) ctx.seen.arn = found.arn;
    return found;
  },
  desired: (ctx) => dashboardBody(ctx.input),
  diff: diffDashboard,
  async apply(ctx, desired, observed) {
    if (!dashboardOwned(observed, ctx.input.owner, ctx.createdBefore)) {
      throw new StalledError(
        'NotOwned',
        `CloudWatch dashboard ${ctx.input.name} exists and was not created by Seawall for ${ctx.input.owner}; Seawall will not overwrite it. Pick another dashboard.name.`,
      );
    }
    await ctx.clients.cloudwatch(DASHBOARD_API_REGION).send(
      new PutDashboardCommand({
        DashboardName: ctx.input.name,
        DashboardBody: JSON.stringify(desired),
      }),
    );
  },
};

/** Clean-up: deletes the dashboard only when Seawall owns it. */
export async function deleteOwnedDashboard(
  clients: AwsClients,
  name: string,
  owner: string,
  createdBefore: boolean,
): Promise<void> {
  const observed = await readDashboard(clients, name);
  if (!observed.exists || !dashboardOwned(observed, owner, createdBefore)) return;
  await clients
    .cloudwatch(DASHBOARD_API_REGION)
    .send(new DeleteDashboardsCommand({ DashboardNames: [name] }));
}
