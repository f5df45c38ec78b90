// The published package, used the way a platform team would, with no checkout: `npm pack`
// (which builds dist/ through prepack), installed into an empty prefix, and the installed
// `seawall` run from an empty directory — validate from standard input and a rendered
// kustomization, plan against the local AWS, crds, iam-policy, the JSON Schemas.
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderCrds } from '../../src/api/render.ts';
import { iamPolicy } from '../../src/aws/iam-policy.generated.ts';
import { ROOT_CREDENTIALS } from '../harness/aws.ts';
import { stackInfo, uniqueName } from '../harness/kube.ts';
import { repoRoot } from '../harness/stack.ts';

const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the npm package, installed without a checkout', () => {
  let work: string;
  let tarball: string;
  let seawall: string;
  let env: NodeJS.ProcessEnv;

  /** Runs the installed `seawall` in an empty directory, with `stdin` piped in. */
  const run = (args: string[], stdin = '', extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(seawall, args, { cwd: work, env: { ...env, ...extraEnv } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(stdin);
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seawall-package-'));
    work = join(dir, 'work');
    mkdirSync(work);
    const started = Date.now();
    const packed = await exec('npm', ['pack', '--pack-destination', dir, '--silent'], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    tarball = join(dir, packed.stdout.trim().split('\n').pop() as string);
    const prefix = join(dir, 'prefix');
    await exec(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    );
    seawall = join(prefix, 'node_modules', '.bin', 'seawall');
    // Node 24 first on the PATH: the machine's own node is older (see the last test).
    env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` };
    delete env.npm_lifecycle_event;
    delete env.INIT_CWD;
    console.log(
      `npm pack + install: ${((Date.now() - started) / 1000).toFixed(1)} s, tarball ${(statSync(tarball).size / 1024).toFixed(0)} KiB`,
    );
  }, 300_000);

  it('holds the built CLI, the CRDs and the JSON Schemas — no sources, tests or test data', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/cli/bin.js',
        'package/dist/cli/main.js',
        'package/README.md',
        'package/LICENSE',
        'package/package.json',
        ...readdirSync(join(repoRoot, 'crds')).map((f) => `package/crds/${f}`),
        ...readdirSync(join(repoRoot, 'schemas')).map((f) => `package/schemas/${f}`),
      ]),
    );
    expect(files.filter((f) => /\.test\.|\/testdata\/|\.ts$/.test(f))).toEqual([]);
    // Test helpers live under test/, so none is built into dist/.
    expect(files.filter((f) => /fake|golden/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // Node itself is a development tool of the repository, not something to install.
    expect(pkg.dependencies).not.toHaveProperty('node');
  });

  it('runs with no checkout: help', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate .*-f -/);
  });

  it('validate -f - reads rendered output from standard input', async () => {
    const rendered = execFileSync('kubectl', ['kustomize', join(repoRoot, 'examples/vancouver')], {
      encoding: 'utf8',
    });
    const ok = await run(['validate', '-f', '-'], rendered);
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^4 Seawall resource\(s\) in 1 file\(s\): valid/);

    const bad = await run(
      ['validate', '-f', '-'],
      rendered.replaceAll('region: ca-central-1', 'region: ca-centrl-1'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^<stdin>:\d+: ProtectedBucket\/raw-data: spec\.region: Unsupported value: "ca-centrl-1": .*\(did you mean "ca-central-1"\?\)/m,
    );
  });

  it('validate -k renders an overlay with kubectl; -f refuses to read it raw', async () => {
    const overlay = join(repoRoot, 'examples/report-only');
    const rendered = await run(['validate', '-k', overlay]);
    expect(rendered, rendered.stderr).toMatchObject({ code: 0 });
    expect(rendered.stdout).toMatch(/^4 Seawall resource\(s\)/);
    const raw = await run(['validate', '-f', overlay]);
    expect(raw.code).toBe(1);
    expect(raw.stderr).toMatch(
      /examples\/report-only\/kustomization.yaml:1: .*not read file by file .*`seawall validate -k /,
    );
  });

  it('crds, iam-policy and the JSON Schemas are those of the repository', async () => {
    const crds = await run(['crds']);
    expect(crds.stdout).toBe(
      renderCrds()
        .map((c) => c.yaml)
        .join('---\n'),
    );
    const crdsHelp = await run(['crds', '--help']);
    expect(crdsHelp.stdout).toMatch(/^Usage: seawall crds/);
    const policy = await run(['iam-policy']);
    expect(JSON.parse(policy.stdout)).toEqual(iamPolicy);
    const installed = join(dirname(dirname(seawall)), 'seawall', 'schemas');
    for (const file of readdirSync(join(repoRoot, 'schemas')))
      expect(readFileSync(join(installed, file), 'utf8')).toBe(
        readFileSync(join(repoRoot, 'schemas', file), 'utf8'),
      );
  });

  it('plan reads AWS (the local emulator) and reports a new bucket as pending', async () => {
    const file = join(work, 'bucket.yaml');
    const bucket = uniqueName('pkg-plan');
    writeFileSync(
      file,
      `apiVersion: seawall.dev/v1alpha1
kind: ProtectedBucket
metadata:
  name: raw-data
  namespace: data
spec:
  bucketName: ${bucket}
  region: ca-central-1
`,
    );
    const plan = await run(['plan', '-f', 'bucket.yaml', '--no-color'], '', {
      AWS_ENDPOINT_URL: stackInfo().awsEndpoint,
      AWS_ACCESS_KEY_ID: ROOT_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ROOT_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'ca-central-1',
      KUBECONFIG: '',
    });
    expect(plan, plan.stderr).toMatchObject({ code: 2 });
    expect(plan.stdout).toContain('ProtectedBucket data/raw-data (bucket.yaml:');
    expect(plan.stdout).toContain(bucket);
  });

  it("says which Node it needs on the machine's own node, instead of crashing", async () => {
    const systemPath = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((p) => !p.includes('node_modules'))
      .join(delimiter);
    let version: string;
    try {
      version = execFileSync('node', ['--version'], {
        encoding: 'utf8',
        env: { PATH: systemPath },
      }).trim();
    } catch {
      version = '';
    }
    const result = await run(['--help'], '', { PATH: systemPath });
    const major = Number(version.replace(/^v/, '').split('.')[0]);
    if (version && major < 24) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `seawall needs Node.js 24 or later; this is Node.js ${version.slice(1)}`,
      );
    } else {
      // No node of its own on this machine, or a recent one: either way not a crash.
      expect(result.stderr).not.toMatch(/TypeError/);
    }
  });
});
