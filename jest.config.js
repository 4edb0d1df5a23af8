/**
 * Jest runs the TypeScript tests as ES modules (npm test sets --experimental-vm-modules), with
 * Node's own type stripping as the transform (test/jest/strip-types.js).
 * @type {import('jest').Config}
 */
export default {
  // Node's environment, with the realm seams closed (see the file).
  testEnvironment: '<rootDir>/test/jest/node-environment.js',
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '\\.ts$': '<rootDir>/test/jest/strip-types.js' },
  maxWorkers: 2,
  // The slow files first, so the build of dist/ overlaps the rest (see the file).
  testSequencer: '<rootDir>/test/jest/sequencer.js',
  // The end-to-end tests spawn the bundled action and wait for it; a few take several seconds.
  testTimeout: 60_000,
  collectCoverageFrom: ['src/**/*.ts'],
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  // The closing line CI reads (`tests: N passed, N failed`) comes last, after Jest's summary.
  reporters: ['default', '<rootDir>/test/jest/closing-line-reporter.js']
}
