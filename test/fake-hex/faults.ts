import type { FaultAction, FaultSpec } from './types.ts'

interface ArmedFault {
  spec: FaultSpec
  skip: number
  times: number
}

function checkCount(name: string, value: number, min: number): void {
  if (value === Infinity) return
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`fake-hex: fault ${name} must be an integer >= ${min} or Infinity`)
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method !== method) return false
  if (spec.path === undefined) return true
  if (typeof spec.path === 'string') return spec.path === path
  spec.path.lastIndex = 0 // a /g or /y RegExp keeps state between tests
  return spec.path.test(path)
}

/** Injected faults, consulted in the order they were injected. */
export class FaultQueue {
  #armed: ArmedFault[] = []

  add(spec: FaultSpec): void {
    const skip = spec.skip ?? 0
    const times = spec.times ?? 1
    checkCount('skip', skip, 0)
    checkCount('times', times, 1)
    this.#armed.push({ spec, skip, times })
  }

  clear(): void {
    this.#armed = []
  }

  /** The action for this request, if a fault takes it; updates every matching fault's counts. */
  take(method: string, path: string): FaultAction | undefined {
    let chosen: ArmedFault | undefined
    for (const fault of this.#armed) {
      if (!matches(fault.spec, method, path)) continue
      if (fault.skip > 0) fault.skip -= 1
      else if (chosen === undefined) chosen = fault
    }
    if (chosen === undefined) return undefined
    chosen.times -= 1
    if (chosen.times <= 0) this.#armed = this.#armed.filter((f) => f !== chosen)
    return chosen.spec.action
  }
}
