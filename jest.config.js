/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, plus the CloudFormation validator's engine module loaded once per worker (see the file)
  testEnvironment: '<rootDir>/test/setup/environment.cjs',
  moduleNameMapper: { '^@aws/cloudformation-validate$': '<rootDir>/test/setup/shared-cfn-validate.cjs' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript is stripped by esbuild (types are checked by `tsc --noEmit`); ts-jest only for files whose
  // jest.mock() calls must be moved above their imports.
  transform: {
    'test/private/bundling\\.test\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    '^.+\\.tsx?$': '<rootDir>/test/setup/esbuild-transform.cjs',
  },
  testTimeout: 120000,
  // Both cores: the suites are CPU-bound (synthesis, validation) and jest's default leaves one core to itself.
  maxWorkers: 2,
  // Polyfills for Node 22 APIs used by test-only dependencies (Node 20 still runs the tests); quiet output of passing tests;
  // CloudFormation validation with one engine per test file.
  setupFiles: ['<rootDir>/test/setup/polyfills.ts', '<rootDir>/test/setup/quiet-output.ts', '<rootDir>/test/setup/cfn-validation.ts'],
};
