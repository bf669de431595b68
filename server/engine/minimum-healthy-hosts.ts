import type { MinimumHealthyHosts } from "../contracts/resources";

/**
 * M for a deployment of n targets (reference 2.1): HOST_COUNT v is v, FLEET_PERCENT p is ceil(n*p/100),
 * MOST_CONCURRENCY (OneAtATime) is n-1.
 */
export function computeMinimumHealthyHosts(minimum: MinimumHealthyHosts, n: number): number {
  switch (minimum.type) {
    case "HOST_COUNT":
      return minimum.value;
    case "FLEET_PERCENT":
      // Integer ceiling, so 10 * 85 % is exactly 9 with no floating point in the way.
      return Math.floor((n * minimum.value + 99) / 100);
    case "MOST_CONCURRENCY":
      return Math.max(n - 1, 0);
  }
}

/** A minimum that can never be met: M >= N fails before any host is touched. */
export function isMinimumHealthyHostsInvalid(minimum: MinimumHealthyHosts, n: number): boolean {
  return computeMinimumHealthyHosts(minimum, n) >= n;
}

/** Hosts that may be offline at once before failures: N - M. */
export function computeMaxConcurrency(minimum: MinimumHealthyHosts, n: number): number {
  return Math.max(n - computeMinimumHealthyHosts(minimum, n), 0);
}

/** Overall success needs at least max(M, 1) succeeded targets. */
export function hasEnoughSuccesses(minimum: MinimumHealthyHosts, n: number, succeeded: number): boolean {
  return succeeded >= Math.max(computeMinimumHealthyHosts(minimum, n), 1);
}
