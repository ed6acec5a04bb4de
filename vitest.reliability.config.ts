import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: load, crash, fault, fuzz and hardening suites against a real
 * PostgreSQL server (TEST_DATABASE_URL, default the local one). Slow, one file at a time.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 300_000,
    globalSetup: ['./test/reliability/support/load-require-postgres.ts'],
    env: {
      TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
