import type { RunProjectRequest } from '../hex/types.ts'
import { blindSchedule } from '../runs/schedule.ts'
import type { RunPlan } from '../runs/types.ts'
import type { Settings } from './settings.ts'

/** The RunProject body: only what the user set differently from Hex's own defaults is implied. */
export function runRequest(settings: Settings): RunProjectRequest {
  const request: RunProjectRequest = {
    updatePublishedResults: settings.updatePublishedResults,
    useCachedSqlResults: settings.useCachedSqlResults
  }
  if (Object.keys(settings.inputParams).length > 0) request.inputParams = settings.inputParams
  if (settings.dryRun) request.dryRun = true
  if (settings.viewId !== undefined) request.viewId = settings.viewId
  if (settings.notifications !== undefined) request.notifications = settings.notifications
  return request
}

/** What the inputs decide about each run, for the run's own logic. */
export function runPlan(settings: Settings): RunPlan {
  return {
    request: runRequest(settings),
    apiBase: settings.apiBase,
    wait: settings.wait,
    schedule: blindSchedule(settings.pollIntervalMs),
    cancelOnTimeout: settings.cancelOnTimeout,
    cancelOnWorkflowCancel: settings.cancelOnWorkflowCancel
  }
}
