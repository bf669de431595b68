/** Millisecond latencies in 1 ms buckets (up to `maxMs`, larger values land in the last bucket). */
export class LatencyHistogram {
  private readonly buckets: Uint32Array;
  count = 0;
  max = 0;

  constructor(private readonly maxMs = 120_000) {
    this.buckets = new Uint32Array(maxMs + 1);
  }

  record(ms: number): void {
    const bucket = Math.min(this.maxMs, Math.max(0, Math.round(ms)));
    this.buckets[bucket]++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The smallest bucket at or below which p percent of the samples fall; null when empty. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let ms = 0; ms <= this.maxMs; ms++) {
      seen += this.buckets[ms];
      if (seen >= rank) return ms;
    }
    return this.maxMs;
  }
}

/** Median of a small list of numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
