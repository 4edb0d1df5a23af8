import { readList } from '../lib/json-list.ts'
import type { RunOutcome } from '../runs/types.ts'
import { State } from './constants.ts'
import type { ActionIO } from './io.ts'

/** What became of a run the main step started or followed, as the post step reads it. */
export type RunFate =
  /** Going, and the main step has not decided on it yet. */
  | 'open'
  /** Ended, cancelled, or left going on purpose (wait: false, cancel-on-timeout: false, ...). */
  | 'settled'
  /** The main step meant to cancel it (timeout, workflow cancel, fail-fast) and could not. */
  | 'cancel-wanted'

export interface LedgerEntry {
  projectId: string
  runId: string
  fate: RunFate
}

/**
 * The runs of one step, saved to the step state on every change, so that a main step killed at
 * any moment leaves the post step an exact list of runs still to cancel.
 */
export class RunLedger {
  private readonly entries: LedgerEntry[] = []
  private readonly io: Pick<ActionIO, 'saveState'>

  constructor(io: Pick<ActionIO, 'saveState'>) {
    this.io = io
  }

  /**
   * A run started (or found). A project's earlier run is settled by it: the step starts a project
   * again only once its run ended UNABLE_TO_ALLOCATE_KERNEL (retry-unallocated).
   */
  open(projectId: string, runId: string): void {
    for (const entry of this.entries)
      if (entry.projectId === projectId && entry.fate === 'open') entry.fate = 'settled'
    this.entries.push({ projectId, runId, fate: 'open' })
    this.save()
  }

  /**
   * The run's end, as the post step needs it: a cancel that failed is left for it to finish;
   * anything else is settled (ended, cancelled, or left going on purpose).
   */
  close(outcome: RunOutcome): void {
    // retry-unallocated: the earlier attempts had ended, whatever became of the last.
    for (const earlier of outcome.attempts?.earlier ?? []) this.set(earlier.runId, 'settled')
    const run = 'run' in outcome ? outcome.run : undefined
    if (run === undefined) return
    const cancelFailed =
      (outcome.kind === 'timed-out' || outcome.kind === 'stopped') &&
      outcome.cancel?.kind === 'failed'
    this.set(run.runId, cancelFailed ? 'cancel-wanted' : 'settled')
  }

  private set(runId: string, fate: RunFate): void {
    const entry = this.entries.find((e) => e.runId === runId)
    if (!entry || entry.fate === fate) return
    entry.fate = fate
    this.save()
  }

  private save(): void {
    this.io.saveState(State.Runs, JSON.stringify(this.entries))
  }
}

/** The ledger as the main step left it; entries that do not parse are dropped. */
export function readLedger(text: string): LedgerEntry[] {
  return readList<LedgerEntry>(
    text,
    (e) =>
      typeof e.projectId === 'string' &&
      typeof e.runId === 'string' &&
      ['open', 'settled', 'cancel-wanted'].includes(e.fate as string)
  )
}
