/**
 * Starts the slowest test files first, whatever Jest's cache remembers (a fresh clone has none, and
 * Jest then orders by file size, which puts the small but slow slow/dist.test.ts last). With two
 * workers, the longest file then overlaps everything else instead of running alone at the end.
 */
import Sequencer from '@jest/test-sequencer'

// The package is CommonJS: its class is the default export's `default`.
const Base = Sequencer.default ?? Sequencer

/**
 * Slowest first. In `npm run test:slow` (__tests__/slow/), each spawns processes or builds: seconds
 * of CPU. In `npm test`, the in-process files that take the longest; the rest take milliseconds.
 */
const SLOW = [
  'slow/dist',
  'slow/workflow-jobs',
  'slow/contract-prism',
  'slow/hostile-process',
  'slow/e2e',
  'slow/actionlint',
  'slow/cli-bundle',
  'hostile-hex',
  'cli',
  'fake-hex'
]

const rank = (path) => {
  const i = SLOW.findIndex((name) => path.endsWith(`/__tests__/${name}.test.ts`))
  return i === -1 ? SLOW.length : i
}

export default class SlowFirst extends Base {
  sort(tests) {
    return [...super.sort(tests)].sort((a, b) => rank(a.path) - rank(b.path))
  }
}
