/**
 * Apollo's integration test suite (@apollo/server-integration-testsuite) is written for jest and
 * imports its globals from '@jest/globals'; vitest.config.ts points that import here, so the suite
 * runs under vitest with no second test runner.
 */
export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test, vi as jest } from 'vitest';
