/** @type {import('jest').Config} */
const shared = {
  // Transforms TypeScript, and ES-module-only packages in node_modules (see the file's comment).
  transform: { '^.+\\.(t|j|mj|cj)s$': '<rootDir>/test/support/jest-transform.js' },
  transformIgnorePatterns: [],
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
