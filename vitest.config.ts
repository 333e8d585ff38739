import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // each file starts its own hub (databases, servers): two at a time suits a 2-core machine
    maxWorkers: 2,
    fileParallelism: true,
  },
});
