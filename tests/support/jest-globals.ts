/**
 * Apollo's integration test suite (@apollo/server-integration-testsuite) is written for jest and
 * imports its globals from '@jest/globals'; vitest.config.ts points that import here, so the suite
 * runs under vitest with no second test runner.
 */
import { afterEach as vitestAfterEach } from 'vitest';

export { afterAll, beforeAll, beforeEach, describe, expect, it, test, vi as jest } from 'vitest';

type HookBody = (() => unknown) | ((done: (error?: unknown) => void) => void);

/**
 * jest's hooks may take a `done` callback (the suite's trace tests stop their report ingress so);
 * vitest only takes promises, and reports a `done` hook as an unhandled error that fails the run.
 */
export function afterEach(body: HookBody, timeout?: number): void {
  vitestAfterEach(body.length === 0
    ? (body as () => unknown)
    : () => new Promise<void>((resolve, reject) => (body as (done: (error?: unknown) => void) => void)((error) => (error ? reject(error) : resolve()))), timeout);
}
