import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const TIMED = ['tests/hostile-queries.test.ts'];
/** files that mostly wait for the clock (minutes of a cron schedule) */
const WAITING = ['tests/replicas-schedule.test.ts'];

export default defineConfig({
  resolve: {
    // one graphql for all: Node (and so @apollo/gateway, and the hub outside tests) loads its CommonJS
    // build, while Vite would give test-transformed files the ES build, and graphql refuses a schema
    // made by the other copy
    alias: [
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
      // Apollo's integration test suite, written for jest, runs on vitest's globals
      { find: /^@jest\/globals$/, replacement: new URL('./tests/support/jest-globals.ts', import.meta.url).pathname },
    ],
  },
  test: {
    // transformed by vitest, so the alias of @jest/globals applies inside it
    server: { deps: { inline: ['@apollo/server-integration-testsuite'] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // each file starts its own hub (databases, servers): two at a time suits a 2-core machine
    maxWorkers: 2,
    fileParallelism: true,
    projects: [
      // vitest starts a group's projects in the order of their names: this one's first, so its minutes
      // of waiting pass beside the other files rather than after them
      { extends: true, test: { name: 'awaiting-the-clock', include: [...WAITING], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'behaviour', include: ['tests/**/*.test.ts'], exclude: [...TIMED, ...WAITING], sequence: { groupOrder: 0 } } },
      // timed in milliseconds, so run after the others, alone, not beside another file's hub
      { extends: true, test: { name: 'timed', include: [...TIMED], sequence: { groupOrder: 1 } } },
    ],
  },
});
