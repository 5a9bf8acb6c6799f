/**
 * `npm run test:system`: the two-service system test (test/system/). Not one of `npm test`'s
 * projects: with SYSTEM_TEST_BROKER_OUTAGE=restart (the default under CI=true) it restarts the
 * shared RabbitMQ, so .ci/run runs it as its own step after every other suite.
 * @type {import('jest').Config}
 */
module.exports = {
  testTimeout: 170000,
  transform: { '^.+\\.(t|j|mj|cj)s$': '<rootDir>/test/support/jest-transform.js' },
  transformIgnorePatterns: [],
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/system/**/*.system-spec.ts'],
};
