/**
 * Polling, simulated: the action's source runs in process against the stand-in Hex server, both on
 * one virtual clock (__tests__/helpers/virtual-clock.ts), so minutes of polling take milliseconds
 * and every figure is exact and repeatable: when each read went out, how long after a run's end it
 * was seen, how many reads fell in any 60 s. npm run bench prints its polling rows from this; the
 * tests of the request budget use it too.
 */
import type { ActionResult } from '../../test/runner/run-action.ts'
import {
  FakeHex,
  type FakeRateLimit,
  type FaultSpec,
  type LifecycleStep,
  type RecordedRequest
} from '../../test/fake-hex/server.ts'
import { runInProcess } from '../../test/runner/in-process.ts'
import { VirtualClock } from '../../test/runner/virtual-clock.ts'

const TOKEN = 'hxtw_test_run_token'

/** One project of a simulated step: its run, and the durations of its earlier runs. */
export interface SimulatedRun {
  /** How long the run takes, from its trigger to its end. */
  durationMs: number
  /** How it ends; default COMPLETED. */
  status?: 'COMPLETED' | 'ERRORED'
  /** Durations of the project's earlier completed API-triggered runs, oldest first. */
  history?: number[]
  /** Instead of RUNNING for durationMs then status (a PENDING phase, for instance). */
  lifecycle?: LifecycleStep[]
}

export interface SimulationOptions {
  /** Inputs besides project-id, api-token and api-url (max-parallel, history, poll-interval…). */
  inputs?: Record<string, string>
  /** The stand-in enforces Hex's rate limit. */
  rateLimit?: FakeRateLimit
  faults?: FaultSpec[]
}

export interface SimulatedOutcome {
  projectId: string
  durationMs: number
  /** From the run's end to the status read that saw it. */
  lagMs: number
  /** Reads of the run's status. */
  statusReads: number
}

export interface Simulation {
  runs: SimulatedOutcome[]
  /** Every read of the step (status, history, project lists): what Hex's rate limit counts. */
  reads: RecordedRequest[]
  /** The most reads in any 60 s. */
  maxReadsPerMinute: number
  /** Answers of 429. */
  limited: number
  result: ActionResult
  requests: RecordedRequest[]
}

/** Project IDs must be UUIDs: number n gives 0bec51a0-…-n. */
export function simulatedProjectId(n: number): string {
  return `0bec51a0-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

/** The most of `times` (ms) that fall in any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  let first = 0
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++
    most = Math.max(most, last - first + 1)
  }
  return most
}

/** The first status read at or after a run's end that Hex answered (a 429 saw nothing). */
export function sawEnd(
  statusReads: RecordedRequest[],
  endedAt: number
): RecordedRequest | undefined {
  return statusReads.find((r) => r.at >= endedAt && r.status === 200)
}

/** Runs one step of the action over `runs` (one project each, all in one step). */
export async function simulate(
  runs: SimulatedRun[],
  options: SimulationOptions = {}
): Promise<Simulation> {
  const clock = new VirtualClock()
  const ids = runs.map((_, i) => simulatedProjectId(i + 1))
  const fake = await FakeHex.start({
    clock,
    maxRunningKernels: 1000,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    projects: runs.map((run, i) => ({
      id: ids[i] as string,
      lifecycle: run.lifecycle ?? [
        { status: 'RUNNING', ms: run.durationMs },
        { status: run.status ?? 'COMPLETED' }
      ],
      ...(run.history ? { history: run.history.map((ms) => ({ ms })) } : {})
    }))
  })
  try {
    for (const fault of options.faults ?? []) fake.injectFault(fault)
    const result = await runInProcess({
      clock,
      inputs: {
        'project-id': ids.join('\n'),
        'api-token': TOKEN,
        'api-url': fake.apiBase,
        ...options.inputs
      }
    })
    const requests = fake.requests
    const reads = requests.filter((r) => r.method === 'GET')
    const outcomes = runs.map((run, i): SimulatedOutcome => {
      const projectId = ids[i] as string
      const ran = fake.runs(projectId).find((r) => !r.past)
      const path = `/api/v1/projects/${projectId}/runs/${ran?.id ?? ''}`
      const statusReads = reads.filter((r) => r.path === path)
      const endedAt = ran?.terminalAt ?? NaN
      const seen = sawEnd(statusReads, endedAt)
      return {
        projectId,
        durationMs: run.durationMs,
        lagMs: seen === undefined ? NaN : seen.at - endedAt,
        statusReads: statusReads.length
      }
    })
    return {
      runs: outcomes,
      reads,
      maxReadsPerMinute: maxInWindow(
        reads.map((r) => r.at),
        60_000
      ),
      limited: requests.filter((r) => r.status === 429).length,
      result,
      requests
    }
  } finally {
    await fake.close()
  }
}

/**
 * `count` durations spread evenly across usual ± spread (0.1 for ±10 %): what a uniform spread
 * gives on average, without the luck of a random draw.
 */
export function spreadHistory(usualMs: number, spread: number, count = 20): number[] {
  return Array.from(
    { length: count },
    (_, i) => usualMs * (1 - spread + (2 * spread * (i + 0.5)) / count)
  )
}
