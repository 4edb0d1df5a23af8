/**
 * The `stateEvents` GetRunStatus adds when asked (`enable-expanded-stats: true`), and the ways a
 * test can make them strange. Hex documents an event as `{type, value, timestamp}` and no more:
 * the stand-in sends one event per change of status, its value the status; the type's name is
 * its own guess (Hex lists none).
 */
import type { StateEventsMode } from './types.ts'
import type { Run } from './runs.ts'

/** The type the stand-in gives a change of status; a reader must not depend on it. */
export const STATUS_EVENT_TYPE = 'STATUS_CHANGED'

const iso = (at: number): string => new Date(at).toISOString()

/** The run's state events at `t` as `mode` makes them, or undefined to leave the field out. */
export function stateEvents(run: Run, t: number, mode: StateEventsMode): unknown {
  const events = run
    .changes(t)
    .map((c) => ({ type: STATUS_EVENT_TYPE, value: c.status, timestamp: iso(c.at) }))
  switch (mode) {
    case 'normal':
      return events
    case 'omitted':
      return undefined
    case 'empty':
      return []
    case 'not-an-array':
      return { events }
    case 'unknown-types':
      // Other kinds of event among the changes of status: a kernel, a cell, a value that is none.
      return events.flatMap((e) => [
        { type: 'KERNEL_ASSIGNED', value: 'kernel-7f3e', timestamp: e.timestamp },
        e,
        { type: 'CELL_EXECUTED', value: 'cell 4 of 12', timestamp: e.timestamp }
      ])
    case 'bad-timestamps':
      return events.map((e, i) => ({
        ...e,
        timestamp: ['yesterday', '', 1_764_000_000, null, '2026-13-45T99:99:99Z'][i % 5]
      }))
    case 'garbage':
      return [null, 42, 'RUNNING', [], { type: 'STATUS_CHANGED' }, { value: 'RUNNING' }]
    case 'duplicates':
      return events.flatMap((e) => [e, { ...e }])
    case 'out-of-order':
      return [...events].reverse()
    case 'contradictory':
      // The run "started" before it was queued and "ended" before it started.
      return events.map((e, i) => ({ ...e, timestamp: iso(run.createdAt - i * 60_000) }))
  }
}
