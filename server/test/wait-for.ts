export type WaitForOptions = {
  /** How long to keep trying before giving up, in milliseconds. */
  timeoutMs?: number;
  /** What the test is waiting for, named in the timeout error. */
  what?: string;
  /** Pause between attempts, in milliseconds. */
  intervalMs?: number;
};

/**
 * Calls `condition` until it returns a truthy value and resolves to that value. On timeout it throws an error naming
 * `what` and the last value (or the last error `condition` threw), so a failing test says what it was waiting for.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, what = "the condition", intervalMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      last = `last value: ${describe(value)}`;
    } catch (error) {
      last = `last error: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
