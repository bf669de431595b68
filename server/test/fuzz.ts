import fc from "fast-check";

/**
 * Property-based fuzzing with fast-check. In `npm test` each target runs its CI count of executions (a few
 * seconds); `npm run fuzz` multiplies every count by FUZZ_RUNS. FUZZ_SEED replays a reported failure.
 */
const multiplier = Math.max(1, Number(process.env.FUZZ_RUNS ?? "1") || 1);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** Longest a single execution may take before it counts as a hang (generous: the machine is shared). */
export const RUN_DEADLINE_MS = 10_000;

function report(target: string, executions: number, startedAt: number): void {
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = seconds > 0 ? Math.round(executions / seconds) : executions;
  console.log(`fuzz ${target}: ${executions} executions in ${seconds.toFixed(1)} s (${rate}/s)`);
}

/** A synchronous run slower than the deadline is a finding, like a throw. */
function timed<T>(target: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const elapsed = performance.now() - started;
  if (elapsed > RUN_DEADLINE_MS) throw new Error(`${target}: one execution took ${Math.round(elapsed)} ms`);
  return result;
}

/** Runs a synchronous property ciRuns × FUZZ_RUNS times and prints the executions and their rate. */
export function fuzz<T>(target: string, ciRuns: number, input: fc.Arbitrary<T>, check: (value: T) => void): void {
  let executions = 0;
  const started = performance.now();
  fc.assert(
    fc.property(input, (value) => {
      executions += 1;
      timed(target, () => check(value));
    }),
    { numRuns: ciRuns * multiplier, seed },
  );
  report(target, executions, started);
}

/** Rejects when a promise has not settled in time: an execution that hangs is a finding. */
export function withinDeadline<T>(promise: Promise<T>, what: string, ms = RUN_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs an asynchronous property ciRuns × FUZZ_RUNS times, each under the deadline, and prints the figures. */
export async function fuzzAsync<T>(target: string, ciRuns: number, input: fc.Arbitrary<T>, check: (value: T) => Promise<void>): Promise<void> {
  let executions = 0;
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(input, async (value) => {
      executions += 1;
      await withinDeadline(check(value), target);
    }),
    { numRuns: ciRuns * multiplier, seed },
  );
  report(target, executions, started);
}
