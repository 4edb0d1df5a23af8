import type { HexSession } from '../hex/session.ts'
import { readHistory, type RunHistory } from './history.ts'
import type { RunEvents, RunFacts } from './types.ts'

/** The run whose wait the history read goes alongside: what it learns goes there. */
export interface HistoryFor {
  /** The run's facts: the usual duration is added to them. */
  run: RunFacts
  /** When the run was started, on the session's clock: its expected end counts from it. */
  startedAt: number
  emit: RunEvents
}

/**
 * The project's history, read alongside a run's wait: the wait's schedule asks `history()` for
 * what is known so far, and `end()` abandons the read once the wait is over. It never delays the
 * wait; its outcome goes out as an event (`history` or `no-history`), if it comes in time.
 */
export class HistoryAlongside {
  private known?: RunHistory
  private readonly stop = new AbortController()
  private readonly done: Promise<void>

  /** Starts the read at once, on `session` (stopped by its signal, or by `end()`). */
  constructor(session: HexSession, projectId: string, { run, startedAt, emit }: HistoryFor) {
    const { signal } = this.stop
    const stops = session.signal ? AbortSignal.any([session.signal, signal]) : signal
    this.done = readHistory(session.with({ signal: stops }), projectId).then((read) => {
      if (read.kind === 'known') {
        this.known = read.history
        run.usualMs = read.history.usualMs
      }
      // The run ended first: the usual duration is still worth reporting, the rest is not.
      if (signal.aborted) return
      if (read.kind === 'unknown') {
        emit({ type: 'no-history', why: read.why })
        return
      }
      emit({
        type: 'history',
        history: read.history,
        expectedEndAt: startedAt + read.history.usualMs
      })
    })
  }

  /** The history once it is read and says enough; undefined until then, or for good. */
  readonly history = (): RunHistory | undefined => this.known

  /** The wait is over: a read still going is abandoned, and waited for. */
  async end(): Promise<void> {
    this.stop.abort()
    await this.done
  }
}
