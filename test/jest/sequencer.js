/**
 * Starts the slowest test files first, whatever Jest's cache remembers (a fresh clone has none, and
 * Jest then orders by file size, which puts the small but slow dist.test.ts last). With two
 * workers, the long build of dist/ then overlaps everything else instead of running alone at the
 * end.
 */
import Sequencer from '@jest/test-sequencer'

// The package is CommonJS: its class is the default export's `default`.
const Base = Sequencer.default ?? Sequencer

/** Slowest first: each spawns processes or builds (seconds of CPU), the rest take milliseconds. */
const SLOW = ['dist', 'workflows', 'contract', 'proxy', 'e2e', 'hostile-process', 'cli']

const rank = (path) => {
  const i = SLOW.findIndex((name) => path.endsWith(`/${name}.test.ts`))
  return i === -1 ? SLOW.length : i
}

export default class SlowFirst extends Base {
  sort(tests) {
    return [...super.sort(tests)].sort((a, b) => rank(a.path) - rank(b.path))
  }
}
