import { defineConfig } from 'vitest/config';

// One runner for everything: unit and integration tests beside the code, cross-package tests in test/,
// and browser tests (Playwright driving Chromium) in test/e2e. Integration tests get a real PostgreSQL
// through test/support/global-setup.ts.
export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['packages/**/*.test.ts', 'apps/**/*.test.ts', 'test/integration/**/*.test.ts', 'connectors/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/.next/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          globalSetup: ['./test/support/global-setup.ts', './test/e2e/support/build-portal.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
