/**
 * `npm run test:slow`: the tests in __tests__/slow/, which run processes of their own (the bundled
 * action and command line as a runner and a user run them, Prism, actionlint, the workflows' bash)
 * or rebuild dist/, and take seconds each. Everything else as in jest.config.js.
 * @type {import('jest').Config}
 */
import base from './jest.config.js'

export default {
  ...base,
  testMatch: ['<rootDir>/__tests__/slow/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/']
}
