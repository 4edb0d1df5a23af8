/**
 * Preload for the benchmark (node --import ./max-rss.js ...): when the process exits, writes its
 * peak resident set size, process.resourceUsage().maxRSS in KiB, to the file named by
 * BENCH_MAX_RSS_FILE. Plain JavaScript on purpose: a .ts preload would load Node's type stripper
 * into the process it measures.
 */
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_MAX_RSS_FILE
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS))
  })
}
