/**
 * Wall-clock ms since the epoch, read from the monotonic clock so that run phases never jump when
 * the system clock is adjusted, while staying comparable with a client's Date.now().
 */
export function now(): number {
  return performance.timeOrigin + performance.now()
}
