import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real servers on port 0 and real databases; two workers match the CI machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
