import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that load the machine on purpose (request/parallel: 20 svc processes at once) run alone,
 * after the rest: beside them, another file's tests ran ten times slower and timed out.
 */
const ALONE = ['test/request/parallel.test.ts'];

export default defineConfig({
  test: {
    // Real git repositories and spawned processes: generous, and the machine has two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...ALONE], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, sequence: { groupOrder: 1 } } },
    ],
  },
});
