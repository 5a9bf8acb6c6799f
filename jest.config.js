/** @type {import('jest').Config} */
const shared = {
  // Transforms TypeScript, and ES-module-only packages in node_modules (see the file's comment).
  transform: { '^.+\\.(t|j|mj|cj)s$': '<rootDir>/test/support/jest-transform.js' },
  transformIgnorePatterns: [],
  testEnvironment: 'node',
  // The e2e run's compiled copy of src/ and test/ (test/support/test-build.ts): not modules or tests of their own.
  modulePathIgnorePatterns: ['<rootDir>/.test-build/'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'infrastructure',
      testMatch: ['<rootDir>/infrastructure/**/*.spec.ts'],
      // kubernetes-models exports its schemas for `import` only (no `require` condition), so Jest's
      // CommonJS resolver is pointed at the files; the transform makes them CommonJS.
      moduleNameMapper: {
        '^((?:@kubernetes-models/)?[a-z-]+)/_schemas/(.*?)(\\.js)?$':
          '<rootDir>/node_modules/$1/_schemas/$2.js',
        '^@kubernetes-models/validate$': '<rootDir>/node_modules/@kubernetes-models/validate/dist/index.js',
        '^@kubernetes-models/validate/runtime/(.*)$':
          '<rootDir>/node_modules/@kubernetes-models/validate/dist/runtime/$1.js',
      },
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
