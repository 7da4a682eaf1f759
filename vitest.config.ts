import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no server; `integration` gets one Temporal dev server, one
// time-skipping server and one FerretDB for the whole run (test/setup/servers.ts).
// Temporal's native worker needs the `forks` pool (threads crash it: sdk-typescript#876).
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', './test/setup/summaryReporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['./test/setup/servers.ts'],
          setupFiles: ['./test/setup/temporalRuntime.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          // Unit tests first: they fail fast and need no servers.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
