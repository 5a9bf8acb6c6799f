/** The SECRET_KEY of every test service, so a test's CLI and its replicas share one (as a deploy does). */
export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';
