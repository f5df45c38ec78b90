// Small helpers for scripts/demo.sh, where the AWS CLI is not installed: the AWS SDK
// against the emulator (AWS_ENDPOINT_URL and credentials from the environment), and a
// look at which kinds this build reconciles.
//
//   helper.ts kinds                          kinds with a registered reconciler
//   helper.ts filter-kinds K1,K2 < a.yaml    drop Seawall documents of other kinds
//   helper.ts seed BUCKET REGION DIR         upload DIR/<dataset>-<date>.csv to raw/<dataset>/
//   helper.ts versioning BUCKET REGION [Enabled|Suspended]   print (or set) versioning
//   helper.ts list BUCKET REGION PREFIX      keys and sizes under a prefix
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetBucketVersioningCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { parseAllDocuments, stringify } from 'yaml';
import { GROUP } from '../../src/api/common.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { offlineKubeConfig } from '../../src/cli/plan.ts';
import { createReconcilers } from '../../src/kinds/index.ts';

const [command, ...args] = process.argv.slice(2);
const aws = () => new AwsClients({ defaultRegion: process.env.AWS_REGION ?? 'us-east-1' });

async function main(): Promise<number> {
  switch (command) {
    case 'kinds': {
      const reconcilers = createReconcilers({ aws: aws(), kc: offlineKubeConfig() });
      console.log(reconcilers.map((r) => r.kind.kind).join('\n'));
      return 0;
    }
    case 'filter-kinds': {
      const keep = new Set((args[0] ?? '').split(',').filter(Boolean));
      const input = readFileSync(0, 'utf8');
      const out: string[] = [];
      for (const doc of parseAllDocuments(input)) {
        const object = doc.toJS() as { apiVersion?: string; kind?: string } | null;
        if (!object) continue;
        const seawall = object.apiVersion?.split('/')[0] === GROUP;
        if (!seawall || keep.has(object.kind ?? '')) out.push(stringify(object));
      }
      process.stdout.write(out.join('---\n'));
      return 0;
    }
    case 'seed': {
      const [bucket, region, dir] = args as [string, string, string];
      const s3 = aws().s3(region);
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
        const dataset = file.replace(/-\d{4}-\d{2}-\d{2}\.csv$/, '');
        const key = `raw/${dataset}/${file}`;
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: readFileSync(join(dir, file)),
            ContentType: 'text/csv',
          }),
        );
        console.log(`s3://${bucket}/${key}`);
      }
      return 0;
    }
    case 'versioning': {
      const [bucket, region, set] = args as [string, string, string | undefined];
      const s3 = aws().s3(region);
      if (set === 'Enabled' || set === 'Suspended') {
        await s3.send(
          new PutBucketVersioningCommand({
            Bucket: bucket,
            VersioningConfiguration: { Status: set },
          }),
        );
      }
      const held = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      console.log(held.Status ?? 'Off');
      return 0;
    }
    case 'list': {
      const [bucket, region, prefix] = args as [string, string, string];
      const listed = await aws()
        .s3(region)
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      for (const o of listed.Contents ?? []) console.log(`${o.Key}\t${o.Size} bytes`);
      return 0;
    }
    default:
      console.error(`unknown command ${JSON.stringify(command)}`);
      return 2;
  }
}

process.exitCode = await main();
