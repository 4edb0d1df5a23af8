/**
 * Jest runs the TypeScript tests as ES modules (npm test sets --experimental-vm-modules), with
 * Node's own type stripping as the transform (test/jest/strip-types.js).
 *
 * `npm test` runs every test in __tests__/ but __tests__/slow/: the source in process, nothing in a
 * process of its own. `npm run test:slow` runs __tests__/slow/ (jest.slow.config.js): the tests
 * that spawn the bundle, Prism, actionlint or bash, and the rebuild of dist/. .ci/run and CI run
 * both.
 * @type {import('jest').Config}
 */
export default {
  // Node's environment, with the realm seams closed (see the file).
  testEnvironment: '<rootDir>/test/jest/node-environment.js',
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/slow/'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '\\.ts$': '<rootDir>/test/jest/strip-types.js' },
  maxWorkers: 2,
  // The slow files first, so the longest overlaps the rest (see the file).
  testSequencer: '<rootDir>/test/jest/sequencer.js',
  // A safety net: the in-process tests take milliseconds, the spawned ones several seconds.
  testTimeout: 60_000,
  collectCoverageFrom: ['src/**/*.ts'],
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  // The closing line CI reads (`tests: N passed, N failed`) comes last, after Jest's summary.
  reporters: ['default', '<rootDir>/test/jest/closing-line-reporter.js']
}
