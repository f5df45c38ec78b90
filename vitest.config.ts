import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, fakes allowed, no processes) and `integration`
// (a real kube-apiserver + etcd and a real moto_server, started once by the global setup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests first, then the integration tests (projects with different
          // worker limits need their own group).
          sequence: { groupOrder: 0 },
          include: [
            'src/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'test/conformance/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Files share one API server and one moto; each gets its own namespace and
          // AWS account. Two forks keep a 2-core machine busy without starving the stack.
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
