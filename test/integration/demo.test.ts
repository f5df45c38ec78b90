// The demo is the README's first command; CI runs the same script in smoke mode
// (SEAWALL_DEMO_SMOKE=1: a fresh state directory, everything torn down at the end).
// It starts its own stack and operator, independent of the harness's.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/stack.ts';

const TIMEOUT_MS = 20 * 60_000;

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'scripts/demo.sh')], {
      cwd: repoRoot,
      env: { ...process.env, SEAWALL_DEMO_SMOKE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run demo (smoke)', () => {
  it(
    'runs every step, shows the pipeline results and the corrected drift, and tears down',
    async () => {
      const { code, output } = await runDemo();
      expect(code, output).toBe(0);
      expect(output).toMatch(/Steps that ran: 11; skipped: 0; failed: 0\./);
      // A progress line per step, not a wall of logs.
      expect(output.match(/^\[\s*\d+\/\d+\] /gm)?.length).toBe(11);
      expect(output).toContain('protectedbucket.seawall.dev/raw-data');
      expect(output).toMatch(
        /bucket\.versioning Status: expected Enabled, found Suspended -> Corrected/,
      );
      expect(output).toMatch(/quarantine\/parking-meters\//);
      expect(output).toContain('Smoke run: stack and operator stopped.');
    },
    TIMEOUT_MS,
  );
});
