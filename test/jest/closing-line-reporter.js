/**
 * Prints the line CI judges the run by, as the last line of the run:
 *
 *   tests: 295 passed, 0 failed
 *
 * with `, N skipped` when tests were skipped (or left as todo). A test file that fails outside its
 * tests (it does not load, or a beforeAll/afterAll hook throws) counts as one failure, so the line
 * never reads `0 failed` for a run Jest fails.
 *
 * Jest adds its summary reporter after every reporter listed, and may warn after the reporters (a
 * run that does not exit), so the line is written as the process exits. It only prints: the exit
 * code stays Jest's.
 */
export default class ClosingLineReporter {
  constructor(globalConfig) {
    this.watching = globalConfig.watch || globalConfig.watchAll
  }

  onRunComplete(_testContexts, results) {
    let failed = results.numFailedTests
    for (const file of results.testResults) {
      if (file.numFailingTests === 0 && (file.testExecError || file.failureMessage)) failed += 1
    }
    const skipped = results.numPendingTests + results.numTodoTests
    let line = `tests: ${results.numPassedTests} passed, ${failed} failed`
    if (skipped > 0) line += `, ${skipped} skipped`
    const print = () => process.stdout.write(`${line}\n`)
    if (this.watching) setImmediate(print)
    else process.once('exit', print)
  }
}
